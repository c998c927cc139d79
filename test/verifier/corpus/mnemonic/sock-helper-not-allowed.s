; bpf_probe_read_kernel is a tracing helper, not for socket filters.
.prog_type socket_filter
        mov %r3, %r1
        mov %r1, %r10
        add %r1, -8
        mov %r2, 8
        call 113
        mov %r0, 0
        exit
