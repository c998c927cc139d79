# Whether a socket filter may call bpf_spin_lock (#93) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 93
    r0 = 0
    exit
