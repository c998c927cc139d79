# Found by the live differential (seed 13): our verifier disagreed with the verdict (the kernel accepted).
.prog_type socket_filter
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 864156415
r2 = 0
r3 = 63
r4 = 0
r5 = 8
r6 = 13
r7 = -2055573137
r8 = 4
r0 = bswap16 r0
r8 = le32 r8
w2 ^= -3
if r2 s> r8 goto L14
lock *(u64 *)(r0 - 48) &= r7
L14:
if w5 s> w8 goto L15
L15:
r0 = 0
exit
