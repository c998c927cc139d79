# A bpf-to-bpf call: main passes a value, the subprogram returns its square.
.prog_type tracepoint
    r1 = 12
    call square
    exit
square:
    r0 = r1
    r0 *= r1
    exit
