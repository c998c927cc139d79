/**
 * The packet-rewriting helpers in the VM, on both engines: NAT-style rewrites keep IPv4 and
 * TCP/UDP checksums right (checked with an RFC 1071 sum written here), csum_diff against the
 * same sum, argument checks and errno returns, packet pointers dying at packet-changing calls,
 * the skb length / protocol / VLAN fields after head, tail, room and tag changes, XDP metadata.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_XDP } from '../../src/isa/prog-types.js';
import { packetArb } from '../../src/testing/packet-arb.js';
import { Vm, VmFault } from '../../src/vm/index.js';

const ENGINES = ['interpreter', 'compiled'] as const;

/** RFC 1071: one's complement sum of big-endian 16-bit words (odd byte padded), folded. */
function rfc1071Sum(bytes: Uint8Array, start = 0): number {
  let s = start;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}

/** Whether the IPv4 header at `ip` (IHL words) sums to 0xffff. */
const ipv4Ok = (frame: Uint8Array, ip: number): boolean => rfc1071Sum(frame.subarray(ip, ip + (frame[ip]! & 0xf) * 4)) === 0xffff;

/** Whether the TCP/UDP segment after the IPv4 header at `ip` sums to 0xffff with its pseudo-header. */
function l4Ok(frame: Uint8Array, ip: number): boolean {
  const ihl = (frame[ip]! & 0xf) * 4;
  const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
  const seg = frame.subarray(ip + ihl, ip + total);
  const pseudo = new Uint8Array(12);
  pseudo.set(frame.subarray(ip + 12, ip + 20), 0);
  pseudo[9] = frame[ip + 9]!;
  pseudo[10] = seg.length >> 8;
  pseudo[11] = seg.length & 0xff;
  return rfc1071Sum(seg, rfc1071Sum(pseudo)) === 0xffff;
}

function run(src: string, progType: number, packet: Uint8Array, engine: (typeof ENGINES)[number]): { r0: bigint; packet: Uint8Array } {
  const r = new Vm({ ...assemble(src), progType }, { engine }).run({ packet });
  return { r0: r.r0, packet: r.packet ?? new Uint8Array(0) };
}
const tc = (src: string, packet: Uint8Array, engine: (typeof ENGINES)[number] = 'interpreter') => run(src, BPF_PROG_TYPE_SCHED_CLS, packet, engine);
const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** `v` with its bytes reversed, as an int32 (a store of it writes `v` in network order). */
const bswap32 = (v: number): number => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);

/** SNAT of an IPv4 TCP/UDP frame: new saddr via skb_store_bytes, then both checksums by l3 / l4_csum_replace (the way tc NAT programs do it). */
function snatSource(ip: number, l4csum: number, newAddr: number, udp: boolean): string {
  return `r6 = r1
r2 = *(u32 *)(r6 + 76)
r3 = *(u32 *)(r6 + 80)
r4 = r2
r4 += ${ip + 20}
if r4 > r3 goto out
r7 = *(u32 *)(r2 + ${ip + 12})
*(u32 *)(r10 - 4) = ${bswap32(newAddr)}
r8 = *(u32 *)(r10 - 4)
r1 = r6
r2 = ${ip + 12}
r3 = r10
r3 += -4
r4 = 4
r5 = 0
call bpf_skb_store_bytes
r1 = r6
r2 = ${ip + 10}
r3 = r7
r4 = r8
r5 = 4
call bpf_l3_csum_replace
r1 = r6
r2 = ${l4csum}
r3 = r7
r4 = r8
r5 = ${0x10 | 4 | (udp ? 0x20 : 0)}
call bpf_l4_csum_replace
out:
r0 = 0
exit`;
}

