# Socket filters may use the skb control buffer cb[0..4] as scratch space.
.prog_type socket_filter
    r2 = *(u32 *)(r1 + 0)
    *(u32 *)(r1 + 48) = r2
    r0 = *(u32 *)(r1 + 48)
    exit
