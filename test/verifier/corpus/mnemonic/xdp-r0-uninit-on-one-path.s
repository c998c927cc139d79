; One path reaches exit without setting r0.
.prog_type xdp
        ldxw %r2, [%r1+16]
        jeq %r2, 0, out
        mov %r0, 2
out:
        exit
