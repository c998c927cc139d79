; Moves the frame pointer to make room: r10 is read-only.
.prog_type tracepoint
        sub %r10, 64
        mov %r0, 0
        exit
