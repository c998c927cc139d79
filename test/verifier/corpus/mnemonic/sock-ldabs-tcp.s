; Classic socket filter with legacy packet loads: keep IPv4 TCP packets.
.prog_type socket_filter
        mov %r6, %r1
        ldabsh 12
        jne %r0, 0x0800, drop
        ldabsb 23
        jne %r0, 6, drop
        mov %r0, -1
        exit
drop:
        mov %r0, 0
        exit
