; An instruction no path reaches.
.prog_type xdp
        mov %r0, 2
        ja out
        mov %r0, 1
out:
        exit
