# pointer - pointer: a scalar for root, prohibited for !root.
.prog_type socket_filter
    r2 = r10
    r2 -= r1
    r0 = 0
    exit
