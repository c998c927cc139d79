; The loop variable is reset every iteration: the loop never ends.
.prog_type tracepoint
        mov %r0, 0
loop:
        mov %r1, 1
        add %r1, 1
        jle %r1, 100, loop
        exit
