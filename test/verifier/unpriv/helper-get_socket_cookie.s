# Whether a socket filter may call bpf_get_socket_cookie (#46) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 46
    r0 = 0
    exit