describe('checksum helpers', () => {
  for (const engine of ENGINES) {
    it(`${engine}: SNAT with skb_store_bytes + l3/l4_csum_replace keeps the IPv4 and TCP/UDP checksums right`, () => {
      fc.assert(fc.property(packetArb({ ip: ['ipv4'], l4: ['tcp', 'udp'], vlan: false }), fc.integer({ min: 0, max: 0xffffffff }), (p, addr) => {
        const f = p.bytes;
        const ip = 14;
        const ihl = (f[ip]! & 0xf) * 4;
        const udp = f[ip + 9] === 17;
        const udpZero = udp && f[ip + ihl + 6] === 0 && f[ip + ihl + 7] === 0;
        const out = tc(snatSource(ip, ip + ihl + (udp ? 6 : 16), addr, udp), f, engine).packet;
        expect(ipv4Ok(f, ip)).toBe(true);
        expect([...out.subarray(ip + 12, ip + 16)]).toEqual([addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff]);
        expect(ipv4Ok(out, ip)).toBe(true);
        if (udpZero) expect([out[ip + ihl + 6], out[ip + ihl + 7]]).toEqual([0, 0]);
        else expect(l4Ok(out, ip)).toBe(true);
      }), { numRuns: 150 });
    });
  }

  it('l3_csum_replace of a 16-bit field (size 2) and by a diff (size 0) keeps the IPv4 header right', () => {
    fc.assert(fc.property(packetArb({ ip: ['ipv4'], vlan: false }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), (p, id, byDiff) => {
      const f = p.bytes;
      const old = f[18]! | (f[19]! << 8);
      const nw = ((id & 0xff) << 8) | (id >> 8);
      // size 0: `to` is a csum_diff-style partial sum: ~old + new as 32-bit little-endian words
      const diff = (((~old & 0xffff) + nw) >>> 0);
      const replace = byDiff ? `r3 = 0\nr4 = ${diff}\nr5 = 0` : `r3 = ${old}\nr4 = ${nw}\nr5 = 2`;
      const src = `r6 = r1\n*(u16 *)(r10 - 2) = ${nw}\nr1 = r6\nr2 = 18\nr3 = r10\nr3 += -2\nr4 = 2\nr5 = 0\ncall bpf_skb_store_bytes\nr1 = r6\nr2 = 24\n${replace}\ncall bpf_l3_csum_replace\nexit`;
      const r = tc(src, f);
      expect(r.r0).toBe(0n);
      expect((r.packet[18]! << 8) | r.packet[19]!).toBe(id);
      expect(ipv4Ok(r.packet, 14)).toBe(true);
    }), { numRuns: 200 });
  });

  it('csum_diff of to - from equals the RFC 1071 difference (byte-swapped: the kernel sums little-endian words)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 16 }), fc.uint8Array({ minLength: 0, maxLength: 16 }), (a0, b0) => {
      const a = a0.subarray(0, a0.length & ~3), b = b0.subarray(0, b0.length & ~3);
      const stack = new Uint8Array(32);
      stack.set(a, 0);
      stack.set(b, 16);
      const init = Array.from({ length: 8 }, (_x, i) => `*(u32 *)(r10 - ${32 - 4 * i}) = ${new DataView(stack.buffer).getInt32(4 * i, true)}`).join('\n');
      const src = `${init}\nr1 = r10\nr1 += -32\nr2 = ${a.length}\nr3 = r10\nr3 += -16\nr4 = ${b.length}\nr5 = 0\ncall bpf_csum_diff\nexit`;
      const got = Number(tc(src, new Uint8Array(14)).r0);
      const want = rfc1071Sum(b, (~rfc1071Sum(a)) & 0xffff);
      const swapped = ((got & 0xff) << 8) | (got >> 8);
      // the same one's complement value (0 and 0xffff both stand for zero)
      expect(swapped % 0xffff).toBe(want % 0xffff);
    }), { numRuns: 300 });
  });

  it('argument checks: flags, offsets and sizes give the kernel errnos', () => {
    const store = (off: number, flags: string) => s32(tc(`r6 = r1\n*(u32 *)(r10 - 4) = 0\nr1 = r6\nr2 = ${off} ll\nr3 = r10\nr3 += -4\nr4 = 4\nr5 = ${flags} ll\ncall bpf_skb_store_bytes\nexit`, new Uint8Array(40)).r0);
    expect(store(0, '0')).toBe(0);
    expect(store(36, '3')).toBe(0);
    expect(store(37, '0')).toBe(-14);
    expect(store(0, '4')).toBe(-22);
    expect(store(0x80000000, '0')).toBe(-14);
    const l3 = (off: number, flags: number, from = 1) => s32(tc(`r1 = r1\nr2 = ${off}\nr3 = ${from}\nr4 = 2\nr5 = ${flags}\ncall bpf_l3_csum_replace\nexit`, new Uint8Array(40)).r0);
    expect(l3(10, 2)).toBe(0);
    expect(l3(11, 2)).toBe(-14);
    expect(l3(38, 4)).toBe(0);
    expect(l3(40, 4)).toBe(-14);
    expect(l3(10, 3)).toBe(-22);
    expect(l3(10, 0x10)).toBe(-22);
    expect(l3(10, 0)).toBe(-22);
    expect(l3(10, 0, 0)).toBe(0);
    expect(s32(tc('r1 = r1\nr2 = 1\ncall bpf_csum_update\nexit', new Uint8Array(14)).r0)).toBe(-524);
  });

  it('l4_csum_replace with BPF_F_MARK_MANGLED_0 leaves a zero UDP checksum alone and never writes 0', () => {
    const l4 = (sum: number, from: number, to: number, flags: number) => {
      const pkt = new Uint8Array(20);
      pkt[16] = sum & 0xff;
      pkt[17] = sum >> 8;
      const r = tc(`r1 = r1\nr2 = 16\nr3 = ${from}\nr4 = ${to}\nr5 = ${flags}\ncall bpf_l4_csum_replace\nexit`, pkt);
      return r.packet[16]! | (r.packet[17]! << 8);
    };
    expect(l4(0, 1, 2, 0x22)).toBe(0);
    expect(l4(0, 1, 2, 0x62)).not.toBe(0);
    // a replacement whose result is 0 becomes CSUM_MANGLED_0 (0xffff)
    fc.assert(fc.property(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (sum, from, to) => {
      const plain = l4(sum, from, to, 2);
      expect(l4(sum, from, to, 0x22)).toBe(plain === 0 ? 0xffff : plain);
    }), { numRuns: 100 });
  });
});

