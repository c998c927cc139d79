# Same as xdp-ihl-variable-offset.s but the IHL is not masked: an unbounded packet offset.
.prog_type xdp
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 34
    if r4 > r3 goto pass
    r5 = *(u32 *)(r2 + 14)
    r5 <<= 2
    r2 += r5
    r4 = r2
    r4 += 18
    if r4 > r3 goto pass
    r0 = *(u16 *)(r2 + 16)
    exit
pass:
    r0 = 2
    exit
