# hello: print "Get" to the kernel's trace pipe every time a process calls execve(2).
#
# The C it stands for:
#   SEC("tracepoint/syscalls/sys_enter_execve")
#   int hello(void *ctx) { char fmt[] = "Get"; bpf_trace_printk(fmt, sizeof(fmt)); return 0; }
#
# bpf_trace_printk wants its format string in memory the verifier can see: we build
# it on the stack. "Get\0" is the bytes 47 65 74 00, the u32 0x00746547 on a
# little-endian machine.
.prog_type tracepoint
.license "GPL"                  # bpf_trace_printk is a GPL-only helper
.name hello

    r1 = 0x746547               # "Get\0"
    *(u32 *)(r10 - 4) = r1      # fmt lives at fp-4
    r1 = r10
    r1 += -4                    # r1 = fmt
    r2 = 4                      # r2 = sizeof(fmt), the NUL included
    call bpf_trace_printk       # returns the number of bytes written (ignored)
    r0 = 0
    exit
