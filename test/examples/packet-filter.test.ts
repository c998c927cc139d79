/**
 * packet-filter: the XDP and socket-filter port-80 droppers on the fixtures of
 * examples/packet-filter/fixtures, in the VM, our verifier and the kernel's test run.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP } from '../../src/isa/prog-types.js';
import { loadProgram } from '../../src/loader/index.js';
import { VmFault, createVm } from '../../src/vm/index.js';
import { announceKernel, exampleBytes, exampleProgram } from './example-kit.js';

interface Fixture {
  readonly file: string;
  readonly what: string;
  readonly bytes: number;
  readonly xdp: 1 | 2;
  readonly socketFilter: 'drop' | 'keep';
}

const fixtures = JSON.parse(Buffer.from(exampleBytes('packet-filter/fixtures/fixtures.json')).toString('utf8')) as Fixture[];
const packet = (f: Fixture): Uint8Array => exampleBytes(`packet-filter/fixtures/${f.file}`);
const xdp = exampleProgram('packet-filter/xdp-drop-port80.s');
const sock = exampleProgram('packet-filter/sock-drop-port80.s');
const ETH_HLEN = 14;

/** What the socket filter must return: 0, or the whole packet as it sees it (from the network header). */
const sockExpected = (f: Fixture): number => (f.socketFilter === 'drop' ? 0 : f.bytes - ETH_HLEN);

describe('packet-filter fixtures', () => {
  test('the fixtures are what fixtures.json says', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const f of fixtures) expect(packet(f).byteLength, f.file).toBe(f.bytes);
    // both verdicts occur for both filters
    expect(new Set(fixtures.map((f) => f.xdp))).toEqual(new Set([1, 2]));
    expect(new Set(fixtures.map((f) => f.socketFilter))).toEqual(new Set(['drop', 'keep']));
  });

  test('the programs carry their types', () => {
    expect(xdp.progType).toBe(BPF_PROG_TYPE_XDP);
    expect(sock.progType).toBe(BPF_PROG_TYPE_SOCKET_FILTER);
  });
});

const XDP_DROP = 1, XDP_PASS = 2;
const be16 = (b: Uint8Array, off: number): number => (b[off]! << 8) | b[off + 1]!;

/** The XDP policy in TypeScript, from the packet bytes: drop unfragmented IPv4 TCP to port 80. */
function referenceXdp(frame: Uint8Array): number {
  if (frame.length < 34 || be16(frame, 12) !== 0x0800) return XDP_PASS;
  const ihl = frame[14]! & 0xf;
  if (frame[14]! >> 4 !== 4 || ihl < 5 || frame[23] !== 6 || (be16(frame, 20) & 0x1fff) !== 0) return XDP_PASS;
  const tcp = 14 + ihl * 4;
  if (frame.length < tcp + 4) return XDP_PASS;
  return be16(frame, tcp + 2) === 80 ? XDP_DROP : XDP_PASS;
}

/**
 * The socket filter in TypeScript: the skb starts at the network header; a packet load past
 * the end returns 0 (as LD_ABS/LD_IND do); otherwise 0 to drop or the length to keep.
 */
function referenceSock(frame: Uint8Array): number {
  const p = frame.subarray(ETH_HLEN);
  const keep = p.length;
  if (p.length < 1) return 0;
  if (p[0]! >> 4 !== 4) return keep;
  if (p.length < 10) return 0;
  if (p[9] !== 6) return keep;
  if ((be16(p, 6) & 0x1fff) !== 0) return keep;
  const ihl = (p[0]! & 0xf) * 4;
  if (ihl < 20) return keep;
  if (p.length < ihl + 4) return 0;
  return be16(p, ihl + 2) === 80 ? 0 : keep;
}

