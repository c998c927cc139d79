# exec-tracer: on every successful exec, send { pid, comm, filename } to user space
# through a perf buffer (libbpf-bootstrap's `bootstrap`, the exec half).
#
#   struct event { u32 pid; char comm[16]; char filename[512]; };   /* 532 bytes */
#   SEC("tp/sched/sched_process_exec")
#   int handle_exec(struct trace_event_raw_sched_process_exec *ctx) {
#       u32 zero = 0; struct event *e = bpf_map_lookup_elem(&heap, &zero);
#       if (!e) return 0;
#       e->pid = bpf_get_current_pid_tgid() >> 32;
#       bpf_get_current_comm(&e->comm, sizeof(e->comm));
#       unsigned off = ctx->__data_loc_filename & 0xFFFF;
#       bpf_probe_read_str(&e->filename, sizeof(e->filename), (void *)ctx + off);
#       bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, e, sizeof(*e));
#       return 0;
#   }
#
# The event (532 bytes) does not fit in the 512-byte stack, so it is built in a
# one-element PERCPU_ARRAY used as scratch memory: each CPU has its own copy and a
# tracepoint program is not preempted on its CPU.
#
# The context is the raw trace record, laid out as in
# /sys/kernel/tracing/events/sched/sched_process_exec/format:
#   0  u16 common_type   2 u8 common_flags   3 u8 common_preempt_count   4 s32 common_pid
#   8  u32 __data_loc filename   (low 16 bits: offset of the string from the record's
#                                 start; high 16 bits: its length with the NUL)
#  12  s32 pid                  16 s32 old_pid
.prog_type tracepoint
.license "GPL"                  # bpf_probe_read_str and bpf_perf_event_output are GPL-only
.name exec_tracer
.map heap, percpu_array, key=4, value=532, entries=1
.map pb, perf_event_array, key=4, value=4, entries=128

    r6 = r1                         # r6 = ctx, kept across calls
    r1 = 0
    *(u32 *)(r10 - 4) = r1          # zero = 0
    r2 = r10
    r2 += -4
    r1 = map[heap] ll
    call bpf_map_lookup_elem        # r0 = this CPU's scratch event, or NULL
    if r0 == 0 goto out
    r7 = r0                         # r7 = e
    call bpf_get_current_pid_tgid
    r0 >>= 32
    *(u32 *)(r7 + 0) = r0           # e->pid = tgid
    r1 = r7
    r1 += 4                         # &e->comm
    r2 = 16
    call bpf_get_current_comm
    r3 = *(u32 *)(r6 + 8)           # __data_loc filename
    r3 &= 0xffff                    # the offset half
    r3 += r6                        # (void *)ctx + off: a modified ctx pointer, fine as a helper's "anything" argument
    r1 = r7
    r1 += 20                        # &e->filename
    r2 = 512
    call bpf_probe_read_str         # copies up to 511 chars and a NUL
    r1 = r6                         # ctx
    r2 = map[pb] ll
    r3 = 0xffffffff ll              # BPF_F_CURRENT_CPU: the 64-bit value 0xffffffff (a plain `r3 = -1` would set the high bits)
    r4 = r7                         # data = e
    r5 = 532                        # sizeof(*e)
    call bpf_perf_event_output
out:
    r0 = 0
    exit
