# Stack pointer arithmetic to fp+0 (the frame start is out of range too).
.prog_type socket_filter
    r2 = r10
    r2 += -8
    r2 += 8
    r0 = 0
    exit
