/**
 * Structured Ethernet II / 802.1Q frames carrying IPv4 or IPv6 with TCP, UDP or ICMP, and their
 * serialisation. Every header field is written exactly as given (lengths and checksums too), so a
 * header can lie on purpose; `withComputedFields` fills lengths and checksums in correctly.
 *
 * ```
 *  Ethernet II        dst(6) src(6) [tpid 0x8100, tci(2)] ethertype(2)
 *  IPv4 (RFC 791)     ver/ihl tos totlen(2) id(2) flags/frag(2) ttl proto csum(2) src(4) dst(4) [options]
 *  IPv6 (RFC 8200)    ver/tc/flow(4) paylen(2) next hop src(16) dst(16)
 *  TCP (RFC 9293)     sport dport seq(4) ack(4) off/flags(2) win(2) csum(2) urg(2) [options]
 *  UDP (RFC 768)      sport dport len(2) csum(2)
 *  ICMP / ICMPv6      type code csum(2) rest(4)
 * ```
 */
import { ipv4HeaderChecksum, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, l4Checksum } from './checksum.js';

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_ARP = 0x0806;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const ETH_HLEN = 14;
export const VLAN_HLEN = 4;

/** TCP flag bits of the 9-bit flags field (RFC 9293 plus NS). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/** An 802.1Q tag: priority, drop-eligible bit, VLAN id, and the TPID written before it. */
export interface VlanTag {
  readonly tpid: number;
  readonly pcp: number;
  readonly dei: number;
  readonly vid: number;
}

/** An Ethernet II header, optionally 802.1Q-tagged; `ethertype` is the inner type. */
export interface EthernetHeader {
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly vlan: VlanTag | null;
  readonly ethertype: number;
}

/** An IPv4 header. Addresses are u32 values (`0x0a000001` is 10.0.0.1). */
export interface Ipv4Header {
  readonly kind: 'ipv4';
  readonly version: number;
  readonly ihl: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly id: number;
  /** 3 bits: reserved, DF (2), MF (1). */
  readonly flags: number;
  readonly fragOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: number;
  readonly dst: number;
  readonly options: Uint8Array;
}

/** An IPv6 fixed header (no extension headers). Addresses are 16 bytes. */
export interface Ipv6Header {
  readonly kind: 'ipv6';
  readonly version: number;
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
}

/** A TCP header; `dataOffset` counts 32-bit words, `flags` holds the 9 flag bits. */
export interface TcpHeader {
  readonly kind: 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly dataOffset: number;
  readonly flags: number;
  readonly window: number;
  readonly checksum: number;
  readonly urgent: number;
  readonly options: Uint8Array;
}

/** A UDP header; `length` covers header and payload. */
export interface UdpHeader {
  readonly kind: 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly length: number;
  readonly checksum: number;
}

/** An ICMP (over IPv4) or ICMPv6 (over IPv6) header; `rest` is the 4-byte rest of header. */
export interface IcmpHeader {
  readonly kind: 'icmp';
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  readonly rest: number;
}

export type IpHeader = Ipv4Header | Ipv6Header;
export type L4Header = TcpHeader | UdpHeader | IcmpHeader;

/** The headers and payload of one frame, before serialisation. */
export interface FrameSpec {
  readonly eth: EthernetHeader;
  readonly ip: IpHeader | null;
  readonly l4: L4Header | null;
  readonly payload: Uint8Array;
}

/** What a corrupted packet had done to it; `null` on a packet whose headers are all truthful. */
export interface Corruption {
  readonly kind: CorruptionKind;
  /** A readable note: `IPv4 total length 40 written as 1500`, `cut to 17 of 54 bytes`. */
  readonly detail: string;
}

/** The ways a packet can be broken on purpose. */
export type CorruptionKind =
  | 'ip-checksum'
  | 'l4-checksum'
  | 'truncated'
  | 'ihl'
  | 'ethertype'
  | 'ip-length'
  | 'l4-length'
  | 'ip-version'
  | 'random';

/**
 * A generated packet: the frame bytes plus the headers they were built from. The headers are the
 * values written into the bytes (lying fields included); for a `truncated` packet the bytes stop
 * early, as `corruption` says. Use `parsePacket(bytes)` for what a bounds-checking parser sees.
 */
export interface Packet extends Omit<FrameSpec, 'eth'> {
  /** Null only for a `random` frame shorter than an Ethernet header. */
  readonly eth: EthernetHeader | null;
  readonly bytes: Uint8Array;
  readonly corruption: Corruption | null;
}

