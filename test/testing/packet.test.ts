import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ipv4HeaderChecksumOk } from '../../src/testing/checksum.js';
import { hexDump } from '../../src/testing/hex-dump.js';
import {
  ETH_P_IP, ETH_P_IPV6, encodeFrame, ethHeaderLength, ipHeaderLength, l4HeaderLength, parseIpv4, ipv4ToString, type Packet,
} from '../../src/testing/packet.js';
import { packetArb } from '../../src/testing/packet-arb.js';
import { anyPacketArb, corruptPacketArb, frameBytesArb, CORRUPTION_KINDS } from '../../src/testing/packet-corrupt.js';
import { parsePacket } from '../../src/testing/packet-parse.js';

const headerBytes = (p: Packet) => ethHeaderLength(p.eth!) + ipHeaderLength(p.ip!) + l4HeaderLength(p.l4!);

describe('packetArb: valid frames', () => {
  test('parse back to the same headers, with true lengths and checksums', () => {
    fc.assert(fc.property(packetArb({ payloadLength: { max: 300 } }), (p) => {
      const parsed = parsePacket(p.bytes);
      expect(parsed.stop).toBeNull();
      expect(parsed.eth).toEqual(p.eth);
      expect(parsed.ip).toEqual(p.ip);
      expect(parsed.l4).toEqual(p.l4);
      expect(parsed.payloadOffset).toBe(p.bytes.length - p.payload.length);
      expect(p.bytes.length).toBe(headerBytes(p) + p.payload.length);
      expect(parsed.l4ChecksumOk).toBe(true);
      expect(p.corruption).toBeNull();
      if (p.ip!.kind === 'ipv4') {
        expect(parsed.ipChecksumOk).toBe(true);
        expect(p.ip!.totalLength).toBe(p.bytes.length - ethHeaderLength(p.eth!));
        expect(p.ip!.ihl * 4).toBe(ipHeaderLength(p.ip!));
        expect(p.eth!.ethertype).toBe(ETH_P_IP);
      } else {
        expect(p.ip!.payloadLength).toBe(p.bytes.length - ethHeaderLength(p.eth!) - 40);
        expect(p.eth!.ethertype).toBe(ETH_P_IPV6);
      }
      if (p.l4!.kind === 'udp') expect(p.l4!.length).toBe(8 + p.payload.length);
      if (p.l4!.kind === 'tcp') expect(p.l4!.dataOffset * 4).toBe(l4HeaderLength(p.l4!));
    }), { numRuns: 300 });
  });

  test('options are honoured: fixed ports, protocols, VLAN, payload length range', () => {
    fc.assert(fc.property(
      packetArb({ ip: ['ipv4'], l4: ['tcp'], dstPort: 80, srcPort: fc.integer({ min: 1024, max: 2048 }), vlan: true, payloadLength: { min: 10, max: 20 } }),
      (p) => {
        expect(p.ip!.kind).toBe('ipv4');
        expect(p.l4!.kind).toBe('tcp');
        const l4 = p.l4!;
        if (l4.kind !== 'tcp') return;
        expect(l4.dstPort).toBe(80);
        expect(l4.srcPort).toBeGreaterThanOrEqual(1024);
        expect(l4.srcPort).toBeLessThanOrEqual(2048);
        expect(p.eth!.vlan).not.toBeNull();
        expect(p.payload.length).toBeGreaterThanOrEqual(10);
        expect(p.payload.length).toBeLessThanOrEqual(20);
        expect([p.bytes[12], p.bytes[13]]).toEqual([0x81, 0x00]);
      },
    ), { numRuns: 100 });
  });

  test('jumbo payloads up to 9000 bytes keep every field true', () => {
    const p = fc.sample(packetArb({ payloadLength: { min: 8900, max: 9000 }, ip: ['ipv6'], l4: ['udp'] }), { numRuns: 5, seed: 7 });
    for (const x of p) {
      expect(x.bytes.length).toBeGreaterThan(8900 + 14 + 40 + 8 - 1);
      expect(parsePacket(x.bytes).l4ChecksumOk).toBe(true);
    }
  });

  test('frameLength: whole frames in range once the headers fit', () => {
    fc.assert(fc.property(packetArb({ frameLength: { min: 200, max: 300 } }), (p) => {
      expect(p.bytes.length).toBeGreaterThanOrEqual(200);
      expect(p.bytes.length).toBeLessThanOrEqual(300);
      expect(parsePacket(p.bytes).l4ChecksumOk).toBe(true);
    }), { numRuns: 200 });
    fc.assert(fc.property(packetArb({ frameLength: { min: 0, max: 10 } }), (p) => p.payload.length === 0 && p.bytes.length === headerBytes(p)), { numRuns: 50 });
    expect(() => packetArb({ frameLength: { min: 9, max: 3 } })).toThrow(/frameLength/);
  });

  test('l4Checksums: false leaves L4 checksums zero', () => {
    fc.assert(fc.property(packetArb({ l4Checksums: false }), (p) => p.l4!.checksum === 0), { numRuns: 50 });
  });

  test('bad options are refused with a clear message', () => {
    expect(() => packetArb({ ip: [] })).toThrow(/at least one of ipv4, ipv6/);
    expect(() => packetArb({ payloadLength: { min: 10, max: 5 } })).toThrow(/payloadLength/);
  });
});

