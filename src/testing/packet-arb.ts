/**
 * fast-check arbitraries of valid frames: Ethernet II, optionally 802.1Q-tagged, carrying IPv4
 * (with or without options) or IPv6, and TCP (with or without options), UDP or ICMP/ICMPv6.
 * Every length field is true, the IPv4 header checksum is right, and the L4 checksum is right
 * unless `l4Checksums: false`.
 */
import fc, { type Arbitrary } from 'fast-check';
import { bytesArb, genArb, seededBytes, type Gen } from './gen.js';
import {
  ETH_P_8021Q, ETH_P_IP, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN,
  ethHeaderLength, ipHeaderLength, l4HeaderLength, packetOf, withComputedFields,
  type EthernetHeader, type FrameSpec, type IpHeader, type L4Header, type Packet, type VlanTag,
} from './packet.js';

/** Options of `packetArb` (and of the corrupted and mixed packet arbitraries built on it). */
export interface PacketOptions {
  /** Network layers to draw from. Default both. */
  readonly ip?: readonly ('ipv4' | 'ipv6')[];
  /** Transport layers to draw from. Default all three. */
  readonly l4?: readonly ('tcp' | 'udp' | 'icmp')[];
  /** 802.1Q tag: `true` always, `false` never, `'sometimes'` (default). */
  readonly vlan?: boolean | 'sometimes';
  /** TCP/UDP ports. Default: common ports (80, 443, 22, 53, 8080, 0, 65535) half the time, else any. */
  readonly srcPort?: Gen<number>;
  readonly dstPort?: Gen<number>;
  /** IPv4 addresses as u32 (`0x0a000001`). Default any. */
  readonly srcIpv4?: Gen<number>;
  readonly dstIpv4?: Gen<number>;
  /** IPv6 addresses, 16 bytes. Default any. */
  readonly srcIpv6?: Gen<Uint8Array>;
  readonly dstIpv6?: Gen<Uint8Array>;
  /** TCP flag bits (9 bits). Default common combinations or any. */
  readonly tcpFlags?: Gen<number>;
  /** Payload length after the L4 header. Default 0..64; up to 9000 for jumbo frames. */
  readonly payloadLength?: { readonly min?: number; readonly max?: number };
  /**
   * Whole frame length instead: the payload fills the frame up to a length drawn from this range
   * (a frame whose headers alone are longer than the length drawn has no payload).
   * Overrides `payloadLength`. @example { frameLength: { min: 60, max: 1514 } }
   */
  readonly frameLength?: { readonly min?: number; readonly max?: number };
  /** Include IPv4 and TCP options some of the time. Default true. */
  readonly options?: boolean;
  /** Compute correct TCP/UDP/ICMP checksums (default true); false leaves them 0. */
  readonly l4Checksums?: boolean;
}

/** The default port arbitrary: well-known ports half the time, any port otherwise. */
export const portArb: Arbitrary<number> = fc.oneof(
  fc.constantFrom(80, 443, 22, 53, 8080, 0, 65535),
  fc.integer({ min: 0, max: 0xffff }),
);

/** A MAC address (6 bytes). */
export const macArb: Arbitrary<Uint8Array> = fc.uint8Array({ minLength: 6, maxLength: 6 });

/** An IPv6 address (16 bytes). */
export const ipv6AddressArb: Arbitrary<Uint8Array> = fc.uint8Array({ minLength: 16, maxLength: 16 });

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

const vlanArb: Arbitrary<VlanTag> = fc.record({
  tpid: fc.constant(ETH_P_8021Q),
  pcp: fc.integer({ min: 0, max: 7 }),
  dei: fc.integer({ min: 0, max: 1 }),
  vid: fc.integer({ min: 0, max: 4095 }),
});

const tcpFlagsArb: Arbitrary<number> = fc.oneof(
  fc.constantFrom(TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_ACK | TCP_PSH, TCP_FIN | TCP_ACK, TCP_RST),
  fc.integer({ min: 0, max: 0x1ff }),
);

/** IPv4 options: 0..10 words of NOPs, the last word ending in EOL. */
const ipv4OptionsArb: Arbitrary<Uint8Array> = fc.integer({ min: 0, max: 10 }).map((words) => {
  const o = new Uint8Array(words * 4).fill(1);
  if (words > 0) o[o.length - 1] = 0;
  return o;
});

/** TCP options built from 4-byte chunks: MSS, NOP+NOP+SACK-permitted, NOP+window scale, NOPs. */
const tcpOptionsArb: Arbitrary<Uint8Array> = fc
  .array(fc.constantFrom(
    [2, 4, 0x05, 0xb4],
    [1, 1, 4, 2],
    [1, 3, 3, 7],
    [1, 1, 1, 1],
  ), { maxLength: 10 })
  .map((chunks) => Uint8Array.from(chunks.flat()));

const noBytes = new Uint8Array(0);

function ethArb(opts: PacketOptions): Arbitrary<EthernetHeader> {
  const vlan = opts.vlan ?? 'sometimes';
  const tag: Arbitrary<VlanTag | null> = vlan === true ? vlanArb : vlan === false ? fc.constant(null) : fc.option(vlanArb, { freq: 3 });
  return fc.record({ dst: macArb, src: macArb, vlan: tag, ethertype: fc.constant(ETH_P_IP) });
}

