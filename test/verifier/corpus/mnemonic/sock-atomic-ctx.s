; Atomic add into the skb context is not allowed.
.prog_type socket_filter
        mov %r2, 1
        lock add [%r1+48], %r2
        mov %r0, 0
        exit
