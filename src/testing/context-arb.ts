/**
 * Program contexts: XDP (`struct xdp_md`) and socket filter (`struct __sk_buff`) inputs, each a
 * packet plus the context fields, with the context bytes BPF_PROG_TEST_RUN takes as `ctx_in`.
 *
 * ```
 * struct xdp_md   { u32 data @0, data_end @4, data_meta @8, ingress_ifindex @12, rx_queue_index @16, egress_ifindex @20 }   24 bytes
 * struct __sk_buff{ u32 len @0, pkt_type @4, mark @8, ..., priority @32, ingress_ifindex @36, ifindex @40, cb[5] @48,
 *                   ..., u64 tstamp @152, u32 wire_len @160, gso_segs @164, gso_size @176, u64 hwtstamp @184 }            192 bytes
 * ```
 */
import fc, { type Arbitrary } from 'fast-check';
import { genArb, type Gen } from './gen.js';
import type { Packet } from './packet.js';
import { anyPacketArb } from './packet-corrupt.js';

/** Size of `struct xdp_md`. */
export const XDP_MD_SIZE = 24;
/** Size of `struct __sk_buff` (Linux 6.x). */
export const SK_BUFF_SIZE = 192;

/** An XDP program's input: the frame and the `xdp_md` fields that are not pointers. */
export interface XdpContext {
  readonly kind: 'xdp';
  readonly data: Uint8Array;
  /** The structured packet when the frame came from a packet arbitrary. */
  readonly packet: Packet | null;
  readonly ingressIfindex: number;
  readonly rxQueueIndex: number;
}

/**
 * A socket filter's input: the frame and the `__sk_buff` fields BPF_PROG_TEST_RUN lets a caller set
 * (the kernel derives len, protocol, pkt_type and the rest from the frame).
 */
export interface SkBuffContext {
  readonly kind: 'skb';
  readonly data: Uint8Array;
  readonly packet: Packet | null;
  readonly mark: number;
  readonly priority: number;
  readonly ingressIfindex: number;
  readonly ifindex: number;
  readonly cb: readonly [number, number, number, number, number];
  readonly tstamp: bigint;
  readonly wireLen: number;
  readonly gsoSegs: number;
  readonly gsoSize: number;
  readonly hwtstamp: bigint;
}

type Frame = Packet | Uint8Array;
const frameOf = (f: Frame): { data: Uint8Array; packet: Packet | null } =>
  f instanceof Uint8Array ? { data: f, packet: null } : { data: f.bytes, packet: f };

/** Options of `xdpContextArb`. Defaults suit BPF_PROG_TEST_RUN here: ifindex 1 (lo), queue 0. */
export interface XdpContextOptions {
  /** Frames (packets or raw bytes); default `anyPacketArb()`. */
  readonly packet?: Arbitrary<Frame>;
  readonly ingressIfindex?: Gen<number>;
  readonly rxQueueIndex?: Gen<number>;
}

/**
 * XDP inputs: a frame plus `ingress_ifindex` / `rx_queue_index`.
 * @example xdpContextArb({ packet: packetArb({ l4: ['tcp'] }), rxQueueIndex: fc.integer({ min: 0, max: 3 }) })
 */
export function xdpContextArb(opts: XdpContextOptions = {}): Arbitrary<XdpContext> {
  return fc
    .record({
      frame: opts.packet ?? anyPacketArb(),
      ingressIfindex: genArb(opts.ingressIfindex, fc.constant(1)),
      rxQueueIndex: genArb(opts.rxQueueIndex, fc.constant(0)),
    })
    .map(({ frame, ingressIfindex, rxQueueIndex }) => ({ kind: 'xdp' as const, ...frameOf(frame), ingressIfindex, rxQueueIndex }));
}

/** The `struct xdp_md` bytes BPF_PROG_TEST_RUN takes as ctx_in: data 0, data_end = frame length, no metadata. */
export function xdpMdBytes(ctx: XdpContext): Uint8Array {
  const b = new Uint8Array(XDP_MD_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(4, ctx.data.length, true);
  v.setUint32(12, ctx.ingressIfindex >>> 0, true);
  v.setUint32(16, ctx.rxQueueIndex >>> 0, true);
  return b;
}

/** Options of `skBuffContextArb`; every field defaults to an arbitrary over its range (ifindex 1). */
export interface SkBuffContextOptions {
  readonly packet?: Arbitrary<Frame>;
  readonly mark?: Gen<number>;
  readonly priority?: Gen<number>;
  readonly ingressIfindex?: Gen<number>;
  readonly ifindex?: Gen<number>;
  readonly cb?: Gen<readonly [number, number, number, number, number]>;
  readonly tstamp?: Gen<bigint>;
  readonly gsoSegs?: Gen<number>;
  readonly gsoSize?: Gen<number>;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });

/**
 * Socket filter inputs: a frame plus the settable `__sk_buff` fields (mark, priority, cb[], ...).
 * `wire_len` is the frame length and `hwtstamp` 0, as the kernel wants them in a test run.
 * @example skBuffContextArb({ packet: packetArb(), mark: 7 })
 */
export function skBuffContextArb(opts: SkBuffContextOptions = {}): Arbitrary<SkBuffContext> {
  return fc
    .record({
      frame: opts.packet ?? anyPacketArb({ weights: { random: 0 } }),
      mark: genArb(opts.mark, u32),
      priority: genArb(opts.priority, u32),
      ingressIfindex: genArb(opts.ingressIfindex, fc.constant(0)),
      ifindex: genArb(opts.ifindex, fc.constant(1)),
      cb: genArb(opts.cb, fc.tuple(u32, u32, u32, u32, u32)),
      tstamp: genArb(opts.tstamp, fc.bigInt({ min: 0n, max: (1n << 63n) - 1n })),
      gsoSegs: genArb(opts.gsoSegs, fc.integer({ min: 0, max: 0xffff })),
      gsoSize: genArb(opts.gsoSize, fc.integer({ min: 0, max: 0xffff })),
    })
    .map(({ frame, ...f }) => {
      const { data, packet } = frameOf(frame);
      return { kind: 'skb' as const, data, packet, ...f, wireLen: data.length, hwtstamp: 0n };
    });
}

/** The `struct __sk_buff` bytes for BPF_PROG_TEST_RUN's ctx_in: the settable fields, every other field zero. */
export function skBuffBytes(ctx: SkBuffContext): Uint8Array {
  const b = new Uint8Array(SK_BUFF_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(8, ctx.mark >>> 0, true);
  v.setUint32(32, ctx.priority >>> 0, true);
  v.setUint32(36, ctx.ingressIfindex >>> 0, true);
  v.setUint32(40, ctx.ifindex >>> 0, true);
  ctx.cb.forEach((c, i) => v.setUint32(48 + 4 * i, c >>> 0, true));
  v.setBigUint64(152, BigInt.asUintN(64, ctx.tstamp), true);
  v.setUint32(160, ctx.wireLen >>> 0, true);
  v.setUint32(164, ctx.gsoSegs >>> 0, true);
  v.setUint32(176, ctx.gsoSize >>> 0, true);
  v.setBigUint64(184, BigInt.asUintN(64, ctx.hwtstamp), true);
  return b;
}
