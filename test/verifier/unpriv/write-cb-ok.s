# Writing a scalar into skb->cb is fine.
.prog_type socket_filter
    r2 = 7
    *(u32 *)(r1 + 48) = r2
    r0 = *(u32 *)(r1 + 48)
    exit
