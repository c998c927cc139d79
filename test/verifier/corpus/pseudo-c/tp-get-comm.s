# Copy the task's comm into a stack buffer and return its first byte.
.prog_type tracepoint
    r1 = r10
    r1 += -16
    r2 = 16
    call bpf_get_current_comm
    r0 = *(u8 *)(r10 - 16)
    exit
