# Whether a socket filter may call bpf_ktime_get_boot_ns (#125) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 125
    r0 = 0
    exit
