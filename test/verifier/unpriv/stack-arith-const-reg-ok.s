# fp + a register holding a constant inside the frame is fine.
.prog_type socket_filter
    *(u64 *)(r10 - 8) = 0
    r2 = -8
    r3 = r10
    r3 += r2
    r0 = *(u64 *)(r3 + 0)
    exit
