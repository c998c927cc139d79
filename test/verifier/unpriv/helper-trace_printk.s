# Whether a socket filter may call bpf_trace_printk (#6) without CAP_BPF / CAP_PERFMON.
.prog_type socket_filter
    call 6
    r0 = 0
    exit
