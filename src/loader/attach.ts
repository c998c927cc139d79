import { existsSync, readFileSync } from 'node:fs';
import { BPF_PERF_EVENT, BPF_XDP } from '../isa/attach-types.js';
import { BPF_LINK_CREATE, BPF_RAW_TRACEPOINT_OPEN } from './bpf-cmd.js';
import { BpfAttr, bpf } from './bpf-syscall.js';
import { KernelError } from './kernel-error.js';
import type { KernelProgram } from './kernel-program.js';
import { closeFd, lastErrno, native } from './native.js';
import { interfaceIndex, withNetns } from './netns.js';
import {
  PERF_EVENT_IOC_DISABLE, PERF_EVENT_IOC_ENABLE, PERF_EVENT_IOC_SET_BPF, PERF_TYPE_TRACEPOINT,
  perfEventOpen, perfIoctl,
} from './perf-event.js';
import { parseTracepointName, tracepointId } from './tracefs.js';

/** A program attached somewhere; `close()` (or `using`) detaches it. */
export class Attachment implements Disposable {
  /** `tracepoint`, `raw_tracepoint`, `xdp`, `socket_filter`, `kprobe`. */
  readonly kind: string;
  /** What it is attached to: `syscalls/sys_enter_execve`, `veth0 (ifindex 5)`, `socket fd 21`. */
  readonly target: string;
  private release: (() => void) | undefined;

  constructor(kind: string, target: string, release: () => void) {
    this.kind = kind;
    this.target = target;
    this.release = release;
  }

  get closed(): boolean {
    return this.release === undefined;
  }

