# Found by the live differential (seed 13): our verifier disagreed with the verdict (the kernel accepted).
.prog_type tracepoint
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 4
r2 = 16
r3 = 16
r4 = 1546947564
r5 = -4
r6 = 13
r7 = -1827502369
r8 = 1
r2 += r0
r3 = be64 r3
if r1 s< r7 goto L14
if w3 != w7 goto L14
call bpf_map_update_elem
L14:
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L22
r7 = r0
L22:
r1 = *(u64 *)(r10 - 40)
*(u64 *)(r10 - 64) = 7
exit
