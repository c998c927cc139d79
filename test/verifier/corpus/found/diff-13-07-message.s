# Found by the live differential (seed 13): our verifier disagreed with the message (the kernel rejected at 10 (R3 pointer arithmetic with *= operator prohibited)).
.prog_type xdp
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 4
r2 = 10
r3 = 1
r4 = 8
r5 = 1577455480
r6 = 7
r7 = 28
r8 = -4
r3 = le16 r3
r3 *= r10
r2 = *(u16 *)(r10 - 50)
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L23
r3 = *(u64 *)(r0 + 0)
if w3 <= 9 goto L23
r0 += r3
r3 = *(u8 *)(r0 + 3)
L23:
r1 = 63
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L35
r3 = *(u32 *)(r0 + 0)
r3 &= 8
r0 += r3
r3 = *(u32 *)(r0 + 4)
L35:
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L46
r3 = *(u32 *)(r0 + 0)
r3 &= 255
r0 += r3
r3 = *(u16 *)(r0 + 12)
L46:
w0 = (s8)w2
r0 = 0
exit
