# An uninitialised key passed to bpf_map_lookup_elem.
.prog_type socket_filter
.map m, hash, key=4, value=8, entries=4
    r2 = r10
    r2 += -4
    r1 = map[m] ll
    call bpf_map_lookup_elem
    r0 = 0
    exit
