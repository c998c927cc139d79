; Legacy indirect load: the IPv4 header length picks where the TCP ports are.
.prog_type socket_filter
        mov %r6, %r1
        ldabsb 14
        and %r0, 0xf
        lsh %r0, 2
        mov %r7, %r0
        ldindh %r7, 16
        jne %r0, 80, drop
        mov %r0, -1
        exit
drop:
        mov %r0, 0
        exit
