# bpf-to-bpf calls need CAP_BPF.
.prog_type socket_filter
    call f
    exit
f:
    r0 = 0
    exit
