; A loop bound read from the tracepoint context is unknown: too many iterations to prove.
.prog_type tracepoint
        ldxdw %r2, [%r1+16]
        mov %r0, 0
        mov %r1, 0
loop:
        add %r1, 1
        add %r0, %r1
        jlt %r1, %r2, loop
        exit
