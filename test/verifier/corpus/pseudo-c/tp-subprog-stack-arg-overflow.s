# The callee writes 24 bytes into a 16-byte buffer that ends at the caller's frame pointer.
.prog_type tracepoint
    r1 = r10
    r1 += -16
    call fill
    r0 = *(u64 *)(r10 - 16)
    exit
fill:
    r2 = 1
    *(u64 *)(r1 + 0) = r2
    *(u64 *)(r1 + 8) = r2
    *(u64 *)(r1 + 16) = r2
    r0 = 0
    exit
