import { KernelError } from './kernel-error.js';
import { __NR_perf_event_open, lastErrno, native } from './native.js';

/** perf_event_attr.type values. */
export const PERF_TYPE_HARDWARE = 0;
export const PERF_TYPE_SOFTWARE = 1;
export const PERF_TYPE_TRACEPOINT = 2;
/** Software event counting BPF output (bpf_perf_event_output). */
export const PERF_COUNT_SW_BPF_OUTPUT = 10;
export const PERF_SAMPLE_RAW = 1 << 10;
export const PERF_FLAG_FD_CLOEXEC = 1 << 3;

/** ioctl requests on perf event fds. */
export const PERF_EVENT_IOC_ENABLE = 0x2400;
export const PERF_EVENT_IOC_DISABLE = 0x2401;
export const PERF_EVENT_IOC_SET_BPF = 0x40042408;

/** sizeof(struct perf_event_attr), PERF_ATTR_SIZE_VER8. */
const PERF_ATTR_SIZE = 136;

/** Fields of `struct perf_event_attr` the loader sets. */
export interface PerfEventAttr {
  readonly type: number;
  readonly config: bigint;
  readonly config1?: bigint;
  readonly config2?: bigint;
  readonly samplePeriod?: bigint;
  readonly sampleType?: bigint;
  /** Bits of the flags word: disabled = 1 << 0, watermark = 1 << 14, ... */
  readonly flags?: bigint;
  readonly wakeupEvents?: number;
}

/** Bit 0 of the flags word: start disabled. */
export const PERF_ATTR_DISABLED = 1n;

/**
 * perf_event_open(2); returns the fd or throws `KernelError`.
 * @example perfEventOpen({ type: PERF_TYPE_TRACEPOINT, config: BigInt(id) }, -1, 0)
 */
export function perfEventOpen(attr: PerfEventAttr, pid: number, cpu: number, groupFd = -1, what = ''): number {
  const b = Buffer.alloc(PERF_ATTR_SIZE);
  b.writeUInt32LE(attr.type, 0);
  b.writeUInt32LE(PERF_ATTR_SIZE, 4);
  b.writeBigUInt64LE(attr.config, 8);
  b.writeBigUInt64LE(attr.samplePeriod ?? 0n, 16);
  b.writeBigUInt64LE(attr.sampleType ?? 0n, 24);
  b.writeBigUInt64LE(attr.flags ?? 0n, 40);
  b.writeUInt32LE(attr.wakeupEvents ?? 0, 48);
  b.writeBigUInt64LE(attr.config1 ?? 0n, 56);
  b.writeBigUInt64LE(attr.config2 ?? 0n, 64);
  const fd = native().perfEventOpen(__NR_perf_event_open, b, pid, cpu, groupFd, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) throw new KernelError('perf_event_open', lastErrno(), what);
  return fd;
}

/** ioctl(2) on a perf event fd; throws `KernelError` naming the request. */
export function perfIoctl(fd: number, request: number, arg: number, name: string): void {
  if (native().ioctl(fd, request, arg) < 0) throw new KernelError(`ioctl(${name})`, lastErrno());
}
