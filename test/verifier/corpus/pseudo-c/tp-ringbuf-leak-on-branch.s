# Submits the reservation on one path only: the other path leaks it.
.prog_type tracepoint
.map events, ringbuf, key=0, value=0, entries=4096
    r1 = map[events] ll
    r2 = 8
    r3 = 0
    call bpf_ringbuf_reserve
    if r0 == 0 goto out
    r6 = r0
    call bpf_get_prandom_u32
    if r0 == 0 goto out
    r1 = r6
    r2 = 0
    call bpf_ringbuf_submit
out:
    r0 = 0
    exit
