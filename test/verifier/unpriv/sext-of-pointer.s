# A sign-extending move of a pointer.
.prog_type socket_filter
    r0 = (s8)r1
    r0 = 0
    exit
