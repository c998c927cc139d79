# The size argument is larger than the buffer left on the stack.
.prog_type tracepoint
    r1 = r10
    r1 += -16
    r2 = 17
    call bpf_get_current_comm
    r0 = 0
    exit
