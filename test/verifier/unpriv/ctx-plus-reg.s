# ctx + register: sanitation only knows stack and map value pointers.
.prog_type socket_filter
    r2 = 4
    r1 += r2
    r0 = 0
    exit
