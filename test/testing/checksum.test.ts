import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  internetChecksum, ipv4HeaderChecksum, ipv4HeaderChecksumOk, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum,
  l4Checksum, l4ChecksumOk, onesComplementSum,
} from '../../src/testing/checksum.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('Internet checksum: known vectors', () => {
  test('RFC 1071 section 3 example: sum 0xddf2, checksum 0x220d', () => {
    const b = hex('0001 f203 f4f5 f6f7');
    expect(onesComplementSum(b)).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  test('IPv4 header 192.168.0.1 -> 192.168.0.199 has checksum 0xb861', () => {
    const h = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(ipv4HeaderChecksum(h)).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(ipv4HeaderChecksumOk(h)).toBe(true);
    h[11] = 0x62;
    expect(ipv4HeaderChecksumOk(h)).toBe(false);
  });

  test('IPv4 header 100.0.0.10 -> 200.0.0.10 with one option word dddddddd has checksum 0x92fa', () => {
    expect(ipv4HeaderChecksum(hex('4600 002e 0000 0000 4006 0000 6400 000a c800 000a dddd dddd'))).toBe(0x92fa - 0x100);
    expect(internetChecksum(hex('4500 002e 0000 0000 4006 0000 6400 000a c800 000a dddd dddd'))).toBe(0x92fa);
  });

  test('odd length pads with a zero byte', () => {
    expect(onesComplementSum(hex('01'))).toBe(0x0100);
    expect(internetChecksum(hex('01ff ff'))).toBe(internetChecksum(hex('01ff ff00')));
  });

  test('UDP over IPv4 capture (10.0.0.1:52716 -> 10.0.0.2:4000, "Hello\\n"): IP 0xc927, UDP 0xea66', () => {
    const p = hex('4500 0022 5da1 4000 4011 c927 0a00 0001 0a00 0002 cdec 0fa0 000e ea66 4865 6c6c 6f0a');
    expect(ipv4HeaderChecksum(p.subarray(0, 20))).toBe(0xc927);
    const seg = p.subarray(20);
    const pseudo = ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 17, seg.length);
    expect(l4Checksum(seg, 6, pseudo, true)).toBe(0xea66);
    expect(l4ChecksumOk(seg, pseudo)).toBe(true);
  });

  test('TCP SYN over IPv4 capture (192.168.0.101 -> 192.30.252.154) has checksum 0x5823', () => {
    const seg = hex('e79f00505eab226500000000b002ffff58230000020405b4010303050101080a3a4dbdc50000000004020000');
    const pseudo = ipv4PseudoHeaderSum(0xc0a80065, 0xc01efc9a, 6, seg.length);
    expect(seg.length).toBe(0x2c);
    expect(l4Checksum(seg, 16, pseudo)).toBe(0x5823);
    expect(l4ChecksumOk(seg, pseudo)).toBe(true);
  });

  test('TCP SYN over IPv6 capture has checksum 0xca84', () => {
    const p = hex('600488ff0028063f240e037926cb4a040000000000000058200148380000001b0000000000000201e5600050ab0db01400000000a002fbb8ca840000020405980402080afccc413b0000000001030307');
    const seg = p.subarray(40);
    const pseudo = ipv6PseudoHeaderSum(p.subarray(8, 24), p.subarray(24, 40), 6, seg.length);
    expect(l4Checksum(seg, 16, pseudo)).toBe(0xca84);
  });

  test('UDP (DNS query) over IPv6 capture has checksum 0xda69', () => {
    const p = hex('600b2f43002b1140fced0172001602010000000000000011200148604860000000000000000088886f4d0035002bda69c30a01000001000000000000037777770973746172747061676503636f6d0000010001');
    const seg = p.subarray(40);
    expect(seg.length).toBe(0x2b);
    const pseudo = ipv6PseudoHeaderSum(p.subarray(8, 24), p.subarray(24, 40), 17, seg.length);
    expect(l4Checksum(seg, 6, pseudo, true)).toBe(0xda69);
  });
});

describe('Internet checksum: properties', () => {
  test('storing the checksum makes the data sum to 0xffff', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 20, maxLength: 80 }), (b) => {
      const h = b.slice(0, 20);
      const c = ipv4HeaderChecksum(h);
      h[10] = c >>> 8;
      h[11] = c & 0xff;
      return ipv4HeaderChecksumOk(h);
    }));
  });

  test('agrees with a plain word-by-word reference on any bytes', () => {
    const reference = (b: Uint8Array): number => {
      let s = 0n;
      for (let i = 0; i < b.length; i += 2) s += BigInt((b[i]! << 8) | (b[i + 1] ?? 0));
      const folded = s % 0xffffn;
      return Number(folded === 0n && s !== 0n ? 0xffffn : folded);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => onesComplementSum(b) === reference(b)));
  });

  test('a UDP checksum that computes to 0 is sent as 0xffff', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 8, maxLength: 40 }), fc.integer({ min: 0, max: 0xffff }), (seg, pseudo) => {
      const udp = l4Checksum(seg, 6, pseudo, true);
      const plain = l4Checksum(seg, 6, pseudo, false);
      return udp !== 0 && (plain === 0 ? udp === 0xffff : udp === plain);
    }));
  });
});