describe('packet pointers after packet-changing helpers', () => {
  for (const engine of ENGINES) {
    it(`${engine}: a pointer taken before bpf_skb_store_bytes faults; one re-read from the context works`, () => {
      const before = `r6 = r1\nr7 = *(u32 *)(r6 + 76)\nr8 = *(u32 *)(r6 + 80)\nr2 = r7\nr2 += 4\nif r2 > r8 goto out\n*(u32 *)(r10 - 4) = 0x01020304\nr1 = r6\nr2 = 0\nr3 = r10\nr3 += -4\nr4 = 4\nr5 = 0\ncall bpf_skb_store_bytes\n`;
      let fault: unknown;
      try {
        tc(`${before}r0 = *(u8 *)(r7 + 0)\nout:\nexit`, new Uint8Array(20), engine);
      } catch (e) {
        fault = e;
      }
      expect(fault).toBeInstanceOf(VmFault);
      expect((fault as VmFault).message).toMatch(/stale after bpf_skb_store_bytes/);
      const ok = tc(`${before}r7 = *(u32 *)(r6 + 76)\nr0 = *(u8 *)(r7 + 0)\nout:\nexit`, new Uint8Array(20), engine);
      expect(ok.r0).toBe(4n);
    });
  }

  it('skb_load_bytes and LD_ABS read the packet after bpf_skb_change_head', () => {
    const r = tc('r6 = r1\nr1 = r6\nr2 = 2\nr3 = 0\ncall bpf_skb_change_head\nr1 = r6\nr2 = 2\nr3 = r10\nr3 += -8\nr4 = 1\ncall bpf_skb_load_bytes\nr0 = *(u8 *)skb[3]\nr1 = *(u8 *)(r10 - 8)\nr0 <<= 8\nr0 |= r1\nexit',
      Uint8Array.from([0xa0, 0xa1, 0xa2, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34]));
    expect(r.r0).toBe(0xa1a0n);
    expect(r.packet.length).toBe(16);
  });
});

