# Found by the live differential (seed 42): our verifier disagreed with the message (the kernel rejected at 18 (At program exit the register R0 is not a known value (map_value_or_null))).
.prog_type cgroup_skb
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 0
r2 = 8
r3 = 9
r4 = -1890552899
r5 = 11
r6 = 8
r7 = 4
r8 = 1309631096
*(u32 *)(r10 - 4) = 5
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
r7 = r0
r9 = bswap32 r9
r6 = be16 r6
exit
