import {
  BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_SCHED_CLS,
  BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_XDP, progTypeName,
} from '../isa/prog-types.js';
import { PERM_READ, PERM_WRITE, type AddressSpace, type CtxAccess, type Region } from './address-space.js';
import { PendingFault } from './fault.js';
import { SkbBuffer } from './skb-buffer.js';
import { XdpBuffer } from './xdp-buffer.js';

/** Inputs of one run: raw memory (r1/r2), a context's bytes, a packet. */
export interface RunInput {
  /** Raw-memory programs: r1 = pointer to a copy, r2 = its length. */
  readonly mem?: Uint8Array;
  /** Context bytes: tracepoint raw context; for socket filters an `__sk_buff` to start from. */
  readonly ctx?: Uint8Array;
  /** The packet (BPF_PROG_TEST_RUN's data_in): socket filters and XDP. */
  readonly packet?: Uint8Array;
}

/** The regions and registers a program type starts with. */
export interface PreparedContext {
  readonly r1: bigint;
  readonly r2: bigint;
  /** Bytes LD_ABS / LD_IND and skb_load_bytes read. */
  readonly packet: Uint8Array | undefined;
  /** The frame from its link-layer header (skb programs), else the packet. */
  readonly frame?: Uint8Array;
  /** Offset of the network header in `frame` (SKF_NET_OFF loads). */
  readonly netOff?: number;
  /** Read the run's outputs back (memory after the run, the packet after the run). */
  readonly mem: Uint8Array | undefined;
  readonly packetOut: Uint8Array | undefined;
  /** The XDP buffer (head / tail adjustment helpers). */
  readonly xdp?: XdpBuffer;
  /** The tc skb (packet-changing helpers). */
  readonly skb?: SkbBuffer;
  readonly ctxOut: Uint8Array | undefined;
}

const ETH_HLEN = 14;
/** The largest tracepoint record (PERF_MAX_TRACE_SIZE of Linux 6.x). */
const PERF_MAX_TRACE_SIZE = 8192;
/** Readable bytes before a tracepoint record (reads at ctx-8 pass the kernel verifier; see prepareContext). */
const TP_BEFORE = 8;
/** sizeof(struct __sk_buff). */
export const SK_BUFF_SIZE = 192;
/** sizeof(struct xdp_md). */
export const XDP_MD_SIZE = 24;

/** `struct __sk_buff` padding after tstamp_type. */
const SKB_NEVER: readonly [number, number][] = [[181, 3]];
/** tstamp_type: a u8. */
const SKB_TSTAMP_TYPE = 180;
/** family .. local_port: fields of the skb's socket (cgroup_skb programs only). */
const SKB_SOCK_FIELDS: [number, number] = [88, 52];
/** Sizes of the kernel fields behind 4-byte `__sk_buff` fields that are narrower (pkt_type, queue_mapping, protocol, vlan_tci, vlan_proto, tc_index, family, tc_classid, gso_segs, gso_size). */
const SKB_NATIVE_SIZE: ReadonlyMap<number, number> = new Map([[4, 1], [12, 2], [16, 2], [24, 2], [28, 2], [44, 2], [72, 2], [88, 2], [164, 2], [176, 2]]);
const SKB_CB = [48, 68] as const;
const SKB_SK = 168;
const SKB_FLOW_KEYS = 144;
const SKB_DATA = 76, SKB_DATA_END = 80, SKB_DATA_META = 140, SKB_TSTAMP = 152, SKB_HWTSTAMP = 184;

/** What a program type may do with `__sk_buff` (the kernel's *_is_valid_access). */
interface SkbProfile {
  readonly kind: string;
  /** Fields it may not read. */
  readonly denied: readonly [number, number][];
  /** u32 fields it may write besides cb[]. */
  readonly writable: readonly [number, number][];
  readonly tstampWritable: boolean;
  /** data / data_end (and data_meta unless denied) as packet pointers. */
  readonly packet?: { readonly data: bigint; readonly dataEnd: bigint };
}

const SOCKET_FILTER_DENIED: readonly [number, number][] = [[72, 4], [76, 4], [80, 4], SKB_SOCK_FIELDS, [140, 4], [152, 8], [160, 4], [180, 1], [184, 8]];
const TC_DENIED: readonly [number, number][] = [SKB_SOCK_FIELDS];
const CGROUP_SKB_DENIED: readonly [number, number][] = [[72, 4], [140, 4], [160, 4], [180, 1]];
/** mark, queue_mapping, priority, tc_index, tc_classid. */
const TC_WRITABLE: readonly [number, number][] = [[8, 4], [12, 4], [32, 4], [44, 4], [72, 4]];
/** mark, priority. */
const CGROUP_SKB_WRITABLE: readonly [number, number][] = [[8, 4], [32, 4]];

