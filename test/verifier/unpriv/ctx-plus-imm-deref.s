# ctx + constant is allowed, but a modified ctx pointer cannot be dereferenced.
.prog_type socket_filter
    r1 += 4
    r0 = *(u32 *)(r1 + 0)
    exit
