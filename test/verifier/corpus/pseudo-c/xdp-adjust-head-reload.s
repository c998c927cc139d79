# After bpf_xdp_adjust_head, reload data and data_end and check again before reading.
.prog_type xdp
    r6 = r1
    r1 = r6
    r2 = 4
    call bpf_xdp_adjust_head
    if r0 != 0 goto pass
    r7 = *(u32 *)(r6 + 0)
    r8 = *(u32 *)(r6 + 4)
    r4 = r7
    r4 += 1
    if r4 > r8 goto pass
    r0 = *(u8 *)(r7 + 0)
    exit
pass:
    r0 = 2
    exit