const overlaps = (ranges: readonly [number, number][], off: number, size: number): boolean =>
  ranges.some(([o, n]) => off < o + n && off + size > o);

/** Field rules and values of `__sk_buff` for one program type. */
function skbAccess(bytes: Uint8Array, p: SkbProfile): CtxAccess {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const check = (off: number, size: number, write: boolean): string | undefined => {
    const what = `${write ? 'write' : 'read'} of ${size} bytes at ctx+${off}`;
    const bad = `invalid __sk_buff access for ${p.kind}: ${what}`;
    if (off % size !== 0) return `misaligned __sk_buff access: ${what}`;
    if (overlaps(SKB_NEVER, off, size) || overlaps(p.denied, off, size)) return bad;
    // cb[]: any aligned size, read and write
    if (off >= SKB_CB[0] && off < SKB_CB[1]) return off + size > SKB_CB[1] ? bad : undefined;
    // pointers: sk reads as a u64 (flow_keys is for flow dissectors only)
    if (overlaps([[SKB_FLOW_KEYS, 8]], off, size)) return bad;
    if (overlaps([[SKB_SK, 8]], off, size)) return off === SKB_SK && size === 8 && !write ? undefined : bad;
    // packet pointers: whole u32 loads only
    if (overlaps([[SKB_DATA, 8], [SKB_DATA_META, 4]], off, size)) return size === 4 && !write ? undefined : bad;
    // u64 fields
    if (overlaps([[SKB_TSTAMP, 8], [SKB_HWTSTAMP, 8]], off, size)) {
      if (size !== 8) return `${bad} (a u64 field)`;
      return write && (!p.tstampWritable || off === SKB_HWTSTAMP) ? `__sk_buff field is read-only for ${p.kind}: ${what}` : undefined;
    }
    if (size === 8) return bad;
    if (off === SKB_TSTAMP_TYPE && size !== 1) return bad;
    // the socket's addresses: whole u32 loads only
    if (overlaps([[92, 40]], off, size) && size !== 4) return bad;
    if (write) {
      if (!overlaps(p.writable, off, size)) return `__sk_buff field is read-only for ${p.kind}: ${what}`;
      if (size !== 4) return bad;
    }
    return undefined;
  };
  return {
    load(off, size) {
      const bad = check(off, size, false);
      if (bad !== undefined) return bad;
      // The kernel rewrites loads of data / data_meta / data_end into 64-bit pointer loads.
      if (p.packet !== undefined && (off === SKB_DATA || off === SKB_DATA_META)) return p.packet.data;
      if (p.packet !== undefined && off === SKB_DATA_END) return p.packet.dataEnd;
      if (off === SKB_SK || off === SKB_FLOW_KEYS) return 0n;
      if (size === 8) return view.getBigUint64(off, true);
      // A narrow load at least as wide as the kernel field behind it loads that whole field
      // (verifier.c convert_ctx_accesses shifts only when size < target_size).
      if (size >= (SKB_NATIVE_SIZE.get(off & ~3) ?? 4)) return BigInt(view.getUint32(off & ~3, true));
      return size === 1 ? BigInt(bytes[off]!) : size === 2 ? BigInt(view.getUint16(off, true)) : BigInt(view.getUint32(off, true));
    },
    store(off, size, value) {
      const bad = check(off, size, true);
      if (bad !== undefined) return bad;
      if (size === 8) view.setBigUint64(off, value, true);
      else if (size === 4) view.setUint32(off, Number(value & 0xffffffffn), true);
      else if (size === 2) view.setUint16(off, Number(value & 0xffffn), true);
      else bytes[off] = Number(value & 0xffn);
      return undefined;
    },
  };
}

function xdpAccess(bytes: Uint8Array, xdp: XdpBuffer): CtxAccess {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    load(off, size) {
      if (size !== 4 || off % 4 !== 0) return `invalid xdp_md access: read of ${size} bytes at ctx+${off} (fields are u32)`;
      if (off === 20) return 'invalid xdp_md access: egress_ifindex is only for BPF_XDP_DEVMAP programs';
      // The kernel rewrites loads of data / data_end / data_meta into 64-bit pointer loads.
      if (off === 0) return xdp.data;
      if (off === 8) return xdp.dataMeta;
      if (off === 4) return xdp.dataEnd;
      return BigInt(view.getUint32(off, true));
    },
    store(off, size) {
      return `xdp_md is read-only: write of ${size} bytes at ctx+${off}`;
    },
  };
}

