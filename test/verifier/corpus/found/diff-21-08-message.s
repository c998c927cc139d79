# Found by the live differential (seed 21): our verifier disagreed with the message (the kernel rejected at 13 (negative offset ctx ptr R9 off=-16 disallowed)).
.prog_type xdp
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 10
r2 = 1
r3 = 0
r4 = 64
r5 = 2
r6 = 255
r7 = 16
r8 = -4
r0 = 1520597575
r5 = atomic_fetch_xor((u64 *)(r10 - 24), r5)
w4 += w0
r9 -= 16
r4 = *(u32 *)(r9 + 0)
r5 = *(u32 *)(r9 + 4)
r3 = r4
r3 += 26
if r3 >= r5 goto L19
*(u32 *)(r4 - 1) = r5
L19:
r4 = *(u32 *)(r9 + 0)
r5 = *(u32 *)(r9 + 4)
r3 = r4
r3 += 37
if r3 > r5 goto L25
*(u16 *)(r4 + 19) = r5
L25:
r9 -= 390597581
w3 = (s16)w3
exit
