/**
 * A bounds-checking frame parser: what a careful eBPF program sees in the bytes. It never reads
 * past the end, stops at the first header that does not fit, and reports whether the checksums
 * and length fields it met are true. Handy for writing references and for testing generators.
 */
import { ipv4HeaderChecksumOk, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, l4ChecksumOk } from './checksum.js';
import {
  ETH_HLEN, ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP,
  type EthernetHeader, type IpHeader, type L4Header,
} from './packet.js';

/** The outcome of `parsePacket`: each layer is null from the first one that is absent or does not fit. */
export interface ParsedPacket {
  readonly eth: EthernetHeader | null;
  readonly ip: IpHeader | null;
  readonly l4: L4Header | null;
  /** Offsets of the layers in the bytes (-1 when absent). */
  readonly ipOffset: number;
  readonly l4Offset: number;
  readonly payloadOffset: number;
  /** IPv4 header checksum true (null when there is no IPv4 header). */
  readonly ipChecksumOk: boolean | null;
  /** TCP/UDP/ICMP checksum true over the bytes present, per the IP length field (null when not checkable). */
  readonly l4ChecksumOk: boolean | null;
  /** Why parsing stopped early, or null when every layer announced was parsed. */
  readonly stop: string | null;
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => (((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0);

function result(p: Partial<ParsedPacket> & { stop: string | null }): ParsedPacket {
  return {
    eth: null, ip: null, l4: null, ipOffset: -1, l4Offset: -1, payloadOffset: -1,
    ipChecksumOk: null, l4ChecksumOk: null, ...p,
  };
}

/**
 * Parse Ethernet (one optional 802.1Q tag), IPv4/IPv6 and TCP/UDP/ICMP with bounds checks.
 * @example parsePacket(pkt.bytes).l4?.kind === 'tcp'
 */
export function parsePacket(b: Uint8Array): ParsedPacket {
  if (b.length < ETH_HLEN) return result({ stop: `frame of ${b.length} bytes is shorter than an Ethernet header` });
  let off = 12;
  let type = u16(b, off);
  let vlan: EthernetHeader['vlan'] = null;
  if (type === ETH_P_8021Q || type === 0x88a8) {
    if (b.length < ETH_HLEN + 4) return result({ stop: 'VLAN tag does not fit' });
    const tci = u16(b, 14);
    vlan = { tpid: type, pcp: tci >>> 13, dei: (tci >>> 12) & 1, vid: tci & 0xfff };
    off += 4;
    type = u16(b, off);
  }
  off += 2;
  const eth: EthernetHeader = { dst: b.slice(0, 6), src: b.slice(6, 12), vlan, ethertype: type };
  if (type !== ETH_P_IP && type !== ETH_P_IPV6) return result({ eth, stop: `ethertype 0x${type.toString(16).padStart(4, '0')} is not IP` });
  const ipOffset = off;
  let ip: IpHeader;
  let l4Offset: number;
  let l4End: number;
  let protocol: number;
  let ipChecksumOk: boolean | null = null;
  if (type === ETH_P_IP) {
    if (b.length < off + 20) return result({ eth, ipOffset, stop: 'IPv4 header does not fit' });
    const ihl = b[off]! & 0xf;
    const hlen = ihl * 4;
    const optLen = ihl >= 5 && off + hlen <= b.length ? hlen - 20 : 0;
    const frag = u16(b, off + 6);
    ip = {
      kind: 'ipv4', version: b[off]! >>> 4, ihl, tos: b[off + 1]!, totalLength: u16(b, off + 2), id: u16(b, off + 4),
      flags: frag >>> 13, fragOffset: frag & 0x1fff, ttl: b[off + 8]!, protocol: b[off + 9]!, checksum: u16(b, off + 10),
      src: u32(b, off + 12), dst: u32(b, off + 16), options: b.slice(off + 20, off + 20 + optLen),
    };
    if (ip.version !== 4) return result({ eth, ip, ipOffset, stop: `IP version ${ip.version} in an IPv4 frame` });
    if (ihl < 5) return result({ eth, ip, ipOffset, stop: `IHL ${ihl} is below 5` });
    if (off + hlen > b.length) return result({ eth, ip, ipOffset, stop: `IHL ${ihl} runs past the end of the frame` });
    ipChecksumOk = ipv4HeaderChecksumOk(b.subarray(off, off + hlen));
    protocol = ip.protocol;
    l4Offset = off + hlen;
    l4End = off + ip.totalLength;
  } else {
    if (b.length < off + 40) return result({ eth, ipOffset, stop: 'IPv6 header does not fit' });
    const w = u32(b, off);
    ip = {
      kind: 'ipv6', version: w >>> 28, trafficClass: (w >>> 20) & 0xff, flowLabel: w & 0xfffff,
      payloadLength: u16(b, off + 4), nextHeader: b[off + 6]!, hopLimit: b[off + 7]!,
      src: b.slice(off + 8, off + 24), dst: b.slice(off + 24, off + 40),
    };
    if (ip.version !== 6) return result({ eth, ip, ipOffset, stop: `IP version ${ip.version} in an IPv6 frame` });
    protocol = ip.nextHeader;
    l4Offset = off + 40;
    l4End = l4Offset + ip.payloadLength;
  }
  const base = { eth, ip, ipOffset, ipChecksumOk, l4Offset };
  const isIcmp = (ip.kind === 'ipv4' && protocol === IPPROTO_ICMP) || (ip.kind === 'ipv6' && protocol === IPPROTO_ICMPV6);
  if (protocol !== IPPROTO_TCP && protocol !== IPPROTO_UDP && !isIcmp) return result({ ...base, stop: `protocol ${protocol} is not TCP, UDP or ICMP` });
  const minLen = protocol === IPPROTO_TCP ? 20 : 8;
  if (b.length < l4Offset + minLen) return result({ ...base, stop: 'L4 header does not fit' });
  let l4: L4Header;
  let payloadOffset: number;
  if (protocol === IPPROTO_TCP) {
    const w = u16(b, l4Offset + 12);
    const dataOffset = w >>> 12;
    const optEnd = l4Offset + dataOffset * 4;
    const opts = dataOffset >= 5 && optEnd <= b.length ? b.slice(l4Offset + 20, optEnd) : new Uint8Array(0);
    l4 = {
      kind: 'tcp', srcPort: u16(b, l4Offset), dstPort: u16(b, l4Offset + 2), seq: u32(b, l4Offset + 4), ack: u32(b, l4Offset + 8),
      dataOffset, flags: w & 0x1ff, window: u16(b, l4Offset + 14), checksum: u16(b, l4Offset + 16), urgent: u16(b, l4Offset + 18), options: opts,
    };
    if (dataOffset < 5) return result({ ...base, l4, stop: `TCP data offset ${dataOffset} is below 5` });
    if (optEnd > b.length) return result({ ...base, l4, stop: `TCP data offset ${dataOffset} runs past the end of the frame` });
    payloadOffset = optEnd;
  } else if (protocol === IPPROTO_UDP) {
    l4 = { kind: 'udp', srcPort: u16(b, l4Offset), dstPort: u16(b, l4Offset + 2), length: u16(b, l4Offset + 4), checksum: u16(b, l4Offset + 6) };
    payloadOffset = l4Offset + 8;
  } else {
    l4 = { kind: 'icmp', type: b[l4Offset]!, code: b[l4Offset + 1]!, checksum: u16(b, l4Offset + 2), rest: u32(b, l4Offset + 4) };
    payloadOffset = l4Offset + 8;
  }
  let l4Ok: boolean | null = null;
  if (l4End >= payloadOffset && l4End <= b.length) {
    const segment = b.subarray(l4Offset, l4End);
    if (l4.kind === 'udp' && ip.kind === 'ipv4' && l4.checksum === 0) l4Ok = true;
    else if (l4.kind === 'icmp' && ip.kind === 'ipv4') l4Ok = l4ChecksumOk(segment, 0);
    else {
      const pseudo = ip.kind === 'ipv4'
        ? ipv4PseudoHeaderSum(ip.src, ip.dst, protocol, segment.length)
        : ipv6PseudoHeaderSum(ip.src, ip.dst, protocol, segment.length);
      l4Ok = l4ChecksumOk(segment, pseudo);
    }
  }
  return result({ ...base, l4, payloadOffset, l4ChecksumOk: l4Ok, stop: null });
}
