# Whether a socket filter may call bpf_get_numa_node_id (#42) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 42
    r0 = 0
    exit
