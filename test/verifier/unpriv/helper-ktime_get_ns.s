# Whether a socket filter may call bpf_ktime_get_ns (#5) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 5
    r0 = 0
    exit
