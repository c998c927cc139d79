import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { Vm, VmFault } from '../../src/vm/index.js';

/** An Ethernet frame; the default type is the IEEE local experimental one (no IP header needed). */
const frame = (payload: number[], ethType = 0x88b5, dst = [0, 0, 0, 0, 0, 0]): Uint8Array =>
  Uint8Array.from([...dst, 1, 2, 3, 4, 5, 6, ethType >> 8, ethType & 0xff, ...payload]);

describe('raw memory context (bpf_conformance convention)', () => {
  it('r1 points to a copy of the memory, r2 is its length; the result carries the memory after the run', () => {
    const mem = Uint8Array.from([9, 8, 7]);
    const r = new Vm(assemble('r0 = r2\n*(u8 *)(r1 + 0) = 1\nexit')).run({ mem });
    expect(r.r0).toBe(3n);
    expect([...r.mem!]).toEqual([1, 8, 7]);
    expect([...mem]).toEqual([9, 8, 7]);
  });

  it('without memory r1 and r2 are 0', () => {
    expect(new Vm(assemble('r0 = r1\nr0 |= r2\nexit')).run().r0).toBe(0n);
  });
});

describe('socket filter context', () => {
  const sf = (src: string) => new Vm({ ...assemble(src), progType: 1 });

  it('__sk_buff len and protocol as BPF_PROG_TEST_RUN sets them (after the Ethernet header)', () => {
    const vm = sf('r0 = *(u32 *)(r1 + 0)\nr2 = *(u32 *)(r1 + 16)\nr2 <<= 32\nr0 |= r2\nexit');
    const r0 = vm.run({ packet: frame([1, 2, 3, 4, 5]) }).r0;
    expect(r0 & 0xffffffffn).toBe(5n);
    expect(r0 >> 32n).toBe(0xb588n); // __be16 0x88b5 as loaded on little-endian
  });

  it('pkt_type from the destination MAC as eth_type_trans on the loopback sets it', () => {
    const vm = sf('r0 = *(u32 *)(r1 + 4)\nexit');
    expect(vm.run({ packet: frame([]) }).r0).toBe(0n); // PACKET_HOST: the loopback's all-zero address
    expect(vm.run({ packet: frame([], 0x88b5, [255, 255, 255, 255, 255, 255]) }).r0).toBe(2n); // lo's broadcast address is zeros
    expect(vm.run({ packet: frame([], 0x88b5, [1, 0, 0x5e, 0, 0, 1]) }).r0).toBe(2n);
    expect(vm.run({ packet: frame([], 0x88b5, [2, 0, 0, 0, 0, 1]) }).r0).toBe(3n);
  });

  it('refuses IPv4 / IPv6 frames shorter than their header, as BPF_PROG_TEST_RUN does', () => {
    expect(() => sf('exit').run({ packet: frame([1, 2, 3], 0x0800) })).toThrow('an IPv4 frame needs at least 34 bytes, got 17');
    expect(() => sf('exit').run({ packet: frame(new Array<number>(39).fill(0), 0x86dd) })).toThrow('an IPv6 frame needs at least 54 bytes');
    expect(sf('r0 = *(u32 *)(r1 + 16)\nexit').run({ packet: frame(new Array<number>(20).fill(0), 0x0800) }).r0).toBe(0x0008n);
  });

  it('LD_ABS / LD_IND load big-endian from the packet; out of range ends with r0 = 0', () => {
    const p = frame([0x11, 0x22, 0x33, 0x44, 0x55]);
    expect(sf('r0 = *(u32 *)skb[1]\nexit').run({ packet: p }).r0).toBe(0x22334455n);
    expect(sf('r0 = *(u16 *)skb[0]\nexit').run({ packet: p }).r0).toBe(0x1122n);
    expect(sf('r6 = 2\nr0 = *(u8 *)skb[r6 + 2]\nexit').run({ packet: p }).r0).toBe(0x55n);
    expect(sf('r0 = *(u32 *)skb[2]\nr0 = 7\nexit').run({ packet: p }).r0).toBe(0n);
    expect(sf('r6 = -1\nr0 = *(u8 *)skb[r6 + 0]\nr0 = 7\nexit').run({ packet: p }).r0).toBe(0n);
    // SKF_NET_OFF addresses the network header, SKF_LL_OFF the Ethernet header
    expect(sf('r0 = *(u8 *)skb[-1048575]\nexit').run({ packet: p }).r0).toBe(0x22n);
    expect(sf('r0 = *(u16 *)skb[-2097140]\nexit').run({ packet: p }).r0).toBe(0x88b5n);
  });

  it('cb[] is writable, other fields are read-only, data is not readable', () => {
    expect(sf('*(u32 *)(r1 + 48) = 5\nr0 = *(u32 *)(r1 + 48)\nexit').run({ packet: frame([]) }).r0).toBe(5n);
    expect(() => sf('*(u32 *)(r1 + 0) = 5\nexit').run()).toThrow('__sk_buff field is read-only for socket_filter: write of 4 bytes at ctx+0');
    expect(() => sf('r0 = *(u32 *)(r1 + 76)\nexit').run()).toThrow('invalid __sk_buff access for socket_filter: read of 4 bytes at ctx+76');
    expect(() => sf('r0 = *(u32 *)(r1 + 192)\nexit').run()).toThrow(VmFault);
  });

  it('skb_load_bytes copies from the packet', () => {
    const src = 'r2 = 1\nr3 = r10\nr3 += -8\nr4 = 2\ncall bpf_skb_load_bytes\nr0 = *(u16 *)(r10 - 8)\nexit';
    expect(sf(src).run({ packet: frame([0xaa, 0xbb, 0xcc]) }).r0).toBe(0xccbbn);
  });

  it('needs an Ethernet header', () => {
    expect(() => sf('exit').run({ packet: new Uint8Array(5) })).toThrow('socket_filter needs a packet of at least 14 bytes');
  });
});