/** __sk_buff as BPF_PROG_TEST_RUN builds it for `frame` on the loopback device (eth_type_trans; tc keeps the L2 header in len). */
function buildSkBuff(frame: Uint8Array, ctxIn: Uint8Array | undefined, l2: boolean): Uint8Array {
  const skb = new Uint8Array(SK_BUFF_SIZE);
  if (ctxIn !== undefined) skb.set(ctxIn.subarray(0, SK_BUFF_SIZE));
  const v = new DataView(skb.buffer);
  v.setUint32(0, l2 ? frame.length : frame.length - ETH_HLEN, true);
  const dst = frame.subarray(0, 6);
  // eth_type_trans on the loopback device: its address and its broadcast address are all zeros
  const pktType = dst.every((b) => b === 0) ? 0 /* PACKET_HOST */ : (dst[0]! & 1) !== 0 ? 2 /* PACKET_MULTICAST */ : 3 /* PACKET_OTHERHOST */;
  v.setUint32(4, pktType, true);
  const proto = (frame[12]! << 8) | frame[13]!;
  let wire = proto;
  if (proto < 0x600) wire = frame[14] === 0xff && frame[15] === 0xff ? 0x0001 : 0x0004;
  v.setUint32(16, ((wire & 0xff) << 8) | (wire >> 8), true);
  v.setUint32(40, 1, true);
  // the test run's dummy socket: family and addresses from the IP header
  const ip = frame.subarray(ETH_HLEN);
  if (proto === 0x0800) {
    v.setUint32(88, 2, true); // AF_INET
    if (ip.length >= 20) {
      skb.set(ip.subarray(16, 20), 92); // remote_ip4 = daddr
      skb.set(ip.subarray(12, 16), 96); // local_ip4 = saddr
    }
  } else if (proto === 0x86dd) {
    v.setUint32(88, 10, true); // AF_INET6
    if (ip.length >= 40) {
      skb.set(ip.subarray(24, 40), 100); // remote_ip6 = daddr
      skb.set(ip.subarray(8, 24), 116); // local_ip6 = saddr
    }
  }
  return skb;
}

/** A fresh copy of `src` (cheaper than `slice()` on a view of a large or Buffer-backed ArrayBuffer). */
function copyBytes(src: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(src.length);
  bytes.set(src);
  return bytes;
}

