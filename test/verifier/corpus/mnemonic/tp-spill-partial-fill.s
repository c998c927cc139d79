; A spilled pointer read back with a 4-byte load becomes a scalar: dereferencing it fails.
.prog_type tracepoint
        stxdw [%r10-8], %r1
        ldxw %r2, [%r10-8]
        ldxdw %r0, [%r2+0]
        exit