/** Length of the Ethernet header including a VLAN tag. */
export function ethHeaderLength(eth: EthernetHeader): number {
  return eth.vlan ? ETH_HLEN + VLAN_HLEN : ETH_HLEN;
}

/** Bytes the IP header occupies (options included), regardless of what its length fields say. */
export function ipHeaderLength(ip: IpHeader): number {
  return ip.kind === 'ipv4' ? 20 + ip.options.length : 40;
}

/** Bytes the L4 header occupies (TCP options included), regardless of its length fields. */
export function l4HeaderLength(l4: L4Header): number {
  switch (l4.kind) {
    case 'tcp': return 20 + l4.options.length;
    case 'udp': return 8;
    case 'icmp': return 8;
  }
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
function put32(b: Uint8Array, o: number, v: number): void {
  put16(b, o, (v >>> 16) & 0xffff);
  put16(b, o + 2, v & 0xffff);
}

function encodeEth(eth: EthernetHeader): Uint8Array {
  const out = new Uint8Array(ethHeaderLength(eth));
  out.set(eth.dst.subarray(0, 6), 0);
  out.set(eth.src.subarray(0, 6), 6);
  let o = 12;
  if (eth.vlan) {
    put16(out, o, eth.vlan.tpid);
    put16(out, o + 2, ((eth.vlan.pcp & 7) << 13) | ((eth.vlan.dei & 1) << 12) | (eth.vlan.vid & 0xfff));
    o += 4;
  }
  put16(out, o, eth.ethertype);
  return out;
}

/** The IP header bytes exactly as the fields say (checksum field included as given). */
export function encodeIpHeader(ip: IpHeader): Uint8Array {
  if (ip.kind === 'ipv4') {
    const out = new Uint8Array(20 + ip.options.length);
    out[0] = ((ip.version & 0xf) << 4) | (ip.ihl & 0xf);
    out[1] = ip.tos & 0xff;
    put16(out, 2, ip.totalLength);
    put16(out, 4, ip.id);
    put16(out, 6, ((ip.flags & 7) << 13) | (ip.fragOffset & 0x1fff));
    out[8] = ip.ttl & 0xff;
    out[9] = ip.protocol & 0xff;
    put16(out, 10, ip.checksum);
    put32(out, 12, ip.src);
    put32(out, 16, ip.dst);
    out.set(ip.options, 20);
    return out;
  }
  const out = new Uint8Array(40);
  put32(out, 0, ((ip.version & 0xf) << 28) | ((ip.trafficClass & 0xff) << 20) | (ip.flowLabel & 0xfffff));
  put16(out, 4, ip.payloadLength);
  out[6] = ip.nextHeader & 0xff;
  out[7] = ip.hopLimit & 0xff;
  out.set(ip.src.subarray(0, 16), 8);
  out.set(ip.dst.subarray(0, 16), 24);
  return out;
}

/** The L4 header bytes exactly as the fields say. */
export function encodeL4Header(l4: L4Header): Uint8Array {
  switch (l4.kind) {
    case 'tcp': {
      const out = new Uint8Array(20 + l4.options.length);
      put16(out, 0, l4.srcPort);
      put16(out, 2, l4.dstPort);
      put32(out, 4, l4.seq);
      put32(out, 8, l4.ack);
      put16(out, 12, ((l4.dataOffset & 0xf) << 12) | (l4.flags & 0x1ff));
      put16(out, 14, l4.window);
      put16(out, 16, l4.checksum);
      put16(out, 18, l4.urgent);
      out.set(l4.options, 20);
      return out;
    }
    case 'udp': {
      const out = new Uint8Array(8);
      put16(out, 0, l4.srcPort);
      put16(out, 2, l4.dstPort);
      put16(out, 4, l4.length);
      put16(out, 6, l4.checksum);
      return out;
    }
    case 'icmp': {
      const out = new Uint8Array(8);
      out[0] = l4.type & 0xff;
      out[1] = l4.code & 0xff;
      put16(out, 2, l4.checksum);
      put32(out, 4, l4.rest);
      return out;
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The frame bytes of a spec, every field written as given.
 * @example encodeFrame(withComputedFields(spec)) // a valid frame
 */
export function encodeFrame(spec: FrameSpec): Uint8Array {
  const parts = [encodeEth(spec.eth)];
  if (spec.ip) parts.push(encodeIpHeader(spec.ip));
  if (spec.l4) parts.push(encodeL4Header(spec.l4));
  parts.push(spec.payload);
  return concat(parts);
}

/** The L4 protocol number of a header for the given IP version (ICMP is 1 over IPv4, 58 over IPv6). */
export function l4Protocol(l4: L4Header, ipKind: IpHeader['kind']): number {
  switch (l4.kind) {
    case 'tcp': return IPPROTO_TCP;
    case 'udp': return IPPROTO_UDP;
    case 'icmp': return ipKind === 'ipv4' ? IPPROTO_ICMP : IPPROTO_ICMPV6;
  }
}

/** The checksum the L4 header of a spec should carry (over the pseudo-header where the protocol has one). */
export function computeL4Checksum(ip: IpHeader, l4: L4Header, payload: Uint8Array): number {
  const segment = concat([encodeL4Header(l4), payload]);
  const proto = l4Protocol(l4, ip.kind);
  const offset = l4.kind === 'tcp' ? 16 : l4.kind === 'udp' ? 6 : 2;
  if (l4.kind === 'icmp' && ip.kind === 'ipv4') return l4Checksum(segment, offset, 0);
  const pseudo = ip.kind === 'ipv4'
    ? ipv4PseudoHeaderSum(ip.src, ip.dst, proto, segment.length)
    : ipv6PseudoHeaderSum(ip.src, ip.dst, proto, segment.length);
  return l4Checksum(segment, offset, pseudo, l4.kind === 'udp');
}

/**
 * The spec with every length, protocol and checksum field made true: ethertype, IHL, total / payload
 * length, protocol / next header, TCP data offset, UDP length, and the checksums (the L4 checksum
 * only when `l4Checksums`; otherwise it is set to 0, which UDP over IPv4 reads as "no checksum").
 */
export function withComputedFields(spec: FrameSpec, l4Checksums = true): FrameSpec {
  const { eth, payload } = spec;
  let l4 = spec.l4;
  let ip = spec.ip;
  if (l4 && ip) {
    const l4Len = l4HeaderLength(l4) + payload.length;
    if (l4.kind === 'tcp') l4 = { ...l4, dataOffset: 5 + (l4.options.length >>> 2), checksum: 0 };
    else if (l4.kind === 'udp') l4 = { ...l4, length: l4Len & 0xffff, checksum: 0 };
    else l4 = { ...l4, checksum: 0 };
    ip = ip.kind === 'ipv4'
      ? { ...ip, protocol: l4Protocol(l4, 'ipv4') }
      : { ...ip, nextHeader: l4Protocol(l4, 'ipv6') };
  }
  if (ip) {
    const l4Len = (l4 ? l4HeaderLength(l4) : 0) + payload.length;
    if (ip.kind === 'ipv4') {
      const v4: Ipv4Header = { ...ip, version: 4, ihl: 5 + (ip.options.length >>> 2), totalLength: (20 + ip.options.length + l4Len) & 0xffff, checksum: 0 };
      ip = { ...v4, checksum: ipv4HeaderChecksum(encodeIpHeader(v4)) };
    } else {
      ip = { ...ip, version: 6, payloadLength: l4Len & 0xffff };
    }
  }
  if (l4 && ip && l4Checksums) l4 = { ...l4, checksum: computeL4Checksum(ip, l4, payload) };
  const ethertype = ip ? (ip.kind === 'ipv4' ? ETH_P_IP : ETH_P_IPV6) : eth.ethertype;
  return { eth: { ...eth, ethertype }, ip, l4, payload };
}

/**
 * A `Packet` from a spec, fields written as given.
 * @example packetOf(withComputedFields({ eth, ip, l4, payload }))
 */
export function packetOf(spec: FrameSpec, corruption: Corruption | null = null, bytes: Uint8Array = encodeFrame(spec)): Packet {
  return { ...spec, bytes, corruption };
}

/** An IPv4 address as text: `ipv4ToString(0x0a000001)` is `10.0.0.1`. */
export function ipv4ToString(addr: number): string {
  return [24, 16, 8, 0].map((s) => (addr >>> s) & 0xff).join('.');
}

/** A u32 IPv4 address from dotted text: `parseIpv4('10.0.0.1')` is `0x0a000001`. */
export function parseIpv4(text: string): number {
  const parts = text.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: '${text}'`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}
