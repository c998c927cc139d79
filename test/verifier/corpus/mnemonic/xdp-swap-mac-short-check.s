; The check covers 11 bytes but the last store writes bytes 10 and 11.
.prog_type xdp
        ldxw %r2, [%r1+0]
        ldxw %r3, [%r1+4]
        mov %r4, %r2
        add %r4, 11
        jgt %r4, %r3, pass
        ldxw %r5, [%r2+0]
        ldxh %r6, [%r2+4]
        ldxw %r7, [%r2+6]
        ldxb %r8, [%r2+10]
        stxw [%r2+0], %r7
        stxb [%r2+4], %r8
        stxw [%r2+6], %r5
        stxh [%r2+10], %r6
        mov %r0, 3
        exit
pass:
        mov %r0, 2
        exit
