# An atomic add of a pointer into the stack leaks it.
.prog_type socket_filter
    *(u64 *)(r10 - 8) = 0
    lock *(u64 *)(r10 - 8) += r1
    r0 = 0
    exit
