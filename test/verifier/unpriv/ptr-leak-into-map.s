# Storing the frame pointer into a map value leaks it.
.prog_type socket_filter
.map m, array, key=4, value=8, entries=1
    *(u32 *)(r10 - 4) = 0
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    *(u64 *)(r0 + 0) = r10
out:
    r0 = 0
    exit
