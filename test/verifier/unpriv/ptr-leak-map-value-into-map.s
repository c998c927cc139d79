# Storing a map value pointer into the map value itself leaks it.
.prog_type socket_filter
.map m, hash, key=4, value=16, entries=4
    *(u32 *)(r10 - 4) = 0
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    *(u64 *)(r0 + 8) = r0
out:
    r0 = 0
    exit