function ipArb(opts: PacketOptions): Arbitrary<IpHeader> {
  const kinds = opts.ip ?? ['ipv4', 'ipv6'];
  if (kinds.length === 0) throw new Error('packetArb: `ip` must list at least one of ipv4, ipv6');
  const withOptions = opts.options ?? true;
  const v4: Arbitrary<IpHeader> = fc.record({
    kind: fc.constant('ipv4' as const),
    version: fc.constant(4),
    ihl: fc.constant(5),
    tos: fc.integer({ min: 0, max: 255 }),
    totalLength: fc.constant(0),
    id: u16,
    flags: fc.constantFrom(0, 2),
    fragOffset: fc.constant(0),
    ttl: fc.integer({ min: 1, max: 255 }),
    protocol: fc.constant(0),
    checksum: fc.constant(0),
    src: genArb(opts.srcIpv4, u32),
    dst: genArb(opts.dstIpv4, u32),
    options: withOptions ? fc.oneof({ arbitrary: fc.constant(noBytes), weight: 3 }, { arbitrary: ipv4OptionsArb, weight: 1 }) : fc.constant(noBytes),
  });
  const v6: Arbitrary<IpHeader> = fc.record({
    kind: fc.constant('ipv6' as const),
    version: fc.constant(6),
    trafficClass: fc.integer({ min: 0, max: 255 }),
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    payloadLength: fc.constant(0),
    nextHeader: fc.constant(0),
    hopLimit: fc.integer({ min: 1, max: 255 }),
    src: genArb(opts.srcIpv6, ipv6AddressArb),
    dst: genArb(opts.dstIpv6, ipv6AddressArb),
  });
  const pick = kinds.map((k) => (k === 'ipv4' ? v4 : v6));
  return pick.length === 1 ? pick[0]! : fc.oneof(...pick);
}

function l4Arb(opts: PacketOptions): Arbitrary<L4Header> {
  const kinds = opts.l4 ?? ['tcp', 'udp', 'icmp'];
  if (kinds.length === 0) throw new Error('packetArb: `l4` must list at least one of tcp, udp, icmp');
  const sport = genArb(opts.srcPort, portArb);
  const dport = genArb(opts.dstPort, portArb);
  const withOptions = opts.options ?? true;
  const tcp: Arbitrary<L4Header> = fc.record({
    kind: fc.constant('tcp' as const),
    srcPort: sport,
    dstPort: dport,
    seq: u32,
    ack: u32,
    dataOffset: fc.constant(5),
    flags: genArb(opts.tcpFlags, tcpFlagsArb),
    window: u16,
    checksum: fc.constant(0),
    urgent: fc.constant(0),
    options: withOptions ? fc.oneof({ arbitrary: fc.constant(noBytes), weight: 3 }, { arbitrary: tcpOptionsArb, weight: 1 }) : fc.constant(noBytes),
  });
  const udp: Arbitrary<L4Header> = fc.record({
    kind: fc.constant('udp' as const),
    srcPort: sport,
    dstPort: dport,
    length: fc.constant(0),
    checksum: fc.constant(0),
  });
  const icmp: Arbitrary<L4Header> = fc.record({
    kind: fc.constant('icmp' as const),
    type: fc.oneof(fc.constantFrom(0, 3, 8, 11, 128, 129), fc.integer({ min: 0, max: 255 })),
    code: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
    checksum: fc.constant(0),
    rest: u32,
  });
  const table = { tcp, udp, icmp };
  const pick = kinds.map((k) => table[k]);
  return pick.length === 1 ? pick[0]! : fc.oneof(...pick);
}

/** Header and payload specs with every field true (see `withComputedFields`). */
export function frameSpecArb(opts: PacketOptions = {}): Arbitrary<FrameSpec> {
  const min = opts.payloadLength?.min ?? 0;
  const max = opts.payloadLength?.max ?? Math.max(64, min);
  if (!(min >= 0 && max >= min && max <= 65000)) {
    throw new Error(`packetArb: payloadLength must satisfy 0 <= min <= max <= 65000 (got ${min}..${max})`);
  }
  const checksums = opts.l4Checksums ?? true;
  if (opts.frameLength) {
    const fmin = opts.frameLength.min ?? 0;
    const fmax = opts.frameLength.max ?? Math.max(1514, fmin);
    if (!(fmin >= 0 && fmax >= fmin && fmax <= 65000)) throw new Error(`packetArb: frameLength must satisfy 0 <= min <= max <= 65000 (got ${fmin}..${fmax})`);
    return fc
      .record({
        eth: ethArb(opts), ip: ipArb(opts), l4: l4Arb(opts), length: fc.integer({ min: fmin, max: fmax }),
        seed: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x7fffffff })),
      })
      .map(({ eth, ip, l4, length, seed }) => {
        const headers = ethHeaderLength(eth) + ipHeaderLength(ip) + l4HeaderLength(l4);
        return withComputedFields({ eth, ip, l4, payload: seededBytes(Math.max(0, length - headers), seed) }, checksums);
      });
  }
  return fc
    .record({ eth: ethArb(opts), ip: ipArb(opts), l4: l4Arb(opts), payload: bytesArb(min, max) })
    .map((spec) => withComputedFields(spec, checksums));
}

/**
 * Valid frames: correct lengths, IPv4 header checksum and (by default) TCP/UDP/ICMP checksums.
 * @example fc.assert(fc.property(packetArb({ l4: ['tcp'], dstPort: 80 }), (p) => run(p.bytes) === 1n))
 */
export function packetArb(opts: PacketOptions = {}): Arbitrary<Packet> {
  return frameSpecArb(opts).map((spec) => packetOf(spec));
}
