# Whether a socket filter may call bpf_get_current_uid_gid (#15) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 15
    r0 = 0
    exit
