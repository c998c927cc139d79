# Index a 64-byte table on the stack with a masked random index.
.prog_type tracepoint
    r1 = 0
    *(u64 *)(r10 - 64) = r1
    *(u64 *)(r10 - 56) = r1
    *(u64 *)(r10 - 48) = r1
    *(u64 *)(r10 - 40) = r1
    *(u64 *)(r10 - 32) = r1
    *(u64 *)(r10 - 24) = r1
    *(u64 *)(r10 - 16) = r1
    *(u64 *)(r10 - 8) = r1
    call bpf_get_prandom_u32
    r0 &= 63
    r1 = r10
    r1 += -64
    r1 += r0
    r0 = *(u8 *)(r1 + 0)
    exit
