; A per-CPU counter: no atomics needed, each CPU has its own slot.
.prog_type tracepoint
.map hits, percpu_array, key=4, value=8, entries=1
        stw [%r10-4], 0
        mov %r2, %r10
        add %r2, -4
        lddw %r1, map[hits]
        call bpf_map_lookup_elem
        jeq %r0, 0, out
        ldxdw %r1, [%r0+0]
        add %r1, 1
        stxdw [%r0+0], %r1
out:
        mov %r0, 0
        exit