describe('corruptPacketArb: exactly the announced defect', () => {
  for (const kind of CORRUPTION_KINDS) {
    test(kind, () => {
      fc.assert(fc.property(corruptPacketArb({ corruptions: [kind] }), (p) => {
        const parsed = parsePacket(p.bytes);
        const eth = ethHeaderLength(p.eth!);
        // the defect falls back to truncation only when it cannot apply (e.g. IHL on IPv6)
        if (p.corruption!.kind !== kind) {
          expect(kind === 'ip-checksum' || kind === 'ihl' || kind === 'l4-length').toBe(true);
          return;
        }
        switch (kind) {
          case 'ip-checksum':
            expect(parsed.ipChecksumOk).toBe(false);
            expect(parsed.l4ChecksumOk).toBe(true);
            break;
          case 'l4-checksum':
            if (p.ip!.kind === 'ipv4') expect(parsed.ipChecksumOk).toBe(true);
            expect(parsed.l4ChecksumOk).toBe(false);
            break;
          case 'truncated':
            expect(p.bytes.length).toBeLessThan(headerBytes(p) + p.payload.length);
            break;
          case 'ihl': {
            const ihl = p.bytes[eth]! & 0xf;
            expect(ihl).not.toBe(ipHeaderLength(p.ip!) / 4);
            expect(ipv4HeaderChecksumOk(p.bytes.subarray(eth, eth + ipHeaderLength(p.ip!)))).toBe(true);
            break;
          }
          case 'ethertype':
            expect(parsed.eth!.ethertype).not.toBe(p.ip!.kind === 'ipv4' ? ETH_P_IP : ETH_P_IPV6);
            break;
          case 'ip-length':
            if (p.ip!.kind === 'ipv4') {
              expect(p.ip!.totalLength).not.toBe(p.bytes.length - eth);
              expect(parsed.ipChecksumOk).toBe(true);
            } else {
              expect(p.ip!.payloadLength).not.toBe(p.bytes.length - eth - 40);
            }
            break;
          case 'l4-length':
            if (p.l4!.kind === 'tcp') expect(p.l4!.dataOffset * 4).not.toBe(l4HeaderLength(p.l4!));
            if (p.l4!.kind === 'udp') expect(p.l4!.length).not.toBe(8 + p.payload.length);
            break;
          case 'ip-version':
            expect(p.bytes[eth]! >>> 4).not.toBe(p.ip!.kind === 'ipv4' ? 4 : 6);
            break;
          default:
            throw new Error(`untested kind ${kind}`);
        }
        // the bytes are the headers as given (lying fields included), or a prefix of them when truncated
        const full = encodeFrame({ eth: p.eth!, ip: p.ip, l4: p.l4, payload: p.payload });
        expect(p.bytes).toEqual(kind === 'truncated' ? full.subarray(0, p.bytes.length) : full);
      }), { numRuns: 150 });
    });
  }
});

describe('random and mixed frames', () => {
  test('frameBytesArb covers 0 to jumbo sizes and respects its bounds', () => {
    const lengths = fc.sample(frameBytesArb(), { numRuns: 400, seed: 1 }).map((b) => b.length);
    expect(Math.min(...lengths)).toBeLessThan(14);
    expect(Math.max(...lengths)).toBeGreaterThan(1500);
    expect(lengths.every((n) => n >= 0 && n <= 9018)).toBe(true);
    fc.assert(fc.property(frameBytesArb({ minLength: 60, maxLength: 70 }), (b) => b.length >= 60 && b.length <= 70));
  });

  test('anyPacketArb mixes valid, corrupted and random frames', () => {
    const kinds = new Set(fc.sample(anyPacketArb(), { numRuns: 300, seed: 3 }).map((p) => p.corruption?.kind ?? 'valid'));
    expect(kinds.has('valid')).toBe(true);
    expect(kinds.has('random')).toBe(true);
    expect(kinds.has('truncated')).toBe(true);
    expect(kinds.size).toBeGreaterThan(6);
  });
});

describe('hexDump and addresses', () => {
  test('offset, two groups of eight, ASCII column', () => {
    const b = Uint8Array.from([...Array(18).keys()].map((i) => 0x40 + i));
    expect(hexDump(b)).toBe(
      '0000  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|\n' +
      '0010  50 51                                             |PQ|',
    );
    expect(hexDump(new Uint8Array(0))).toBe('(0 bytes)');
    expect(hexDump(new Uint8Array(40), { maxBytes: 16 }).split('\n')[1]).toBe('... 24 more bytes (40 in all)');
  });

  test('every line has the same layout for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      const lines = b.length === 0 ? [] : hexDump(b).split('\n');
      expect(lines.length).toBe(Math.ceil(b.length / 16));
      for (const l of lines) expect(l).toMatch(/^[0-9a-f]{4} {2}[0-9a-f ]{23} {2}[0-9a-f ]{23} {2}\|[\x20-\x7e]{1,16}\|$/);
    }));
  });

  test('IPv4 text round trip', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001);
    expect(ipv4ToString(0xc0a800c7)).toBe('192.168.0.199');
    expect(() => parseIpv4('10.0.0')).toThrow(/not an IPv4 address/);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (a) => parseIpv4(ipv4ToString(a)) === a));
  });
});
