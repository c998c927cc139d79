# A variable offset into the stack is prohibited for !root.
.prog_type socket_filter
    r2 = *(u32 *)(r1 + 0)
    r2 &= 7
    *(u64 *)(r10 - 16) = 0
    *(u64 *)(r10 - 8) = 0
    r3 = r10
    r3 += -16
    r3 += r2
    r0 = *(u8 *)(r3 + 0)
    exit