describe('length, header and tag helpers', () => {
  const ctxLen = 'r0 = *(u32 *)(r6 + 0)\nexit';
  it('change_tail grows with zeros and trims; change_head pushes zeros; lengths show in skb->len', () => {
    const pkt = Uint8Array.from({ length: 30 }, (_x, i) => i + 1);
    const t = tc(`r6 = r1\nr1 = r6\nr2 = 40\nr3 = 0\ncall bpf_skb_change_tail\n${ctxLen}`, pkt);
    expect(t.r0).toBe(40n);
    expect([...t.packet]).toEqual([...pkt, ...new Uint8Array(10)]);
    expect(tc(`r6 = r1\nr1 = r6\nr2 = 14\nr3 = 0\ncall bpf_skb_change_tail\n${ctxLen}`, pkt).packet).toEqual(pkt.subarray(0, 14));
    // below the network header: -EINVAL
    expect(s32(tc('r1 = r1\nr2 = 13\nr3 = 0\ncall bpf_skb_change_tail\nexit', pkt).r0)).toBe(-22);
    expect(s32(tc('r1 = r1\nr2 = 16065\nr3 = 0\ncall bpf_skb_change_tail\nexit', pkt).r0)).toBe(-22);
    const h = tc(`r6 = r1\nr1 = r6\nr2 = 6\nr3 = 0\ncall bpf_skb_change_head\n${ctxLen}`, pkt);
    expect(h.r0).toBe(36n);
    expect([...h.packet]).toEqual([0, 0, 0, 0, 0, 0, ...pkt]);
  });

  it('vlan_push twice puts the first tag into the data; vlan_pop twice takes both out again', () => {
    fc.assert(fc.property(packetArb({ vlan: false }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (p, t1, t2) => {
      const push = `r6 = r1\nr1 = r6\nr2 = 0x81\nr3 = ${t1}\ncall bpf_skb_vlan_push\nr1 = r6\nr2 = 0xa888\nr3 = ${t2}\ncall bpf_skb_vlan_push\n`;
      const pushed = tc(`${push}r0 = *(u32 *)(r6 + 24)\nr1 = *(u32 *)(r6 + 28)\nr0 <<= 16\nr0 |= r1\nexit`, p.bytes);
      expect(pushed.r0).toBe((BigInt(t2) << 16n) | 0xa888n);
      expect([...pushed.packet.subarray(12, 16)]).toEqual([0x81, 0x00, t1 >> 8, t1 & 0xff]);
      expect([...pushed.packet.subarray(16)]).toEqual([...p.bytes.subarray(12)]);
      const popped = tc(`${push}r1 = r6\ncall bpf_skb_vlan_pop\nr1 = r6\ncall bpf_skb_vlan_pop\nr0 = *(u32 *)(r6 + 20)\nexit`, p.bytes);
      expect(popped.r0).toBe(0n);
      expect(popped.packet).toEqual(p.bytes);
    }), { numRuns: 60 });
  });

  it('adjust_room grows and shrinks after the IP header (NET) or the MAC header (MAC) and restores the frame', () => {
    fc.assert(fc.property(packetArb({ ip: ['ipv4'], vlan: false, options: false }), fc.integer({ min: 1, max: 40 }), fc.constantFrom(0, 1), (p, n, mode) => {
      const at = 14 + (mode === 0 ? 20 : 0);
      const grow = `r6 = r1\nr1 = r6\nr2 = ${n}\nr3 = ${mode}\nr4 = 0\ncall bpf_skb_adjust_room\n`;
      const g = tc(`${grow}exit`, p.bytes);
      expect(g.r0).toBe(0n);
      expect([...g.packet]).toEqual([...p.bytes.subarray(0, at), ...new Uint8Array(n), ...p.bytes.subarray(at)]);
      const back = tc(`${grow}r1 = r6\nr2 = ${-n}\nr3 = ${mode}\nr4 = 0\ncall bpf_skb_adjust_room\nexit`, p.bytes);
      expect(back.packet).toEqual(p.bytes);
    }), { numRuns: 60 });
    expect(s32(tc('r1 = r1\nr2 = 4\nr3 = 0\nr4 = 0\ncall bpf_skb_adjust_room\nexit', new Uint8Array(20)).r0)).toBe(-524);
  });

  it('change_proto 4->6 inserts 20 bytes after the MAC header and sets skb->protocol', () => {
    const pkt = new Uint8Array(40);
    pkt[12] = 0x08;
    pkt[14] = 0x45;
    const r = tc('r6 = r1\nr1 = r6\nr2 = 0xdd86\nr3 = 0\ncall bpf_skb_change_proto\nr0 = *(u32 *)(r6 + 16)\nexit', pkt);
    expect(r.r0).toBe(0xdd86n);
    expect(r.packet.length).toBe(60);
    expect(r.packet[34]).toBe(0x45);
  });

  it('redirect, clone_redirect, hashes and csum_level return what the kernel returns', () => {
    const r0 = (body: string) => s32(tc(`r6 = r1\n${body}\nexit`, new Uint8Array(20)).r0);
    expect(r0('r1 = 3\nr2 = 0\ncall bpf_redirect')).toBe(7);
    expect(r0('r1 = 3\nr2 = 1\ncall bpf_redirect')).toBe(7);
    expect(r0('r1 = 3\nr2 = 2\ncall bpf_redirect')).toBe(2);
    expect(r0('r1 = r6\nr2 = 1\nr3 = 0\ncall bpf_clone_redirect')).toBe(0);
    expect(r0('r1 = r6\nr2 = 5\nr3 = 0\ncall bpf_clone_redirect')).toBe(-22);
    expect(r0('r1 = r6\nr2 = 1\nr3 = 2\ncall bpf_clone_redirect')).toBe(-22);
    expect(r0('r1 = r6\nr2 = 0x1234\ncall bpf_set_hash\nr1 = r6\ncall bpf_get_hash_recalc')).toBe(0x1234);
    expect(r0('r1 = r6\nr2 = 0x1234\ncall bpf_set_hash\nr1 = r6\ncall bpf_set_hash_invalid\nr0 = *(u32 *)(r6 + 68)')).toBe(0);
    expect(r0('r1 = r6\nr2 = 0\ncall bpf_csum_level')).toBe(-13);
    expect(r0('r1 = r6\nr2 = 1\ncall bpf_csum_level\nr1 = r6\nr2 = 1\ncall bpf_csum_level\nr1 = r6\nr2 = 0\ncall bpf_csum_level')).toBe(1);
    expect(r0('r1 = r6\nr2 = 1\ncall bpf_csum_level\nr1 = r6\nr2 = 3\ncall bpf_csum_level\nr1 = r6\nr2 = 0\ncall bpf_csum_level')).toBe(-13);
    expect(r0('r1 = r6\nr2 = 4\ncall bpf_csum_level')).toBe(-22);
  });
});

describe('XDP', () => {
  const xdp = (src: string, packet: Uint8Array) => run(src, BPF_PROG_TYPE_XDP, packet, 'interpreter');
  it('adjust_meta makes room before data that data_meta points at and data_out includes', () => {
    const r = xdp('r6 = r1\nr2 = -8\ncall bpf_xdp_adjust_meta\nr2 = *(u32 *)(r6 + 8)\nr3 = *(u32 *)(r6 + 0)\nr4 = r2\nr4 += 8\nif r4 > r3 goto +2\n*(u32 *)(r2 + 0) = 0x11223344\nr0 = r3\nr0 -= r2\nexit', new Uint8Array(14));
    expect(r.r0).toBe(8n);
    expect([...r.packet.subarray(0, 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(r.packet.length).toBe(22);
    expect(s32(xdp('r2 = -6\ncall bpf_xdp_adjust_meta\nexit', new Uint8Array(14)).r0)).toBe(-13);
    expect(s32(xdp('r2 = 4\ncall bpf_xdp_adjust_meta\nexit', new Uint8Array(14)).r0)).toBe(-22);
  });

  it('redirect returns XDP_REDIRECT, or XDP_ABORTED for any flag; skb helpers are not available', () => {
    expect(xdp('r1 = 2\nr2 = 0\ncall bpf_redirect\nexit', new Uint8Array(14)).r0).toBe(4n);
    expect(xdp('r1 = 2\nr2 = 1\ncall bpf_redirect\nexit', new Uint8Array(14)).r0).toBe(0n);
    expect(() => xdp('r2 = 0\nr3 = r10\nr3 += -8\nr4 = 1\nr5 = 0\ncall bpf_skb_store_bytes\nexit', new Uint8Array(14))).toThrow(/only available to tc programs/);
  });
});
