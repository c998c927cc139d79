# Found by the live differential (seed 11): our verifier disagreed with the message (the kernel rejected at 10 (R2 pointer arithmetic with %= operator prohibited)).
.prog_type xdp
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 16
r2 = 2138170166
r3 = 1966529408
r4 = 1
r5 = 64
r6 = 1821219505
r7 = 1
r8 = 1
r2 = le16 r2
r2 %= r1
r5 &= 1
r3 = *(u8 *)(r10 - 50)
r3 = 0
L14:
r3 += 1
if r3 <= 14 goto L14
w1 <<= 1644199346
r9 %= r5
r0 = 0
exit
