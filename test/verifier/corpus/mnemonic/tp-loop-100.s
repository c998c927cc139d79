; A bounded loop: sum 1..100.
.prog_type tracepoint
        mov %r0, 0
        mov %r1, 1
loop:
        add %r0, %r1
        add %r1, 1
        jle %r1, 100, loop
        exit
