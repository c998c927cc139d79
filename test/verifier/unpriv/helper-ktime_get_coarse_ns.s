# Whether a socket filter may call bpf_ktime_get_coarse_ns (#160) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 160
    r0 = 0
    exit
