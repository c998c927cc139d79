; A TC classifier that redirects every packet to ifindex 1 (loopback).
.prog_type sched_cls
        mov %r1, 1
        mov %r2, 0
        call bpf_redirect
        exit