describe('tc (sched_cls) context', () => {
  const tc = (src: string) => new Vm({ ...assemble(src), progType: 3 });

  it('len includes the Ethernet header; data / data_end are packet pointers; the packet is writable', () => {
    const src = `r6 = *(u32 *)(r1 + 0)
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 14
if r4 > r3 goto out
r5 = *(u16 *)(r2 + 12)
*(u8 *)(r2 + 0) = 0xaa
r0 = r3
r0 -= r2
r0 <<= 32
r0 |= r6
r5 <<= 16
r0 |= r5
out:
exit`;
    const r = tc(src).run({ packet: frame([1, 2, 3]) });
    expect(r.r0 >> 32n).toBe(17n);
    expect(r.r0 & 0xffffn).toBe(17n);
    expect((r.r0 >> 16n) & 0xffffn).toBe(0xb588n);
    expect(r.packet![0]).toBe(0xaa);
  });

  it('LD_ABS starts at the Ethernet header; mark is writable; family is not readable', () => {
    expect(tc('r0 = *(u16 *)skb[12]\nexit').run({ packet: frame([]) }).r0).toBe(0x88b5n);
    expect(tc('*(u32 *)(r1 + 8) = 3\nr0 = *(u32 *)(r1 + 8)\nexit').run({ packet: frame([]) }).r0).toBe(3n);
    expect(() => tc('r0 = *(u32 *)(r1 + 88)\nexit').run()).toThrow('invalid __sk_buff access for sched_cls: read of 4 bytes at ctx+88');
    expect(() => tc('*(u32 *)(r1 + 0) = 1\nexit').run()).toThrow('__sk_buff field is read-only for sched_cls');
  });
});

