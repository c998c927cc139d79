/**
 * Corrupted frames (one deliberate defect each: a wrong checksum, a cut, a lying IHL, ethertype,
 * length or version), random frames of any size, and a mix of all three for filter tests.
 */
import fc, { type Arbitrary } from 'fast-check';
import { ipv4HeaderChecksum } from './checksum.js';
import { bytesArb } from './gen.js';
import {
  ETH_P_ARP, ETH_P_IP, ETH_P_IPV6,
  computeL4Checksum, encodeFrame, encodeIpHeader, packetOf,
  type CorruptionKind, type FrameSpec, type IpHeader, type L4Header, type Packet,
} from './packet.js';
import { frameSpecArb, type PacketOptions } from './packet-arb.js';
import { parsePacket } from './packet-parse.js';

/** Every kind `corruptPacketArb` can apply (`random` is the raw-bytes kind of `anyPacketArb`). */
export const CORRUPTION_KINDS: readonly CorruptionKind[] = [
  'ip-checksum', 'l4-checksum', 'truncated', 'ihl', 'ethertype', 'ip-length', 'l4-length', 'ip-version',
];

/** Options of `corruptPacketArb`: the packet options plus which corruptions to draw from. */
export interface CorruptPacketOptions extends PacketOptions {
  readonly corruptions?: readonly CorruptionKind[];
}

const hex4 = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

/** A 16-bit checksum value that is wrong for a header whose right value is `right` (mod 0xffff). */
function wrongChecksum(right: number, pick: number, udpV4 = false): number {
  for (let k = 0; ; k++) {
    const v = ((right % 0xffff) + 1 + ((pick + k) % 0xfffe)) % 0xffff;
    if (!(udpV4 && v === 0)) return v;
  }
}

function withIpChecksum(ip: IpHeader): IpHeader {
  if (ip.kind !== 'ipv4') return ip;
  const zero = { ...ip, checksum: 0 };
  return { ...zero, checksum: ipv4HeaderChecksum(encodeIpHeader(zero)) };
}

function withL4Checksum(spec: FrameSpec, l4: L4Header): L4Header {
  if (!spec.ip) return l4;
  if (l4.kind === 'udp' && spec.ip.kind === 'ipv4' && spec.l4?.kind === 'udp' && spec.l4.checksum === 0) return { ...l4, checksum: 0 };
  return { ...l4, checksum: computeL4Checksum(spec.ip, { ...l4, checksum: 0 }, spec.payload) };
}

function applicable(kind: CorruptionKind, spec: FrameSpec): boolean {
  switch (kind) {
    case 'ip-checksum':
    case 'ihl':
      return spec.ip?.kind === 'ipv4';
    case 'l4-checksum':
      return spec.l4 !== null;
    case 'l4-length':
      return spec.l4?.kind === 'tcp' || spec.l4?.kind === 'udp';
    case 'random':
      return false;
    default:
      return spec.ip !== null;
  }
}

/** Apply one corruption to a valid spec; `a` and `b` pick the details (shrinking them to 0 gives the plainest defect). */
export function corruptFrame(spec: FrameSpec, kind: CorruptionKind, a: number, b: number): Packet {
  const ip = spec.ip!;
  switch (kind) {
    case 'ip-checksum': {
      const v4 = ip as Extract<IpHeader, { kind: 'ipv4' }>;
      const bad = wrongChecksum(v4.checksum, a);
      return packetOf({ ...spec, ip: { ...v4, checksum: bad } }, { kind, detail: `IPv4 header checksum ${hex4(v4.checksum)} written as ${hex4(bad)}` });
    }
    case 'l4-checksum': {
      const l4 = spec.l4!;
      const bad = wrongChecksum(l4.checksum, a, l4.kind === 'udp' && ip.kind === 'ipv4');
      return packetOf({ ...spec, l4: { ...l4, checksum: bad } }, { kind, detail: `${l4.kind.toUpperCase()} checksum ${hex4(l4.checksum)} written as ${hex4(bad)}` });
    }
    case 'truncated': {
      const bytes = encodeFrame(spec);
      const n = a % bytes.length;
      return packetOf(spec, { kind, detail: `cut to ${n} of ${bytes.length} bytes` }, bytes.slice(0, n));
    }
    case 'ihl': {
      const v4 = ip as Extract<IpHeader, { kind: 'ipv4' }>;
      const lies = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].filter((v) => v !== v4.ihl);
      const ihl = lies[a % lies.length]!;
      return packetOf({ ...spec, ip: withIpChecksum({ ...v4, ihl }) }, { kind, detail: `IHL ${v4.ihl} written as ${ihl}` });
    }
    case 'ethertype': {
      const truth = spec.eth.ethertype;
      const others = [ETH_P_ARP, truth === ETH_P_IP ? ETH_P_IPV6 : ETH_P_IP, 0x88cc, 0x8100, b & 0xffff].filter((t) => t !== truth);
      const type = others[a % others.length]!;
      return packetOf({ ...spec, eth: { ...spec.eth, ethertype: type } }, { kind, detail: `ethertype ${hex4(truth)} written as ${hex4(type)}` });
    }
    case 'ip-length': {
      const truth = ip.kind === 'ipv4' ? ip.totalLength : ip.payloadLength;
      const lie = (truth + 1 + (a % 0xffff)) & 0xffff;
      const name = ip.kind === 'ipv4' ? 'IPv4 total length' : 'IPv6 payload length';
      const lied: IpHeader = ip.kind === 'ipv4' ? withIpChecksum({ ...ip, totalLength: lie }) : { ...ip, payloadLength: lie };
      return packetOf({ ...spec, ip: lied }, { kind, detail: `${name} ${truth} written as ${lie}` });
    }
    case 'l4-length': {
      const l4 = spec.l4!;
      if (l4.kind === 'tcp') {
        const dataOffset = (l4.dataOffset + 1 + (a % 15)) % 16;
        return packetOf({ ...spec, l4: withL4Checksum(spec, { ...l4, dataOffset }) }, { kind, detail: `TCP data offset ${l4.dataOffset} written as ${dataOffset}` });
      }
      const u = l4 as Extract<L4Header, { kind: 'udp' }>;
      const length = (u.length + 1 + (a % 0xffff)) & 0xffff;
      return packetOf({ ...spec, l4: withL4Checksum(spec, { ...u, length }) }, { kind, detail: `UDP length ${u.length} written as ${length}` });
    }
    case 'ip-version': {
      const lies = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].filter((v) => v !== ip.version);
      const version = lies[a % lies.length]!;
      return packetOf({ ...spec, ip: withIpChecksum({ ...ip, version }) }, { kind, detail: `IP version ${ip.version} written as ${version}` });
    }
    case 'random':
      throw new Error("corruptFrame: 'random' is not a corruption of a frame; use frameBytesArb");
  }
}

