# Whether a socket filter may call bpf_get_prandom_u32 (#7) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 7
    r0 = 0
    exit
