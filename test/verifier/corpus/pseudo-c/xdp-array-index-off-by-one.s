# Allows idx == 16, one past the last u32 of the 64-byte value.
.prog_type xdp
.map table, array, key=4, value=64, entries=1
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 1
    if r4 > r3 goto pass
    r6 = *(u8 *)(r2 + 0)
    r1 = 0
    *(u32 *)(r10 - 4) = r1
    r2 = r10
    r2 += -4
    r1 = map[table] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto pass
    if r6 > 16 goto pass
    r6 <<= 2
    r0 += r6
    r0 = *(u32 *)(r0 + 0)
    exit
pass:
    r0 = 2
    exit