describe('cgroup_skb context', () => {
  const cg = (src: string) => new Vm({ ...assemble(src), progType: 8 });

  it('data starts at the network header and is read-only; the socket fields come from the IP header', () => {
    const ip = [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
    const src = 'r2 = *(u32 *)(r1 + 76)\nr3 = *(u32 *)(r1 + 80)\nr4 = r2\nr4 += 1\nif r4 > r3 goto +3\nr0 = *(u8 *)(r2 + 0)\nr5 = *(u32 *)(r1 + 88)\nr0 += r5\nexit';
    expect(cg(src).run({ packet: frame(ip, 0x0800) }).r0).toBe(0x45n + 2n);
    expect(cg('r0 = *(u32 *)(r1 + 92)\nexit').run({ packet: frame(ip, 0x0800) }).r0).toBe(0x0200000an);
    expect(() => cg('r2 = *(u32 *)(r1 + 76)\n*(u8 *)(r2 + 0) = 1\nexit').run({ packet: frame(ip, 0x0800) })).toThrow('packet is read-only');
    expect(cg('*(u32 *)(r1 + 8) = 3\nr0 = *(u32 *)(r1 + 8)\nexit').run({ packet: frame([]) }).r0).toBe(3n);
  });
});

describe('XDP context', () => {
  const xdp = (src: string) => new Vm({ ...assemble(src), progType: 6 });

  it('data / data_end loads yield packet pointers; writes show in the result', () => {
    const src = `r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 2
if r4 > r3 goto drop
r0 = *(u8 *)(r2 + 1)
*(u8 *)(r2 + 0) = 0xee
exit
drop:
r0 = 1
exit`;
    const r = xdp(src).run({ packet: Uint8Array.from([1, 2, 3]) });
    expect(r.r0).toBe(2n);
    expect([...r.packet!]).toEqual([0xee, 2, 3]);
    expect(xdp(src).run({ packet: Uint8Array.from([1]) }).r0).toBe(1n);
  });

  it('data_meta equals data, ingress_ifindex is the loopback', () => {
    expect(xdp('r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 8)\nr0 = r3\nr0 -= r2\nexit').run({ packet: new Uint8Array(4) }).r0).toBe(0n);
    expect(xdp('r0 = *(u32 *)(r1 + 12)\nexit').run({ packet: new Uint8Array(4) }).r0).toBe(1n);
  });

  it('bpf_xdp_adjust_head / _tail move data and data_end; the result is the final packet', () => {
    const src = `r6 = r1
r2 = -4
call bpf_xdp_adjust_head
if r0 != 0 goto out
r1 = r6
r2 = -2
call bpf_xdp_adjust_tail
if r0 != 0 goto out
r2 = *(u32 *)(r6 + 0)
r3 = *(u32 *)(r6 + 4)
r4 = r2
r4 += 4
if r4 > r3 goto out
*(u32 *)(r2 + 0) = 0x04030201
r0 = r3
r0 -= r2
out:
exit`;
    const packet = Uint8Array.from({ length: 20 }, (_, i) => 100 + i);
    const r = xdp(src).run({ packet });
    expect(r.r0).toBe(22n);
    expect([...r.packet!]).toEqual([1, 2, 3, 4, ...packet.subarray(0, 18)]);
  });

  it('refuses to move the head into the frame header or past data_end - 14', () => {
    const at = (delta: number) => BigInt.asIntN(64, new Vm({ ...assemble(`r2 = ${delta}\ncall bpf_xdp_adjust_head\nexit`), progType: 6 }).run({ packet: new Uint8Array(20) }).r0);
    expect(at(-216)).toBe(0n);
    expect(at(-217)).toBe(-22n);
    expect(at(6)).toBe(0n);
    expect(at(7)).toBe(-22n);
  });

  it('an old packet pointer past the new data_end faults', () => {
    expect(() => xdp('r6 = r1\nr7 = *(u32 *)(r1 + 0)\nr1 = r6\nr2 = -4\ncall bpf_xdp_adjust_tail\nr0 = *(u8 *)(r7 + 17)\nexit').run({ packet: new Uint8Array(20) }))
      .toThrow('out-of-bounds read of 1 bytes at packet+17');
  });

  it('reading past data_end faults; xdp_md is read-only', () => {
    expect(() => xdp('r2 = *(u32 *)(r1 + 0)\nr0 = *(u32 *)(r2 + 2)\nexit').run({ packet: new Uint8Array(4) }))
      .toThrow('out-of-bounds read of 4 bytes at packet+2');
    expect(() => xdp('*(u32 *)(r1 + 0) = 0\nexit').run()).toThrow('xdp_md is read-only');
    expect(() => xdp('r0 = *(u64 *)(r1 + 0)\nexit').run()).toThrow('invalid xdp_md access');
  });
});

describe('tracepoint context', () => {
  const tp = (src: string) => new Vm(assemble(src), { progType: 'tracepoint' });

  it('r1 points to the raw record; reads from offset 8 on, up to PERF_MAX_TRACE_SIZE (zeros past the record)', () => {
    const ctx = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 0, 0]);
    expect(tp('r0 = *(u32 *)(r1 + 8)\nexit').run({ ctx }).r0).toBe(42n);
    expect(tp('r0 = *(u64 *)(r1 + 8184)\nexit').run({ ctx }).r0).toBe(0n);
    expect(() => tp('r0 = *(u64 *)(r1 + 8192)\nexit').run({ ctx })).toThrow('out-of-bounds read of 8 bytes at ctx+8192');
  });

  it('is read-only; the first 8 bytes are the record\'s (the kernel verifier refuses them)', () => {
    const ctx = Uint8Array.from([7, 0, 0, 0, 0, 0, 0, 0]);
    expect(tp('r0 = *(u8 *)(r1 + 0)\nexit').run({ ctx }).r0).toBe(7n);
    expect(() => tp('*(u32 *)(r1 + 8) = 1\nexit').run({ ctx })).toThrow('write of 4 bytes at ctx+8: ctx is read-only');
  });

  it('reads the 8 bytes before the record as zeros, as the kernel reads them without a fault (its verifier passes negative offsets); further back faults', () => {
    const ctx = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    for (const engine of ['interpreter', 'compiled'] as const) {
      const run = (src: string) => new Vm(assemble(src), { progType: 'tracepoint', engine }).run({ ctx }).r0;
      expect(run('r0 = *(u64 *)(r1 - 8)\nexit')).toBe(0n);
      expect(run('r0 = *(u32 *)(r1 - 4)\nexit')).toBe(0n);
      expect(run('r0 = *(u8 *)(r1 - 1)\nexit')).toBe(0n);
      expect(run('r0 = *(u64 *)(r1 - 4)\nexit')).toBe(0x04030201n << 32n);
      expect(run('r0 = *(u8 *)(r1 + 63)\nexit')).toBe(64n);
      expect(() => run('r0 = *(u64 *)(r1 - 16)\nexit')).toThrow('out-of-bounds read of 8 bytes at ctx-16');
      expect(() => run('r0 = *(u8 *)(r1 - 9)\nexit')).toThrow('out-of-bounds read of 1 bytes at ctx-9');
      expect(() => run('r0 = *(u64 *)(r1 + 8192)\nexit')).toThrow('out-of-bounds read of 8 bytes at ctx+8192');
    }
  });

  it('helpers may read the record (bpf_probe_read_str of a __data_loc string)', () => {
    const ctx = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 3, 0, 0x68, 0x69, 0, 0]);
    const src = 'r3 = *(u32 *)(r1 + 8)\nr3 &= 0xffff\nr3 += r1\nr1 = r10\nr1 += -8\nr2 = 8\ncall bpf_probe_read_kernel_str\nr6 = r0\nr0 = *(u16 *)(r10 - 8)\nr0 <<= 8\nr0 |= r6\nexit';
    expect(tp(src).run({ ctx }).r0).toBe((0x6968n << 8n) | 3n);
  });
});
