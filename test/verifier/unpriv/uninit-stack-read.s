# Reading stack never written: allowed for root, not for !root.
.prog_type socket_filter
    r0 = *(u64 *)(r10 - 8)
    r0 = 0
    exit
