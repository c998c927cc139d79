; Three frames of 200 bytes each: tracepoint programs get a private stack per subprogram on x86-64.
.prog_type tracepoint
        stdw [%r10-200], 0
        call local f1
        exit
f1:     stdw [%r10-200], 0
        call local f2
        exit
f2:     stdw [%r10-200], 0
        mov %r0, 0
        exit
