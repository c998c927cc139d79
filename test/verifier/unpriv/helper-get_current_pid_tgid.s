# Whether a socket filter may call bpf_get_current_pid_tgid (#14) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 14
    r0 = 0
    exit
