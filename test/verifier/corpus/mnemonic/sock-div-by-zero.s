; Average with a constant divisor that is zero.
.prog_type socket_filter
        ldxw %r0, [%r1+0]
        div %r0, 0
        exit
