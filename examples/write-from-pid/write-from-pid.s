; write-from-pid: on every write(2), if the writer's PID (its thread group id) is
; the one user space put in the map `my_pid`, print "BPF triggered from PID <pid>."
; to the trace pipe. (libbpf-bootstrap's `minimal`, with a map for its global.)
;
;   SEC("tp/syscalls/sys_enter_write")
;   int handle_tp(void *ctx) {
;       int pid = bpf_get_current_pid_tgid() >> 32;
;       if (pid != my_pid) return 0;
;       bpf_printk("BPF triggered from PID %d.\n", pid);
;       return 0;
;   }
.prog_type tracepoint
.license "GPL"                      ; bpf_trace_printk is GPL-only
.name write_from_pid
.map my_pid, array, key=4, value=4, entries=1

        call bpf_get_current_pid_tgid   ; r0 = tgid << 32 | pid
        mov %r6, %r0
        rsh %r6, 32                     ; r6 = tgid, what user space calls the PID
        stw [%r10-4], 0                 ; key = 0
        mov %r2, %r10
        add %r2, -4                     ; r2 = &key
        lddw %r1, map[my_pid]
        call bpf_map_lookup_elem        ; r0 = &my_pid or NULL
        jeq %r0, 0, out                 ; the verifier insists on the NULL check
        ldxw %r1, [%r0+0]               ; r1 = my_pid (zero-extended)
        jne %r1, %r6, out
        ; "BPF triggered from PID %d.\n\0" (28 bytes) at fp-32, eight bytes at a time
        lddw %r1, 0x6769727420465042    ; "BPF trig"
        stxdw [%r10-32], %r1
        lddw %r1, 0x7266206465726567    ; "gered fr"
        stxdw [%r10-24], %r1
        lddw %r1, 0x2520444950206d6f    ; "om PID %"
        stxdw [%r10-16], %r1
        stw [%r10-8], 0x0a2e64          ; "d.\n\0"
        mov %r1, %r10
        add %r1, -32                    ; r1 = fmt
        mov %r2, 28                     ; r2 = sizeof(fmt)
        mov %r3, %r6                    ; r3 = pid, for %d
        call bpf_trace_printk
out:
        mov %r0, 0
        exit
