# Bounded loops (back-edges) need CAP_BPF.
.prog_type socket_filter
    r0 = 0
loop:
    r0 += 1
    if r0 < 4 goto loop
    exit