  /** Detach and release every fd (idempotent). */
  close(): void {
    const r = this.release;
    this.release = undefined;
    r?.();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

type ProgRef = KernelProgram | number;
const progFd = (p: ProgRef): number => (typeof p === 'number' ? p : p.fd);

/** How to bind a program to a perf event: a bpf link (default) or the legacy ioctl. */
export type PerfAttachMethod = 'link' | 'ioctl';

function attachToPerfEvent(prog: ProgRef, pfd: number, method: PerfAttachMethod): () => void {
  try {
    let lfd = -1;
    if (method === 'link') {
      lfd = bpf(BPF_LINK_CREATE, new BpfAttr().u32(0, progFd(prog)).u32(4, pfd).u32(8, BPF_PERF_EVENT), 'of a perf event link');
    } else {
      perfIoctl(pfd, PERF_EVENT_IOC_SET_BPF, progFd(prog), 'PERF_EVENT_IOC_SET_BPF');
    }
    perfIoctl(pfd, PERF_EVENT_IOC_ENABLE, 0, 'PERF_EVENT_IOC_ENABLE');
    return () => {
      native().ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0);
      closeFd(lfd);
      closeFd(pfd);
    };
  } catch (e) {
    closeFd(pfd);
    throw e;
  }
}

/**
 * Attach a tracepoint program to `category/name`: the tracepoint id from tracefs (mounted if
 * needed), one perf event (its program array is shared by every CPU), then BPF_LINK_CREATE
 * or PERF_EVENT_IOC_SET_BPF, and PERF_EVENT_IOC_ENABLE.
 * @example using a = attachTracepoint(prog, 'syscalls/sys_enter_execve')
 */
export function attachTracepoint(prog: ProgRef, spec: string, options: { method?: PerfAttachMethod } = {}): Attachment {
  const { category, name } = parseTracepointName(spec);
  const id = tracepointId(category, name);
  const pfd = perfEventOpen({ type: PERF_TYPE_TRACEPOINT, config: BigInt(id), samplePeriod: 1n, wakeupEvents: 1 }, -1, 0, -1, `of tracepoint ${category}/${name}`);
  return new Attachment('tracepoint', `${category}/${name}`, attachToPerfEvent(prog, pfd, options.method ?? 'link'));
}

/** The kprobe PMU's directory; kprobe requests fail clearly when it is absent. */
const KPROBE_PMU = '/sys/bus/event_source/devices/kprobe';

/**
 * Attach to a kernel function through the `kprobe` perf PMU (kretprobe when `retprobe`).
 * Throws a clear error naming the missing PMU on kernels without kprobes.
 */
export function attachKprobe(prog: ProgRef, fn: string, options: { retprobe?: boolean; method?: PerfAttachMethod } = {}): Attachment {
  if (!existsSync(`${KPROBE_PMU}/type`)) {
    throw new Error(`cannot attach a kprobe to '${fn}': this kernel has no 'kprobe' perf PMU (${KPROBE_PMU} is missing; built without CONFIG_KPROBES / CONFIG_KPROBE_EVENTS). Use a tracepoint or raw tracepoint instead.`);
  }
  const type = Number.parseInt(readFileSync(`${KPROBE_PMU}/type`, 'utf8'), 10);
  let config = 0n;
  if (options.retprobe) {
    const fmt = /config:(\d+)/.exec(readFileSync(`${KPROBE_PMU}/format/retprobe`, 'utf8'));
    config = 1n << BigInt(fmt ? Number(fmt[1]) : 0);
  }
  const name = Buffer.from(`${fn}\0`);
  const pfd = perfEventOpen({ type, config, config1: native().koffi.address(name), config2: 0n }, -1, 0, -1, `of kprobe ${fn}`);
  void name;
  return new Attachment('kprobe', fn, attachToPerfEvent(prog, pfd, options.method ?? 'link'));
}

/**
 * BPF_RAW_TRACEPOINT_OPEN: attach a raw tracepoint program to a tracepoint by its name.
 * @example using a = attachRawTracepoint(prog, 'sys_enter')
 */
export function attachRawTracepoint(prog: ProgRef, name: string): Attachment {
  const n = Buffer.from(`${name}\0`);
  const fd = bpf(BPF_RAW_TRACEPOINT_OPEN, new BpfAttr().ptr(0, n).u32(8, progFd(prog)), `of '${name}'`);
  return new Attachment('raw_tracepoint', name, () => closeFd(fd));
}

/** XDP attach flags. */
export const XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
export const XDP_FLAGS_SKB_MODE = 2;
export const XDP_FLAGS_DRV_MODE = 4;

/**
 * Attach an XDP program to an interface with a bpf link (closing it detaches).
 * `netns` names a namespace (`ip netns add`) in which the interface lives.
 * @example using a = attachXdp(prog, 'veth0', { netns: 'test0' })
 */
export function attachXdp(prog: ProgRef, iface: string | number, options: { flags?: number; netns?: string } = {}): Attachment {
  const run = (): Attachment => {
    const ifindex = typeof iface === 'number' ? iface : interfaceIndex(iface);
    const where = typeof iface === 'number' ? `ifindex ${ifindex}` : `${iface} (ifindex ${ifindex})`;
    const fd = bpf(BPF_LINK_CREATE, new BpfAttr().u32(0, progFd(prog)).u32(4, ifindex).u32(8, BPF_XDP).u32(12, options.flags ?? 0), `of XDP on ${where}`);
    return new Attachment('xdp', options.netns ? `${where} in netns ${options.netns}` : where, () => closeFd(fd));
  };
  return options.netns ? withNetns(options.netns, run) : run();
}

const SOL_SOCKET = 1;
const SO_ATTACH_BPF = 50;
const SO_DETACH_BPF = 27;

/**
 * SO_ATTACH_BPF: attach a socket filter program to a socket fd the caller owns.
 * Closing the attachment detaches it (SO_DETACH_BPF), unless the socket is gone.
 */
export function attachSocketFilter(prog: ProgRef, socketFd: number): Attachment {
  const v = Buffer.alloc(4);
  v.writeInt32LE(progFd(prog));
  if (native().setsockopt(socketFd, SOL_SOCKET, SO_ATTACH_BPF, v, 4) < 0) {
    throw new KernelError('setsockopt(SO_ATTACH_BPF)', lastErrno(), `on socket fd ${socketFd}`);
  }
  return new Attachment('socket_filter', `socket fd ${socketFd}`, () => {
    native().setsockopt(socketFd, SOL_SOCKET, SO_DETACH_BPF, v, 4);
  });
}
