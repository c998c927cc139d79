# bpf_strtol's result (MEM_UNINIT) may point at stack nobody has written, even without CAP_BPF.
    r1 = 0x31
    *(u64 *)(r10 - 8) = r1
    r1 = r10
    r1 += -8
    r2 = 2
    r3 = 0
    r4 = r10
    r4 += -16
    call bpf_strtol
    r0 = *(u64 *)(r10 - 16)
    exit
