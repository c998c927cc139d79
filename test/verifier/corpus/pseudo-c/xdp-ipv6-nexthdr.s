# Drop ICMPv6 (next header 58) over plain IPv6, pass everything else.
.prog_type xdp
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 54
    if r4 > r3 goto pass
    r5 = *(u16 *)(r2 + 12)
    if r5 != 0xdd86 goto pass
    r5 = *(u8 *)(r2 + 20)
    if r5 != 58 goto pass
    r0 = 1
    exit
pass:
    r0 = 2
    exit
