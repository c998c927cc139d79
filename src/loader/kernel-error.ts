import { native } from './native.js';

/**
 * A failed kernel call: which syscall and command, the errno with its name and text,
 * and the verifier log when the kernel wrote one.
 * @example try { loadProgram(p) } catch (e) { if (e instanceof KernelError) console.log(e.errnoName, e.log) }
 */
export class KernelError extends Error {
  /** The syscall and command: `bpf(BPF_PROG_LOAD)`, `perf_event_open`, `mmap`. */
  readonly syscall: string;
  readonly errno: number;
  /** `EPERM`, `EINVAL`, `ENOSPC`, ... (`E#123` when unknown). */
  readonly errnoName: string;
  /** The C library's text for the errno: `Invalid argument`. */
  readonly errnoText: string;
  /** The verifier log of a rejected program (empty when there is none). */
  readonly log: string;
  /** The message without the log: `bpf(BPF_PROG_LOAD) of ...: EACCES (Permission denied)`. */
  readonly summary: string;

  constructor(syscall: string, errno: number, detail?: string, log = '') {
    const name = errnoName(errno);
    const text = errnoText(errno);
    const logTail = log ? `\n${lastLines(log, 20)}` : '';
    const summary = `${syscall}${detail ? ` ${detail}` : ''}: ${name} (${text})`;
    super(`${summary}${logTail}`);
    this.summary = summary;
    this.name = 'KernelError';
    this.syscall = syscall;
    this.errno = errno;
    this.errnoName = name;
    this.errnoText = text;
    this.log = log;
  }
}

let names: Map<number, string> | undefined;

/** The symbolic name of an errno value: `errnoName(22)` is `EINVAL`. */
export function errnoName(errno: number): string {
  if (!names) {
    names = new Map();
    for (const [n, v] of Object.entries(native().koffi.os.errno)) {
      // Keep the first (canonical) name of aliases such as EWOULDBLOCK = EAGAIN.
      if (!names.has(v) && !['EWOULDBLOCK', 'ENOTSUP', 'EDEADLOCK'].includes(n)) names.set(v, n);
    }
    for (const [n, v] of Object.entries(native().koffi.os.errno)) if (!names.has(v)) names.set(v, n);
    names.set(524, 'ENOTSUPP');
  }
  return names.get(errno) ?? `E#${errno}`;
}

/** The C library's description of an errno value. */
export function errnoText(errno: number): string {
  if (errno === 524) return 'Operation is not supported (kernel-internal ENOTSUPP)';
  return native().strerror(errno);
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n');
  return (lines.length > n ? ['...', ...lines.slice(-n)] : lines).join('\n');
}
