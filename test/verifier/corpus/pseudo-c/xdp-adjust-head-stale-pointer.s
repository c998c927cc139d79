# bpf_xdp_adjust_head invalidates packet pointers: reading through the old one is refused.
.prog_type xdp
    r6 = r1
    r7 = *(u32 *)(r6 + 0)
    r8 = *(u32 *)(r6 + 4)
    r4 = r7
    r4 += 14
    if r4 > r8 goto pass
    r1 = r6
    r2 = 4
    call bpf_xdp_adjust_head
    r0 = *(u8 *)(r7 + 0)
    exit
pass:
    r0 = 2
    exit
