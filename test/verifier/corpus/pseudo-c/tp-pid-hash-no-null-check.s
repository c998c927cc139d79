# Increments the looked-up value without checking it for NULL.
.prog_type tracepoint
.map counts, hash, key=4, value=8, entries=1024
    call bpf_get_current_pid_tgid
    *(u32 *)(r10 - 4) = r0
    r2 = r10
    r2 += -4
    r1 = map[counts] ll
    call bpf_map_lookup_elem
    r1 = *(u64 *)(r0 + 0)
    r1 += 1
    *(u64 *)(r0 + 0) = r1
    r0 = 0
    exit
