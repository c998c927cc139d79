# Reserve a 16-byte event, fill it and submit it.
.prog_type tracepoint
.map events, ringbuf, key=0, value=0, entries=4096
    r6 = r1
    r1 = map[events] ll
    r2 = 16
    r3 = 0
    call bpf_ringbuf_reserve
    if r0 == 0 goto out
    r7 = r0
    call bpf_get_current_pid_tgid
    *(u64 *)(r7 + 0) = r0
    call bpf_ktime_get_ns
    *(u64 *)(r7 + 8) = r0
    r1 = r7
    r2 = 0
    call bpf_ringbuf_submit
out:
    r0 = 0
    exit
