/** The examples: file, dialect, program type and hook, as examples/README.md lists them. */
import type { Dialect } from '../../src/asm/index.js';

/** One example program. */
export interface ExampleEntry {
  readonly file: string;
  readonly dialect: Dialect;
  /** Kernel program type name, as `--prog-type` takes it. */
  readonly progType: 'tracepoint' | 'xdp' | 'socket_filter';
  /** `category/name` for tracepoint programs. */
  readonly tracepoint?: string;
}

/** Every example program under examples/ (the testing kit's xdp-port80-property aside). */
export const catalog: readonly ExampleEntry[] = [
  { file: 'hello/hello.s', dialect: 'pseudo-c', progType: 'tracepoint', tracepoint: 'syscalls/sys_enter_execve' },
  { file: 'write-from-pid/write-from-pid.s', dialect: 'mnemonic', progType: 'tracepoint', tracepoint: 'syscalls/sys_enter_write' },
  { file: 'execve-counter/execve-counter.s', dialect: 'pseudo-c', progType: 'tracepoint', tracepoint: 'syscalls/sys_enter_execve' },
  { file: 'exec-tracer/exec-tracer.s', dialect: 'pseudo-c', progType: 'tracepoint', tracepoint: 'sched/sched_process_exec' },
  { file: 'exec-tracer/exec-tracer-ringbuf.s', dialect: 'mnemonic', progType: 'tracepoint', tracepoint: 'sched/sched_process_exec' },
  { file: 'packet-filter/xdp-drop-port80.s', dialect: 'mnemonic', progType: 'xdp' },
  { file: 'packet-filter/sock-drop-port80.s', dialect: 'pseudo-c', progType: 'socket_filter' },
];
