; XDP shares one stack across frames. Three frames of 200 bytes each: 600 bytes of combined stack.
.prog_type xdp
        stdw [%r10-200], 0
        call local f1
        exit
f1:     stdw [%r10-200], 0
        call local f2
        exit
f2:     stdw [%r10-200], 0
        mov %r0, 0
        exit
