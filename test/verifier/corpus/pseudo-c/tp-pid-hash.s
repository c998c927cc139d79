# Count events per pid in a hash map, inserting the first one.
.prog_type tracepoint
.map counts, hash, key=4, value=8, entries=1024
    call bpf_get_current_pid_tgid
    r0 >>= 32
    *(u32 *)(r10 - 4) = r0
    r2 = r10
    r2 += -4
    r1 = map[counts] ll
    call bpf_map_lookup_elem
    if r0 == 0 goto insert
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
    goto out
insert:
    r1 = 1
    *(u64 *)(r10 - 16) = r1
    r1 = map[counts] ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 1
    call bpf_map_update_elem
out:
    r0 = 0
    exit
