# A constant read from frozen .rodata decides the branch for nobody too: the fall-through is dead.
.rodata v, u32 41
    r1 = map_value[v] ll
    r2 = *(u32 *)(r1 + 0)
    if r2 == 41 goto ok
    r0 = *(u64 *)(r10 + 8)
    exit
ok:
    r0 = 0
    exit
