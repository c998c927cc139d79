# Nobody may not write into .rodata either.
.rodata v, u32 41
    r1 = map_value[v] ll
    *(u32 *)(r1 + 0) = 1
    r0 = 0
    exit
