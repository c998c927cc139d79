# A pointer as the flags argument of bpf_map_update_elem leaks it.
.prog_type socket_filter
.map m, hash, key=4, value=8, entries=4
    *(u32 *)(r10 - 4) = 0
    *(u64 *)(r10 - 16) = 0
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = r10
    r1 = map[m] ll
    call bpf_map_update_elem
    r0 = 0
    exit
