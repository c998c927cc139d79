; Rewrites the TTL without a bounds check.
.prog_type sched_cls
        ldxw %r2, [%r1+76]
        ldxb %r5, [%r2+22]
        sub %r5, 1
        stxb [%r2+22], %r5
        mov %r0, 0
        exit