/** Ethernet frames near the policy's edges: IPv4 or not, IHL 0..15, TCP or not, fragments, port 80 or not, cut anywhere. */
const arbFrame = fc.record({
  etherType: fc.oneof(fc.constantFrom(0x0800, 0x0800, 0x0800, 0x86dd, 0x0806), fc.integer({ min: 0, max: 0xffff })),
  version: fc.oneof(fc.constant(4), fc.constant(4), fc.integer({ min: 0, max: 15 })),
  ihl: fc.oneof(fc.constantFrom(5, 5, 6, 15), fc.integer({ min: 0, max: 15 })),
  proto: fc.oneof(fc.constantFrom(6, 6, 17), fc.integer({ min: 0, max: 255 })),
  flagsFrag: fc.oneof(fc.constantFrom(0, 0, 0x4000, 0x2000), fc.integer({ min: 0, max: 0xffff })),
  sport: fc.oneof(fc.constantFrom(80, 443), fc.integer({ min: 0, max: 0xffff })),
  dport: fc.oneof(fc.constantFrom(80, 80, 443, 0x5000), fc.integer({ min: 0, max: 0xffff })),
  payload: fc.uint8Array({ maxLength: 24 }),
  cut: fc.option(fc.integer({ min: ETH_HLEN, max: 120 }), { nil: undefined }),
}).map((f) => {
  const ipLen = Math.max(f.ihl * 4, 20);
  const frame = new Uint8Array(ETH_HLEN + ipLen + 20 + f.payload.length);
  const v = new DataView(frame.buffer);
  v.setUint16(12, f.etherType);
  frame[14] = (f.version << 4) | f.ihl;
  v.setUint16(14 + 6, f.flagsFrag);
  frame[14 + 9] = f.proto;
  v.setUint16(14 + ipLen, f.sport);
  v.setUint16(14 + ipLen + 2, f.dport);
  frame.set(f.payload, 14 + ipLen + 20);
  return f.cut === undefined ? frame : frame.subarray(0, Math.min(f.cut, frame.length));
});

/**
 * BPF_PROG_TEST_RUN of an skb program refuses (EINVAL) an IPv4 frame with less than a
 * 20-byte IP header after the Ethernet header, and an IPv6 frame with less than 40
 * (measured on Linux 6.18); the VM refuses them the same way, with a setup VmFault.
 */
function skbTestRunRefuses(frame: Uint8Array): boolean {
  const type = be16(frame, 12), l3 = frame.length - ETH_HLEN;
  return (type === 0x0800 && l3 < 20) || (type === 0x86dd && l3 < 40);
}

describe('packet-filter in the VM', () => {
  test('XDP answers fixtures.json on every fixture', () => {
    const vm = createVm(xdp);
    for (const f of fixtures) expect(vm.run({ packet: packet(f) }).r0, f.file).toBe(BigInt(f.xdp));
  });

  test('socket filter answers fixtures.json on every fixture', () => {
    const vm = createVm(sock);
    for (const f of fixtures) expect(vm.run({ packet: packet(f) }).r0, f.file).toBe(BigInt(sockExpected(f)));
  });

  test('the TypeScript references agree with fixtures.json', () => {
    for (const f of fixtures) {
      expect(referenceXdp(packet(f)), f.file).toBe(f.xdp);
      expect(referenceSock(packet(f)), f.file).toBe(sockExpected(f));
    }
  });

  test('property: both filters match their TypeScript reference on generated frames', () => {
    const vx = createVm(xdp), vs = createVm(sock);
    fc.assert(fc.property(arbFrame, (frame) => {
      expect(vx.run({ packet: frame }).r0).toBe(BigInt(referenceXdp(frame)));
      if (skbTestRunRefuses(frame)) expect(() => vs.run({ packet: frame })).toThrow(VmFault);
      else expect(vs.run({ packet: frame }).r0).toBe(BigInt(referenceSock(frame)));
    }), { numRuns: 2000 });
  });
});

describe.runIf(announceKernel('packet-filter test runs'))('packet-filter in the kernel (BPF_PROG_TEST_RUN)', () => {
  test('XDP: the kernel accepts it and answers fixtures.json on every fixture', () => {
    using prog = loadProgram(xdp);
    for (const f of fixtures) expect(prog.testRun({ data: packet(f) }).retval, f.file).toBe(f.xdp);
  });

  test('socket filter: the kernel accepts it and answers fixtures.json on every fixture', () => {
    using prog = loadProgram(sock);
    for (const f of fixtures) expect(prog.testRun({ data: packet(f) }).retval, f.file).toBe(sockExpected(f));
  });

  test('property: the kernel\'s test run and the VM agree on generated frames, for both filters', () => {
    using kx = loadProgram(xdp);
    using ks = loadProgram(sock);
    const vx = createVm(xdp), vs = createVm(sock);
    let refused = 0;
    fc.assert(fc.property(arbFrame, (frame) => {
      expect(kx.testRun({ data: frame }).retval).toBe(Number(vx.run({ packet: frame }).r0));
      if (skbTestRunRefuses(frame)) {
        refused++;
        expect(() => ks.testRun({ data: frame })).toThrow(/EINVAL/);
        expect(() => vs.run({ packet: frame })).toThrow(/EINVAL/);
        return;
      }
      expect(ks.testRun({ data: frame }).retval).toBe(Number(vs.run({ packet: frame }).r0));
    }), { numRuns: 500 });
    console.log(`packet-filter: kernel and VM agree on 500 generated frames for XDP and the socket filter (${refused} frames with a short IPv4/IPv6 header refused with EINVAL by both, as predicted)`);
  });
});
