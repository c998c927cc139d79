# Whether a socket filter may call bpf_get_socket_uid (#47) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 47
    r0 = 0
    exit
