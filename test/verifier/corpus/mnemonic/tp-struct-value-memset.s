; Zero a 64-byte value on the stack with a loop, then store it in a hash map under the pid.
.prog_type tracepoint
.map events, hash, key=4, value=64, entries=128
        mov %r1, 0
        mov %r2, -64
zero:
        mov %r3, %r10
        add %r3, %r2
        stxdw [%r3+0], %r1
        add %r2, 8
        jslt %r2, 0, zero
        call bpf_get_current_pid_tgid
        stxw [%r10-68], %r0
        stxdw [%r10-64], %r0
        lddw %r1, map[events]
        mov %r2, %r10
        add %r2, -68
        mov %r3, %r10
        add %r3, -64
        mov %r4, 0
        call bpf_map_update_elem
        mov %r0, 0
        exit
