/**
 * Context access rules per program type (the kernel's *_is_valid_access): which
 * offsets and sizes of `__sk_buff`, `xdp_md`, the tracepoint buffer and `pt_regs` a
 * program may read or write, and which reads yield packet pointers.
 */
import {
  BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SOCKET_FILTER,
  BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_XDP,
} from '../isa/index.js';
import type { RegType } from './reg-state.js';

/** Outcome of a context access check: null when invalid, else the type of the loaded value. */
export type CtxAccess = { regType: RegType } | null;

/** PERF_MAX_TRACE_SIZE. */
export const PERF_MAX_TRACE_SIZE = 8192;
const SK_BUFF_SIZE = 192;
const PT_REGS_SIZE = 168;

const SKB = {
  mark: 8, queueMapping: 12, priority: 32, tcIndex: 44, cb0: 48, cbEnd: 68, tcClassid: 72, data: 76, dataEnd: 80,
  family: 88, localPortEnd: 140, dataMeta: 140, flowKeys: 144, tstamp: 152, wireLen: 160, sk: 168, tstampType: 180, hwtstamp: 184,
};

const inField = (off: number, start: number, size: number): boolean => off >= start && off < start + size;

function skbValid(off: number, size: number, write: boolean): CtxAccess {
  if (off < 0 || off >= SK_BUFF_SIZE) return null;
  if (off % size !== 0) return null;
  if (inField(off, SKB.cb0, 20)) {
    if (off + size > SKB.cbEnd) return null;
    return { regType: 'scalar' };
  }
  if (inField(off, SKB.data, 4) || inField(off, SKB.dataMeta, 4) || inField(off, SKB.dataEnd, 4)) {
    if (size !== 4) return null;
    const t: RegType = inField(off, SKB.data, 4) ? 'pkt' : inField(off, SKB.dataEnd, 4) ? 'pkt_end' : 'pkt_meta';
    return { regType: t };
  }
  if (inField(off, SKB.flowKeys, 8)) return null;
  if (inField(off, SKB.tstamp, 8) || inField(off, SKB.hwtstamp, 8)) return size === 8 ? { regType: 'scalar' } : null;
  if (off === SKB.sk) return write || size !== 8 ? null : { regType: 'sock_common' };
  if (inField(off, SKB.sk, 8)) return null;
  if (off >= SKB.tstampType && off < SKB.hwtstamp) return null;
  if (write) return size === 4 ? { regType: 'scalar' } : null;
  if (size > 4) return null;
  return { regType: 'scalar' };
}

function socketFilter(off: number, size: number, write: boolean): CtxAccess {
  if (inField(off, SKB.tcClassid, 4) || inField(off, SKB.data, 4) || inField(off, SKB.dataMeta, 4) || inField(off, SKB.dataEnd, 4)
    || (off >= SKB.family && off < SKB.localPortEnd) || inField(off, SKB.tstamp, 8) || inField(off, SKB.wireLen, 4) || inField(off, SKB.hwtstamp, 8)) {
    return null;
  }
  if (write && !inField(off, SKB.cb0, 20)) return null;
  return skbValid(off, size, write);
}

function cgroupSkb(off: number, size: number, write: boolean): CtxAccess {
  if (inField(off, SKB.tcClassid, 4) || inField(off, SKB.dataMeta, 4) || inField(off, SKB.wireLen, 4)) return null;
  if (write && !(inField(off, SKB.mark, 4) || inField(off, SKB.priority, 4) || inField(off, SKB.cb0, 20) || inField(off, SKB.tstamp, 8))) return null;
  return skbValid(off, size, write);
}

function tcClsAct(off: number, size: number, write: boolean): CtxAccess {
  if (write) {
    const ok = inField(off, SKB.mark, 4) || inField(off, SKB.tcIndex, 4) || inField(off, SKB.priority, 4) || inField(off, SKB.tcClassid, 4)
      || inField(off, SKB.cb0, 20) || inField(off, SKB.tstamp, 8) || inField(off, SKB.queueMapping, 4);
    if (!ok) return null;
  }
  if (off >= SKB.family && off < SKB.localPortEnd) return null;
  if (off === SKB.tstampType) return size === 1 ? { regType: 'scalar' } : null;
  return skbValid(off, size, write);
}

function xdp(off: number, size: number, write: boolean): CtxAccess {
  if (off === 20) return null;
  if (write) return null;
  if (off < 0 || off >= 24 || off % size !== 0 || size !== 4) return null;
  return { regType: off === 0 ? 'pkt' : off === 4 ? 'pkt_end' : off === 8 ? 'pkt_meta' : 'scalar' };
}

function tracepoint(off: number, size: number, write: boolean): CtxAccess {
  // The kernel compares `off < sizeof(void *)` unsigned: negative offsets pass that test.
  if ((off >= 0 && off < 8) || off >= PERF_MAX_TRACE_SIZE) return null;
  if (write) return null;
  if (off % size !== 0) return null;
  return { regType: 'scalar' };
}

function kprobe(off: number, size: number, write: boolean): CtxAccess {
  if (off < 0 || off >= PT_REGS_SIZE) return null;
  if (write) return null;
  if (off % size !== 0) return null;
  if (off + size > PT_REGS_SIZE) return null;
  return { regType: 'scalar' };
}

/**
 * Whether a program type may access its context at `off` with `size` bytes.
 * @example ctxAccess(BPF_PROG_TYPE_XDP, 0, 4, false) // { regType: 'pkt' }
 */
export function ctxAccess(progType: number, off: number, size: number, write: boolean): CtxAccess {
  switch (progType) {
    case BPF_PROG_TYPE_SOCKET_FILTER: return socketFilter(off, size, write);
    case BPF_PROG_TYPE_SCHED_CLS: case BPF_PROG_TYPE_SCHED_ACT: return tcClsAct(off, size, write);
    case BPF_PROG_TYPE_XDP: return xdp(off, size, write);
    case BPF_PROG_TYPE_TRACEPOINT: return tracepoint(off, size, write);
    case BPF_PROG_TYPE_KPROBE: return kprobe(off, size, write);
    case BPF_PROG_TYPE_CGROUP_SKB: return cgroupSkb(off, size, write);
    default: return null;
  }
}

/** Whether the program type may access packet data directly (may_access_direct_pkt_data). */
export function directPacketAccess(progType: number, write: boolean): boolean {
  switch (progType) {
    case BPF_PROG_TYPE_SOCKET_FILTER: return false;
    case BPF_PROG_TYPE_SCHED_CLS: case BPF_PROG_TYPE_SCHED_ACT: case BPF_PROG_TYPE_XDP: return true;
    case BPF_PROG_TYPE_CGROUP_SKB: return !write;
    default: return !write && false;
  }
}
