# The same addition reached with two different index ranges.
.prog_type socket_filter
.map m, array, key=4, value=16, entries=1
    r6 = *(u32 *)(r1 + 0)
    r7 = *(u32 *)(r1 + 4)
    *(u32 *)(r10 - 4) = 0
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    if r7 == 0 goto small
    r6 &= 7
    goto add
small:
    r6 &= 3
add:
    r0 += r6
    r0 = *(u8 *)(r0 + 0)
    exit
out:
    r0 = 0
    exit
