; A TC classifier rewrites the TTL in place after a bounds check.
.prog_type sched_cls
        ldxw %r2, [%r1+76]
        ldxw %r3, [%r1+80]
        mov %r4, %r2
        add %r4, 34
        jgt %r4, %r3, out
        ldxb %r5, [%r2+22]
        jeq %r5, 0, out
        sub %r5, 1
        stxb [%r2+22], %r5
out:
        mov %r0, 0
        exit
