# The protocol byte is at 23, but the bounds check only covers 23 bytes.
.prog_type xdp
.map protos, array, key=4, value=8, entries=256
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 23
    if r4 > r3 goto pass
    r5 = *(u8 *)(r2 + 23)
    *(u32 *)(r10 - 4) = r5
    r2 = r10
    r2 += -4
    r1 = map[protos] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto pass
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
pass:
    r0 = 2
    exit
