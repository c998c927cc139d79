# Whether a socket filter may call bpf_jiffies64 (#118) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 118
    r0 = 0
    exit
