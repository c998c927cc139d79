# A null check of a map value is allowed for !root.
.prog_type socket_filter
.map m, array, key=4, value=8, entries=1
    *(u32 *)(r10 - 4) = 0
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    r0 = *(u64 *)(r0 + 0)
    exit
out:
    r0 = 0
    exit