/**
 * Frames with exactly one defect from `corruptions` (default all); a defect that does not apply to
 * the drawn frame (an IHL on IPv6) is replaced by the next one in the list that does.
 * @example corruptPacketArb({ corruptions: ['truncated', 'ihl'] })
 */
export function corruptPacketArb(opts: CorruptPacketOptions = {}): Arbitrary<Packet> {
  const kinds = opts.corruptions ?? CORRUPTION_KINDS;
  if (kinds.length === 0 || kinds.includes('random')) {
    throw new Error("corruptPacketArb: `corruptions` must list at least one kind and not 'random'");
  }
  return fc
    .record({
      spec: frameSpecArb(opts),
      pick: fc.integer({ min: 0, max: kinds.length - 1 }),
      a: fc.nat(),
      b: fc.nat(),
    })
    .map(({ spec, pick, a, b }) => {
      let kind: CorruptionKind = 'truncated';
      for (let k = 0; k < kinds.length; k++) {
        const cand = kinds[(pick + k) % kinds.length]!;
        if (applicable(cand, spec)) {
          kind = cand;
          break;
        }
      }
      return corruptFrame(spec, kind, a, b);
    });
}

/** Random bytes as a frame, any length in `[minLength, maxLength]` (default 0..9018, a jumbo frame). */
export function frameBytesArb(opts: { readonly minLength?: number; readonly maxLength?: number } = {}): Arbitrary<Uint8Array> {
  const min = opts.minLength ?? 0;
  const max = opts.maxLength ?? 9018;
  if (!(min >= 0 && max >= min)) throw new Error(`frameBytesArb: need 0 <= minLength <= maxLength (got ${min}..${max})`);
  return bytesArb(min, max);
}

/** A `Packet` of random bytes; its headers are what `parsePacket` finds in them. */
export function randomPacketArb(opts: { readonly minLength?: number; readonly maxLength?: number } = {}): Arbitrary<Packet> {
  return frameBytesArb(opts).map((bytes) => {
    const p = parsePacket(bytes);
    return { eth: p.eth, ip: p.ip, l4: p.l4, payload: p.payloadOffset >= 0 ? bytes.slice(p.payloadOffset) : new Uint8Array(0), bytes, corruption: { kind: 'random', detail: `${bytes.length} random bytes` } };
  });
}

/** Options of `anyPacketArb`: relative weights of valid, corrupted and random frames. */
export interface AnyPacketOptions extends CorruptPacketOptions {
  readonly weights?: { readonly valid?: number; readonly corrupt?: number; readonly random?: number };
  /** Longest random frame (default 9018). */
  readonly maxRandomLength?: number;
}

/**
 * A mix for filter tests: valid frames, corrupted frames and random bytes (default weights 2:2:1).
 * @example fc.assert(fc.property(anyPacketArb({ l4: ['tcp', 'udp'] }), (p) => run(p.bytes) === reference(p.bytes)))
 */
export function anyPacketArb(opts: AnyPacketOptions = {}): Arbitrary<Packet> {
  const w = { valid: 2, corrupt: 2, random: 1, ...opts.weights };
  const parts: { arbitrary: Arbitrary<Packet>; weight: number }[] = [];
  if (w.valid > 0) parts.push({ arbitrary: frameSpecArb(opts).map((s) => packetOf(s)), weight: w.valid });
  if (w.corrupt > 0) parts.push({ arbitrary: corruptPacketArb(opts), weight: w.corrupt });
  if (w.random > 0) parts.push({ arbitrary: randomPacketArb({ maxLength: opts.maxRandomLength ?? 9018 }), weight: w.random });
  if (parts.length === 0) throw new Error('anyPacketArb: at least one weight must be positive');
  return fc.oneof(...parts);
}
