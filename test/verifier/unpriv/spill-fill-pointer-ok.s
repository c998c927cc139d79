# Spilling and filling a whole pointer is fine.
.prog_type socket_filter
    *(u64 *)(r10 - 8) = r1
    r1 = *(u64 *)(r10 - 8)
    r0 = *(u32 *)(r1 + 0)
    exit
