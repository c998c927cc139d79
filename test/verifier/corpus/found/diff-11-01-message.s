# Found by the live differential (seed 11): our verifier disagreed with the message (the kernel rejected at 9 (misaligned access off 0x7fffffe8+0+-5 size 4)).
.prog_type xdp
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = -1189637405
r2 = -1894768028
r3 = 16
r4 = 255
r5 = 1
r6 = 2147483624
r7 = -3
r8 = 10
w9 = atomic_fetch_or((u32 *)(r6 - 5), w9)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L21
r3 = *(u32 *)(r0 + 0)
r3 &= 15
r0 += r3
r3 = *(u32 *)(r0 + 4)
L21:
r4 = *(u32 *)(r9 + 0)
r5 = *(u32 *)(r9 + 4)
r3 = r4
r3 += 13
if r3 >= r5 goto L27
*(u8 *)(r4 + 10) = r5
L27:
if r1 s>= 16 goto L28
L28:
*(u32 *)(r10 - 28) = 2062099039
*(u32 *)(r10 - 20) = r10
w0 = xchg32_32(r10 + 7, w0)
r0 = 0
exit
