# Found by the live differential (seed 24): our verifier disagreed with the message (the kernel rejected at 13 (math between ctx pointer and -360093081753616384 is not allowed)).
.prog_type socket_filter
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 64
r2 = 1085341947
r3 = 3
r4 = 8
r5 = 0
r6 = -575816517
r7 = 4
r8 = 1991671262
r2 = bswap64 r2
r3 = 0
L11:
r3 += 1
if r3 <= 8 goto L11
r2 ^= r1
r0 = 0
exit
