# Whether a socket filter may call bpf_get_current_comm (#16) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 16
    r0 = 0
    exit
