# Keep only packets longer than 100 bytes, truncated to 100.
.prog_type socket_filter
    r0 = *(u32 *)(r1 + 0)
    if r0 > 100 goto keep
    r0 = 0
    exit
keep:
    r0 = 100
    exit
