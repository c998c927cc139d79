; Swap the Ethernet source and destination addresses and bounce the frame.
.prog_type xdp
        ldxw %r2, [%r1+0]
        ldxw %r3, [%r1+4]
        mov %r4, %r2
        add %r4, 12
        jgt %r4, %r3, pass
        ldxw %r5, [%r2+0]
        ldxh %r6, [%r2+4]
        ldxw %r7, [%r2+6]
        ldxh %r8, [%r2+10]
        stxw [%r2+0], %r7
        stxh [%r2+4], %r8
        stxw [%r2+6], %r5
        stxh [%r2+10], %r6
        mov %r0, 3
        exit
pass:
        mov %r0, 2
        exit
