# Found by the live differential (seed 11): our verifier disagreed with the verdict (the kernel accepted).
.prog_type tracepoint
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 1405928241
r2 = -10
r3 = 16
r4 = 1
r5 = 1
r6 = -4
r7 = -2091635841
r8 = 823441067
r7 = be16 r7
*(u16 *)(r10 - 8) = r7
if w7 s>= w6 goto L14
r1 s/= r1
r7 = bswap64 r7
L14:
r0 = 0
exit
