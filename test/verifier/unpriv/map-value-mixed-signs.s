# A map value plus an index that may be negative or positive.
.prog_type socket_filter
.map m, array, key=4, value=16, entries=1
    r6 = *(u32 *)(r1 + 0)
    r6 <<= 32
    r6 s>>= 32
    if r6 s> 3 goto out
    if r6 s< -4 goto out
    *(u32 *)(r10 - 4) = 0
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r0 += r6
    r0 = *(u8 *)(r0 + 4)
    exit
out:
    r0 = 0
    exit
