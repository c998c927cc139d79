# Found by the live differential (seed 32): our verifier disagreed with the verdict (the kernel accepted).
.prog_type tracepoint
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = 1451608049
r2 = 8
r3 = -30
r4 = 187103198
r5 = -134537239
r6 = 1
r7 = 64
r8 = 1
call bpf_get_smp_processor_id
r4 = 1596027137
if w0 s<= 255 goto L18
r4 = *(u32 *)(r9 + 0)
r5 = *(u32 *)(r9 + 4)
r3 = r4
r3 += 13
if r3 > r5 goto L18
r3 = *(u32 *)(r4 + 35)
L18:
r0 = 0
exit
