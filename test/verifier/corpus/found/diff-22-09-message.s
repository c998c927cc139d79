# Found by the live differential (seed 22): our verifier disagreed with the message (the kernel rejected at 11 (helper access to the packet is not allowed)).
.prog_type xdp
.license "GPL"
.map m, array, key=4, value=16, entries=4
r9 = r1
r2 = 11
r3 = 63
r4 = -2147483641
r5 = 927100612
r6 = 2
r7 = -449871190
r8 = 63
r5 = *(u16 *)(r10 - 26)
if r7 == r3 goto L12
r1 = *(u32 *)(r1 + 0)
call bpf_probe_read_kernel
L12:
r0 = 0
exit
