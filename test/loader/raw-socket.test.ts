/**
 * raw-socket: packet sockets on `lo` of a private network namespace see exactly the
 * datagrams, SYNs and hand-made IPv4 packets the one-shot senders put out.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ETH_P_IP, PACKET_HOST, PACKET_OUTGOING, openPacketSocket, parseIpv4, rawSocketProblem,
  sendRawIpv4, sendTcpSyn4, sendUdp4, type CapturedPacket,
} from '../../src/loader/index.js';

describe('raw-socket arguments (no kernel needed)', () => {
  it('parses dotted quads and rejects the rest clearly', () => {
    expect([...parseIpv4('10.77.0.2')]).toEqual([10, 77, 0, 2]);
    for (const bad of ['10.77.0', '10.77.0.256', '1.2.3.4.5', 'a.b.c.d', '', '1..2.3', '01234.1.1.1']) {
      expect(() => parseIpv4(bad), bad).toThrow(/is not an IPv4 address/);
    }
  });

  it('rejects bad ports, kinds, protocols and packets before any system call', () => {
    expect(() => sendUdp4('127.0.0.1', 70000, new Uint8Array(1))).toThrow(/port must be an integer 0..65535, got 70000/);
    expect(() => sendTcpSyn4('127.0.0.1', 1.5)).toThrow(/port must be/);
    expect(() => openPacketSocket('lo', { kind: 'cooked' as 'raw' })).toThrow(/kind must be 'raw' or 'dgram'/);
    expect(() => openPacketSocket('lo', { protocol: 0x10000 })).toThrow(/EtherType 0..0xffff/);
    expect(() => openPacketSocket(0)).toThrow(/positive integer/);
    expect(() => sendRawIpv4(new Uint8Array(19))).toThrow(/at least a 20-byte header, got 19/);
    expect(() => sendRawIpv4(new Uint8Array(20).fill(0x65))).toThrow(/not an IPv4 packet: version 6/);
    const ihl15 = new Uint8Array(40);
    ihl15[0] = 0x4f;
    expect(() => sendRawIpv4(ihl15)).toThrow(/header length 60 \(IHL 15\) does not fit a 40-byte packet/);
  });
});

const problem = rawSocketProblem();
const hasIp = (() => {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const why = problem ?? (hasIp ? undefined : 'the ip command (iproute2) is not installed');
if (why) console.log(`skip: raw sockets in a network namespace: ${why}`);

const NS = `tsbpfraw${process.pid % 100000}`;
const fdCount = (): number => readdirSync('/proc/self/fd').length;
const be16 = (b: Uint8Array, off: number): number => (b[off]! << 8) | b[off + 1]!;

/** The UDP or TCP destination port of an IPv4 packet starting at `off`, with its protocol. */
function l4(bytes: Uint8Array, off: number): { proto: number; sport: number; dport: number } {
  const ihl = (bytes[off]! & 0xf) * 4;
  return { proto: bytes[off + 9]!, sport: be16(bytes, off + ihl), dport: be16(bytes, off + ihl + 2) };
}

