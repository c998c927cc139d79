; Division by a register: the run-time rule (x / 0 = 0) makes it safe.
.prog_type socket_filter
        ldxw %r0, [%r1+0]
        ldxw %r2, [%r1+4]
        div %r0, %r2
        mod %r0, %r2
        exit
