; exec-tracer-ringbuf: the exec tracer on a BPF ring buffer. The event is reserved
; directly in the ring buffer, so no scratch map is needed; it becomes visible to
; user space on submit. Same event layout as exec-tracer.s:
;   struct event { u32 pid; char comm[16]; char filename[512]; };   /* 532 bytes */
;
;   struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
;   if (!e) return 0;
;   ... fill e as in exec-tracer.s ...
;   bpf_ringbuf_submit(e, 0);
.prog_type tracepoint
.license "GPL"
.name exec_tracer_rb
.map rb, ringbuf, key=0, value=0, entries=262144   ; 256 KiB, a power of two and a multiple of the page size

        mov %r6, %r1                    ; r6 = ctx
        lddw %r1, map[rb]
        mov %r2, 532                    ; sizeof(struct event), a constant as the verifier requires
        mov %r3, 0
        call bpf_ringbuf_reserve        ; r0 = record or NULL (ring full)
        jeq %r0, 0, out
        mov %r7, %r0                    ; r7 = e: from here every path must submit or discard it
        call bpf_get_current_pid_tgid
        rsh %r0, 32
        stxw [%r7+0], %r0               ; e->pid
        mov %r1, %r7
        add %r1, 4
        mov %r2, 16
        call bpf_get_current_comm       ; e->comm
        ldxw %r3, [%r6+8]               ; __data_loc filename
        and %r3, 0xffff                 ; offset from the record's start
        add %r3, %r6                    ; (void *)ctx + off
        mov %r1, %r7
        add %r1, 20
        mov %r2, 512
        call bpf_probe_read_str         ; e->filename
        mov %r1, %r7
        mov %r2, 0
        call bpf_ringbuf_submit
out:
        mov %r0, 0
        exit
