# The callee fills a buffer on the caller's stack through a pointer argument.
.prog_type tracepoint
    r1 = r10
    r1 += -16
    call fill
    r0 = *(u64 *)(r10 - 16)
    r1 = *(u64 *)(r10 - 8)
    r0 += r1
    exit
fill:
    r2 = 1
    *(u64 *)(r1 + 0) = r2
    *(u64 *)(r1 + 8) = r2
    r0 = 0
    exit
