# Only a signed upper bound: a negative index still reaches below the value.
.prog_type tracepoint
.map table, array, key=4, value=64, entries=1
    call bpf_get_prandom_u32
    r6 = r0
    r6 <<= 32
    r6 s>>= 32
    r1 = 0
    *(u32 *)(r10 - 4) = r1
    r2 = r10
    r2 += -4
    r1 = map[table] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    if r6 s> 60 goto out
    r0 += r6
    r0 = *(u32 *)(r0 + 0)
    exit
out:
    r0 = 0
    exit