describe.runIf(!why)('raw sockets on lo in a private network namespace (real kernel)', () => {
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', NS], { stdio: 'pipe' });
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up'], { stdio: 'pipe' });
  });
  afterAll(() => {
    try {
      execFileSync('ip', ['netns', 'del', NS], { stdio: 'pipe' });
    } catch {
      // never created
    }
  });

  it('a SOCK_RAW socket sees Ethernet frames, a SOCK_DGRAM one IP packets; only ETH_P_ALL sees them leave', () => {
    using raw = openPacketSocket('lo', { netns: NS });
    using dgram = openPacketSocket('lo', { netns: NS, kind: 'dgram', protocol: ETH_P_IP });
    expect(raw.target).toBe(`lo (ifindex ${raw.ifindex}) in netns ${NS}`);
    expect(raw.recv()).toBeUndefined(); // nothing queued, and no blocking
    const payload = Uint8Array.from({ length: 37 }, (_, i) => i * 7);
    sendUdp4('127.0.0.1', 4321, payload, { netns: NS });
    const frames = raw.drain();
    const packets = dgram.drain();
    // on lo an ETH_P_ALL socket sees each packet leave (PACKET_OUTGOING) and arrive (PACKET_HOST);
    // outgoing frames go to ETH_P_ALL taps only, so the ETH_P_IP socket sees the arrival alone
    const mine = (p: CapturedPacket, off: number): boolean => p.protocol === ETH_P_IP && l4(p.bytes, off).proto === 17 && l4(p.bytes, off).dport === 4321;
    const rawUdp = frames.filter((p) => mine(p, 14));
    const dgramUdp = packets.filter((p) => mine(p, 0));
    expect(rawUdp.map((p) => p.pktType).sort()).toEqual([PACKET_HOST, PACKET_OUTGOING]);
    expect(dgramUdp.map((p) => p.pktType)).toEqual([PACKET_HOST]);
    for (const p of [...rawUdp, ...dgramUdp]) expect(p.ifindex).toBe(raw.ifindex);
    const f = rawUdp[0]!, d = dgramUdp[0]!;
    expect(be16(f.bytes, 12)).toBe(ETH_P_IP); // the Ethernet header's EtherType
    expect(f.length).toBe(14 + 20 + 8 + 37);
    expect(d.length).toBe(20 + 8 + 37);
    expect(f.bytes.subarray(14)).toEqual(d.bytes); // the same packet, less the Ethernet header
    expect(d.bytes.subarray(28)).toEqual(payload);
    expect([...d.bytes.subarray(12, 20)]).toEqual([127, 0, 0, 1, 127, 0, 0, 1]);
  });

  it('sendTcpSyn4 puts out one SYN (and the closed port answers with a RST)', () => {
    using s = openPacketSocket('lo', { netns: NS, kind: 'dgram', protocol: ETH_P_IP });
    sendTcpSyn4('127.0.0.1', 8080, { netns: NS });
    const tcp = s.drain().filter((p) => p.pktType === PACKET_HOST && l4(p.bytes, 0).proto === 6);
    const flags = (p: CapturedPacket): number => p.bytes[(p.bytes[0]! & 0xf) * 4 + 13]!;
    const syn = tcp.filter((p) => l4(p.bytes, 0).dport === 8080);
    expect(syn).toHaveLength(1);
    expect(flags(syn[0]!) & 0x12).toBe(0x02); // SYN, no ACK
    const rst = tcp.filter((p) => l4(p.bytes, 0).sport === 8080);
    expect(rst).toHaveLength(1);
    expect(flags(rst[0]!) & 0x04).toBe(0x04);
  });

  it('sendRawIpv4 sends the bytes given, with the length and checksum filled in', () => {
    using s = openPacketSocket('lo', { netns: NS, kind: 'dgram' });
    const pkt = new Uint8Array(24 + 6);
    pkt.set([0x46, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 253, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 1, 1, 1, 0]);
    pkt.set([0xde, 0xad, 0xbe, 0xef, 0, 80], 24);
    sendRawIpv4(pkt, { netns: NS });
    const got = s.drain().filter((p) => p.pktType === PACKET_HOST && p.bytes[9] === 253);
    expect(got).toHaveLength(1);
    const b = got[0]!.bytes;
    expect(be16(b, 2)).toBe(pkt.length); // total length
    let sum = 0;
    for (let i = 0; i < 24; i += 2) sum += be16(b, i);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    expect(sum).toBe(0xffff); // a valid header checksum
    expect(b.subarray(4, 10)).toEqual(pkt.subarray(4, 10));
    expect(b.subarray(12)).toEqual(pkt.subarray(12));
  });

  it('names the interface and namespace in errors, and releases every fd', () => {
    const start = fdCount();
    expect(() => openPacketSocket('nosuch0', { netns: NS })).toThrow(/if_nametoindex of 'nosuch0': ENODEV/);
    expect(() => openPacketSocket('lo', { netns: `${NS}-missing` })).toThrow(/no network namespace/);
    for (let i = 0; i < 50; i++) {
      using s = openPacketSocket('lo', { netns: NS, kind: i % 2 ? 'raw' : 'dgram' });
      s.drain();
      sendUdp4('127.0.0.1', 9, new Uint8Array(1), { netns: NS });
      sendTcpSyn4('127.0.0.1', 9, { netns: NS });
    }
    const s = openPacketSocket('lo', { netns: NS });
    s.close();
    s.close();
    expect(s.closed).toBe(true);
    expect(() => s.recv()).toThrow(/packet socket on lo .* is closed/);
    expect(fdCount()).toBe(start);
  });
});