/** Map the context of `progType` for one run and compute r1 / r2. */
export function prepareContext(space: AddressSpace, progType: number, input: RunInput): PreparedContext {
  const add = (kind: 'ctx' | 'packet' | 'mem', name: string, bytes: Uint8Array, perm: number, ctx?: CtxAccess): Region =>
    space.add(kind, name, bytes, perm, ctx === undefined ? {} : { ctx });
  switch (progType) {
    case BPF_PROG_TYPE_SOCKET_FILTER:
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
    case BPF_PROG_TYPE_CGROUP_SKB: {
      const frame = (input.packet ?? new Uint8Array(ETH_HLEN)).slice();
      const name = progTypeName(progType);
      if (frame.length < ETH_HLEN) throw new PendingFault('setup', `${name} needs a packet of at least ${ETH_HLEN} bytes (an Ethernet header), got ${frame.length}`);
      const proto = (frame[12]! << 8) | frame[13]!;
      const need = proto === 0x0800 ? 20 : proto === 0x86dd ? 40 : 0;
      if (frame.length - ETH_HLEN < need) {
        throw new PendingFault('setup', `BPF_PROG_TEST_RUN refuses this packet (EINVAL): an ${proto === 0x0800 ? 'IPv4' : 'IPv6'} frame needs at least ${ETH_HLEN + need} bytes, got ${frame.length}`);
      }
      if (progType === BPF_PROG_TYPE_SOCKET_FILTER) {
        const skb = buildSkBuff(frame, input.ctx, false);
        const ctx = add('ctx', 'ctx', skb, 0, skbAccess(skb, { kind: name, denied: SOCKET_FILTER_DENIED, writable: [], tstampWritable: false }));
        return { r1: ctx.base, r2: 0n, packet: frame.subarray(ETH_HLEN), frame, netOff: ETH_HLEN, mem: undefined, packetOut: undefined, ctxOut: skb };
      }
      if (progType === BPF_PROG_TYPE_CGROUP_SKB) {
        // skb->data at the network header; direct packet reads only
        const data = frame.subarray(ETH_HLEN);
        const pkt = add('packet', 'packet', data, PERM_READ);
        const skb = buildSkBuff(frame, input.ctx, false);
        const packet = { data: pkt.base, dataEnd: pkt.base + BigInt(data.length) };
        const ctx = add('ctx', 'ctx', skb, 0, skbAccess(skb, { kind: name, denied: CGROUP_SKB_DENIED, writable: CGROUP_SKB_WRITABLE, tstampWritable: true, packet }));
        return { r1: ctx.base, r2: 0n, packet: data, frame, netOff: ETH_HLEN, mem: undefined, packetOut: undefined, ctxOut: skb };
      }
      // tc: skb->data stays at the Ethernet header; data / data_end are packet pointers that
      // helpers changing the packet move (the SkbBuffer maps the current bytes)
      const skb = buildSkBuff(frame, input.ctx, true);
      const sb = new SkbBuffer(space, frame, skb);
      const packet = { get data() { return sb.data; }, get dataEnd() { return sb.dataEnd; } };
      const ctx = add('ctx', 'ctx', skb, 0, skbAccess(skb, { kind: name, denied: TC_DENIED, writable: TC_WRITABLE, tstampWritable: true, packet }));
      const bytes = sb.bytes();
      return { r1: ctx.base, r2: 0n, packet: bytes, frame: bytes, netOff: ETH_HLEN, mem: undefined, packetOut: undefined, ctxOut: skb, skb: sb };
    }
    case BPF_PROG_TYPE_XDP: {
      const xdp = new XdpBuffer(space, input.packet ?? new Uint8Array(0));
      const md = new Uint8Array(XDP_MD_SIZE);
      if (input.ctx !== undefined) md.set(input.ctx.subarray(0, XDP_MD_SIZE));
      const v = new DataView(md.buffer);
      if (v.getUint32(12, true) === 0) v.setUint32(12, 1, true);
      const ctx = add('ctx', 'ctx', md, 0, xdpAccess(md, xdp));
      return { r1: ctx.base, r2: 0n, packet: xdp.bytes(), mem: undefined, packetOut: undefined, ctxOut: md, xdp };
    }
    case BPF_PROG_TYPE_TRACEPOINT:
    case BPF_PROG_TYPE_RAW_TRACEPOINT:
    case BPF_PROG_TYPE_KPROBE:
    case BPF_PROG_TYPE_PERF_EVENT: {
      const given = input.ctx ?? input.mem ?? new Uint8Array(0);
      if (progType === BPF_PROG_TYPE_TRACEPOINT) {
        // The record sits in a PERF_MAX_TRACE_SIZE buffer: every offset the kernel verifier
        // accepts is readable, bytes after the record read as zeros. (The verifier also refuses
        // the first 8 bytes, where the kernel keeps a pt_regs pointer; here they are the record's.)
        // tp_prog_is_valid_access compares the signed offset with sizeof(void *), so negative
        // offsets pass: the kernel accepts reads at ctx-8 and they read the 8 bytes of kernel
        // memory before the record (Linux 6.18, sys_enter_execve: a kernel text address). Here the
        // window starts TP_BEFORE bytes before r1 and those bytes read as zeros.
        const bytes = new Uint8Array(TP_BEFORE + Math.max(PERF_MAX_TRACE_SIZE, given.length));
        bytes.set(given, TP_BEFORE);
        const ctx = space.add('ctx', 'ctx', bytes, PERM_READ, { labelOff: TP_BEFORE });
        return { r1: ctx.base + BigInt(TP_BEFORE), r2: 0n, packet: undefined, mem: undefined, packetOut: undefined, ctxOut: bytes.subarray(TP_BEFORE) };
      }
      const bytes = copyBytes(given);
      const ctx = add('ctx', 'ctx', bytes, PERM_READ);
      return { r1: bytes.length === 0 ? 0n : ctx.base, r2: 0n, packet: undefined, mem: undefined, packetOut: undefined, ctxOut: bytes };
    }
    default: {
      if (progType !== 0 && input.mem === undefined && input.ctx === undefined && input.packet !== undefined) {
        throw new PendingFault('setup', `program type ${progTypeName(progType)} has no packet context in the VM; pass memory instead`);
      }
      const src = input.mem ?? input.ctx;
      if (src === undefined) return { r1: 0n, r2: 0n, packet: input.packet, mem: undefined, packetOut: undefined, ctxOut: undefined };
      const bytes = copyBytes(src);
      const r = add('mem', 'mem', bytes, PERM_READ | PERM_WRITE);
      return { r1: r.base, r2: BigInt(bytes.length), packet: input.packet ?? bytes, mem: bytes, packetOut: undefined, ctxOut: undefined };
    }
  }
}
