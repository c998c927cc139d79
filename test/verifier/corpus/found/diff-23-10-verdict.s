# Found by the live differential (seed 23): our verifier disagreed with the verdict (the kernel accepted).
.prog_type socket_filter
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 8
r2 = 6
r3 = 63
r4 = 893239215
r5 = -541490385
r6 = 1988725229
r7 = 64
r8 = 8
r2 = bswap32 r2
if r2 != r8 goto L12
r1 <<= -419057946
L12:
r0 = 0
exit
