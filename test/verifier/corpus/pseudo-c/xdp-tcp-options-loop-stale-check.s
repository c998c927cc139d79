# The end check is done once before the loop: later iterations read past it.
.prog_type xdp
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 55
    if r4 > r3 goto pass
    r6 = r2
    r6 += 54
    r7 = 0
loop:
    r0 = *(u8 *)(r6 + 0)
    if r0 == 0 goto pass
    r6 += 1
    r7 += 1
    if r7 < 10 goto loop
pass:
    r0 = 2
    exit
