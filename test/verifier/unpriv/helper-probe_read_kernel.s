# Whether a socket filter may call bpf_probe_read_kernel (#113) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 113
    r0 = 0
    exit
