# cmpxchg compares memory with R0 and loads the old value into it: a pointer in R0 leaks.
.prog_type socket_filter
    *(u64 *)(r10 - 8) = 0
    r0 = r10
    r1 = 0
    r0 = cmpxchg_64(r10 - 8, r0, r1)
    r0 = 0
    exit
