# Found by the live differential (seed 42): our verifier disagreed with the message (the kernel rejected at 9 (misaligned access off 0xfffffffffffffff6+0+-9 size 4)).
.prog_type tracepoint
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = -10
r2 = -391124648
r3 = 15
r4 = -2147483617
r5 = 2095185817
r6 = 0
r7 = 63
r8 = -2147483620
lock *(u32 *)(r0 - 9) |= w6
r9 = *(u8 *)(r10 - 31)
r6 %= r6
r0 = 0
exit
