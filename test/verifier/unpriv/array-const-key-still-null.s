# An array lookup with a constant key still returns map_value_or_null for !root.
.prog_type socket_filter
.map m, array, key=4, value=8, entries=4
    *(u32 *)(r10 - 4) = 1
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    r0 = *(u64 *)(r0 + 0)
    exit
