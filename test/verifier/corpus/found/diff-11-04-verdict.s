# Found by the live differential (seed 11): our verifier disagreed with the verdict (the kernel accepted).
.prog_type xdp
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r0 = -2
r2 = -922961871
r3 = 63
r6 = 64
call bpf_get_smp_processor_id
if w0 != 1041573338 goto L11
r3 = 0
L8:
r3 += 1
if r3 < 14 goto L8
*(u32 *)(r10 - 32) = r4
L11:
r0 = 0
exit
