# Bitwise operators on pointers.
.prog_type socket_filter
    r1 &= 3
    r0 = 0
    exit
