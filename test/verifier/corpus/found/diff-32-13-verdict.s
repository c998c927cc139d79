# Found by the live differential (seed 32): our verifier disagreed with the verdict (the kernel accepted).
.prog_type socket_filter
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = -1770713881
r2 = 0
r3 = 696940725
r4 = 0
r5 = 2
r6 = 16
r7 = -67717900
r8 = 12
r5 = bswap16 r5
if r5 != 6 goto L22
r4 = *(u32 *)(r9 + 76)
r5 = *(u32 *)(r9 + 80)
r3 = r4
r3 += 16
if r3 <= r5 goto L17
r3 = *(u64 *)(r4 + 1)
L17:
r3 = 0
L18:
r3 += 1
if r3 < 20 goto L18
r8 = xchg_64(r10 - 18, r8)
lock *(u64 *)(r10 + 8) ^= r0
L22:
r0 = 0
exit
