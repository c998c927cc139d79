# A masked index inside the value: sanitised and accepted.
.prog_type socket_filter
.map m, array, key=4, value=16, entries=1
    r6 = *(u32 *)(r1 + 0)
    r6 &= 15
    *(u32 *)(r10 - 4) = 0
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r0 += r6
    r0 = *(u8 *)(r0 + 0)
    exit
out:
    r0 = 0
    exit
