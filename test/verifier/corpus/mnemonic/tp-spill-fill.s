; Spill the context pointer across a helper call and read a field through it.
.prog_type tracepoint
        stxdw [%r10-8], %r1
        call 5
        ldxdw %r1, [%r10-8]
        ldxdw %r0, [%r1+8]
        exit
