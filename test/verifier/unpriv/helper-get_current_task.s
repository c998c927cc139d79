# Whether a socket filter may call bpf_get_current_task (#35) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 35
    r0 = 0
    exit
