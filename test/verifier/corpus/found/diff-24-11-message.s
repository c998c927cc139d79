# Found by the live differential (seed 24): our verifier disagreed with the message (the kernel rejected at 16 (misaligned access off 0+0+1 size 4)).
.prog_type socket_filter
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = -212046087
r2 = 15
r4 = 4
r5 = 11
r6 = 16
r7 = 0
r8 = -1200692726
w5 = -w5
*(u32 *)(r10 - 4) = 4
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
r7 = r0
w7 = atomic_fetch_add((u32 *)(r0 + 1), w7)
r4 = 0
*(u32 *)(r10 - 4) = 5
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L26
r6 = r0
L26:
r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
*(u32 *)(r10 - 4) = 4
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L38
r3 = *(u32 *)(r0 + 0)
r3 &= 3
r0 += r3
r3 = *(u8 *)(r0 - 1)
L38:
exit
