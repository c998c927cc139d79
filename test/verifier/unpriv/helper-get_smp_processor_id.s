# Whether a socket filter may call bpf_get_smp_processor_id (#8) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 8
    r0 = 0
    exit
