; A bounded loop of 330,000 iterations: the kernel processes 990,004 instructions,
; just under its 1,000,000 limit (each iteration's state differs, so nothing is pruned).
.prog_type xdp
        mov %r0, 0
        mov %r1, 0
loop:
        add %r1, 1
        add %r0, %r1
        jlt %r1, 330000, loop
        mov %r0, 2
        exit
