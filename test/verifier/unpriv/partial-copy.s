# A 32-bit move of a pointer.
.prog_type socket_filter
    w0 = w10
    r0 = 0
    exit
