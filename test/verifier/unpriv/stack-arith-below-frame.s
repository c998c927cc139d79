# Stack pointer arithmetic below the frame.
.prog_type socket_filter
    r2 = r10
    r2 += -520
    r0 = 0
    exit
