# 32-bit arithmetic on a pointer.
.prog_type socket_filter
    w1 += 1
    r0 = 0
    exit
