# Found by the live differential (seed 32): our verifier disagreed with the message (the kernel rejected at 27 (invalid access to map value, value_size=16 off=37 size=8 / R0 max value is outside of the allowed memory range)).
.prog_type tracepoint
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = -95545656
r2 = 8
r3 = 0
r4 = 1893956211
r5 = 63
r6 = 64
r7 = 1
r8 = -945748964
r5 = le16 r5
r6 = *(u16 *)(r10 - 46)
r3 = 0
L12:
r3 += 1
if r3 < 5 goto L12
w2 = -w2
if w8 > w5 goto L17
lock *(u32 *)(r10 - 11) ^= w5
L17:
*(u32 *)(r10 - 4) = 2
r2 = r10
r2 += -4
r1 = map[m] ll
call bpf_map_lookup_elem
if r0 == 0 goto L28
r3 = *(u32 *)(r0 + 0)
r3 &= 31
r0 += r3
r3 = *(u64 *)(r0 + 6)
L28:
r0 = 0
exit
