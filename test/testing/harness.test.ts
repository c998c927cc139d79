/**
 * The harness itself: deliberately wrong programs are caught and shrunk to a minimal packet, the
 * report carries the hex dump and the trace, replays reproduce, and the kernel cross-check
 * notices a VM/kernel disagreement.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { bpfAvailable } from '../../src/loader/index.js';
import {
  anyPacketArb, checkAgainst, checkProgram, KernelMismatch, PropertyFailure, parsePacket, property, targetFromSource, loadTarget,
  type Packet, type BpfTarget,
} from '../../src/testing/index.js';
import { VmFault } from '../../src/vm/index.js';

const SOURCE = readFileSync(new URL('../../examples/xdp-port80-property/xdp-port80.s', import.meta.url), 'utf8');

/** Drop (1) IPv4/TCP to port 80, else pass (2); a port-80 reference over parsed headers. */
function reference(b: Uint8Array): bigint {
  const p = parsePacket(b);
  const u16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
  if (!p.eth || p.ipOffset < 0 || p.eth.ethertype !== 0x0800 || b.length < p.ipOffset + 20) return 2n;
  const ihl = b[p.ipOffset]! & 0xf;
  if (b[p.ipOffset]! >> 4 !== 4 || ihl < 5 || b[p.ipOffset + 9] !== 6 || (u16(p.ipOffset + 6) & 0x1fff) !== 0) return 2n;
  const tcp = p.ipOffset + ihl * 4;
  return tcp + 4 <= b.length && u16(tcp + 2) === 80 ? 1n : 2n;
}

function mutant(from: string, to: string): BpfTarget {
  if (!SOURCE.includes(from)) throw new Error(`mutation site '${from}' not found`);
  return targetFromSource(SOURCE.replace(from, to), { file: 'mutant.s', kernel: false });
}

const packets = fc.oneof(anyPacketArb(), anyPacketArb({ ip: ['ipv4'], l4: ['tcp'], dstPort: 80 }));

function failureOf(fn: () => unknown): PropertyFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof PropertyFailure) return e;
    throw e;
  }
  throw new Error('the property passed, but the program is wrong');
}

const HEX_LINE = /^0000 {2}([0-9a-f]{2} ){8} ([0-9a-f]{2} ?){1,8}.*\|.{1,16}\|$/m;

describe('a deliberately wrong program is caught and shrunk', () => {
  test('wrong byte order of the port (compares 80 where the load gives htons(80))', () => {
    const t = mutant('if r5 != 0x5000 goto out', 'if r5 != 80 goto out');
    const f = failureOf(() => checkProgram(t, packets, (p, run) => { expect(run(p)).toBe(reference(p.bytes)); }, { numRuns: 500 }));
    const pkt = f.counterexample[0] as Packet;
    // minimal: an untagged option-less IPv4/TCP header to port 80 with no payload (54 bytes),
    // or a frame cut just after the destination port (38 bytes)
    expect(reference(pkt.bytes)).toBe(1n);
    expect(t.run(pkt)).toBe(2n);
    expect(pkt.bytes.length).toBeLessThanOrEqual(54);
    expect(pkt.payload.length).toBe(0);
    expect(pkt.eth?.vlan ?? null).toBeNull();
    expect(f.numShrinks).toBeGreaterThan(0);
    expect(f.message).toMatch(HEX_LINE);
    expect(f.message).toMatch(/^Input:\npacket: IPv4\/TCP .* -> .*:80/m);
    expect(f.message).toMatch(/expected 2n to be 1n/);
    expect(f.message).toMatch(/Trace of xdp_port80 \(mutant\.s\) \(\d+ lines\):/);
    expect(f.message).toMatch(/if r5 != 0x50 goto|if r5 != 80 goto/);
    expect(f.message).toMatch(/=> r0 = 0x2 after \d+ instructions/);
    expect(f.message).toMatch(/Replay with \{ seed: -?\d+, path: '[\d:]+' \}/);
    expect(f.traces).toHaveLength(1);
  });

  test('off-by-one on the port offset (reads +17 instead of +16): a wrong verdict or a VM fault, shrunk', () => {
    const t = mutant('r5 = *(u16 *)(r2 + 16)', 'r5 = *(u16 *)(r2 + 17)');
    const f = failureOf(() => property(packets, (p) => { expect(t.run(p)).toBe(reference(p.bytes)); }, { numRuns: 500 }));
    const pkt = f.counterexample[0] as Packet;
    expect(pkt.bytes.length).toBeLessThanOrEqual(58);
    expect(f.message).toMatch(HEX_LINE);
    expect(f.message).toMatch(/Trace of xdp_port80/);
    if (f.error instanceof VmFault) expect(f.message).toMatch(/=> fault: .*out-of-bounds|=> fault:/);
  });

  test('a replay with the printed seed and path finds the same counterexample at once', () => {
    const t = mutant('if r5 != 0x5000 goto out', 'if r5 != 80 goto out');
    const body = (p: Packet) => { expect(t.run(p)).toBe(reference(p.bytes)); };
    const first = failureOf(() => property(packets, body, { numRuns: 500, seed: 42 }));
    const again = failureOf(() => property(packets, body, { seed: first.seed, path: first.path! }));
    expect((again.counterexample[0] as Packet).bytes).toEqual((first.counterexample[0] as Packet).bytes);
  });

  test('checkAgainst: the reference in one call, and its failure message', () => {
    const good = targetFromSource(SOURCE, { file: 'xdp-port80.s', kernel: false });
    expect(checkAgainst(good, packets, (p) => reference(p.bytes), { numRuns: 200 }).numRuns).toBe(200);
    const bad = mutant('r0 = 1                          # XDP_DROP', 'r0 = 3');
    const f = failureOf(() => checkAgainst(bad, packets, (p) => Number(reference(p.bytes))));
    expect(f.message).toMatch(/Error: r0 = 3 \(0x3\), the reference says 1 \(0x1\)/);
  });

  test('the correct program passes the same check', () => {
    const t = targetFromSource(SOURCE, { file: 'xdp-port80.s', kernel: false });
    const r = checkProgram(t, packets, (p, run) => { expect(run(p)).toBe(reference(p.bytes)); }, { numRuns: 300 });
    expect(r.numRuns).toBe(300);
    expect(r.crossCheck).toMatch(/300 VM runs; no kernel cross-check \(kernel cross-check turned off\)/);
  });

  test('several inputs: each is reported; the trace shows every run the case made', () => {
    const t = mutant('if r5 != 0x5000 goto out', 'if r5 != 80 goto out');
    const f = failureOf(() => property([fc.integer({ min: 0, max: 3 }), packets], (n, p) => {
      expect(t.run(p)).toBe(reference(p.bytes));
      expect(t.run(new Uint8Array(n))).toBe(2n);
    }, { numRuns: 300 }));
    expect(f.counterexample).toHaveLength(2);
    expect(f.counterexample[0]).toBe(0);
    expect(f.message).toMatch(/^Input 1:\n0$/m);
    expect(f.message).toMatch(/^Input 2:\npacket: /m);
    expect(f.traces).toHaveLength(1);
  });

  test('a property that makes no program run still reports its input as a hex dump', () => {
    const f = failureOf(() => property(fc.uint8Array({ minLength: 3, maxLength: 40 }), (b) => b.length < 8));
    expect(f.counterexample[0]).toEqual(new Uint8Array(8));
    expect(f.message).toMatch(/^8 bytes\n0000 {2}00 00 00 00 00 00 00 00 {2}/m);
    expect(f.message).toMatch(/the property returned false/);
    expect(f.message).toMatch(/no program run was traced/);
  });
});

const bpf = bpfAvailable();
if (!bpf.ok) console.log(`skip: kernel cross-check tests of the harness: ${bpf.reason}`);

describe.skipIf(!bpf.ok)('kernel cross-check', () => {
  const targets: BpfTarget[] = [];
  afterAll(() => targets.forEach((t) => t.close()));

  test('a disagreement between VM and kernel fails the property (get_prandom_u32 differs by nature)', () => {
    const t = targetFromSource('.prog_type socket_filter\ncall bpf_get_prandom_u32\nexit', { kernel: true });
    targets.push(t);
    const f = failureOf(() => property(anyPacketArb({ weights: { random: 0, corrupt: 0 } }), (p) => { t.run(p); }, { numRuns: 20 }));
    expect(f.error).toBeInstanceOf(KernelMismatch);
    expect(f.message).toMatch(/VM and kernel disagree on .*: VM r0 = 0x[0-9a-f]+ \(low 32 bits 0x[0-9a-f]+\), kernel retval = 0x[0-9a-f]+/);
    expect(f.message).toMatch(/kernel retval 0x/);
  });

  test('the example agrees with the kernel on every packet the kernel can take', () => {
    const t = loadTarget(new URL('../../examples/xdp-port80-property/xdp-port80.s', import.meta.url), { kernel: true });
    targets.push(t);
    property(packets, (p) => { t.run(p); }, { numRuns: 300 });
    expect(t.stats.kernelRuns).toBeGreaterThan(200);
    expect(t.summary()).toMatch(/^300 VM runs, \d+ also in the kernel with the same retval/);
  });

  test('an XDP program that rewrites the packet: VM and kernel agree on the bytes out', () => {
    // swap the MAC addresses and return XDP_TX (3); frames under 12 bytes get XDP_PASS (2)
    const swap: string[] = [];
    for (let i = 0; i < 6; i++) swap.push(`r5 = *(u8 *)(r2 + ${i})`, `r4 = *(u8 *)(r2 + ${i + 6})`, `*(u8 *)(r2 + ${i}) = r4`, `*(u8 *)(r2 + ${i + 6}) = r5`);
    const lines = [
      '.prog_type xdp', 'r2 = *(u32 *)(r1 + 0)', 'r3 = *(u32 *)(r1 + 4)', 'r4 = r2', 'r4 += 12',
      `if r4 > r3 goto +${swap.length + 2}`, ...swap, 'r0 = 3', 'exit', 'r0 = 2', 'exit',
    ];
    const t = targetFromSource(lines.join('\n'), { kernel: true });
    targets.push(t);
    property(anyPacketArb({ weights: { random: 0 } }), (p) => {
      const out = t.exec(p);
      if (p.bytes.length >= 12) {
        expect(out.r0).toBe(3n);
        expect([...out.packet!.subarray(0, 12)]).toEqual([...p.bytes.subarray(6, 12), ...p.bytes.subarray(0, 6)]);
      } else expect(out.r0).toBe(2n);
    }, { numRuns: 100 });
    expect(t.stats.kernelRuns).toBeGreaterThan(80);
  });

  test('maps start from the same contents on both sides for every run', () => {
    const src = [
      '.prog_type socket_filter', '.map counter, array, key=4, value=8, entries=1',
      '*(u32 *)(r10 - 4) = 0', 'r2 = r10', 'r2 += -4', 'r1 = map[counter] ll', 'call bpf_map_lookup_elem',
      'if r0 == 0 goto +4', 'r1 = 1', 'lock *(u64 *)(r0 + 0) += r1', 'r0 = *(u64 *)(r0 + 0)', 'exit', 'r0 = 0', 'exit',
    ].join('\n');
    const t = targetFromSource(src, { kernel: true });
    targets.push(t);
    property(anyPacketArb({ weights: { random: 0, corrupt: 0 } }), (p) => { expect(t.run(p)).toBe(1n); }, { numRuns: 30 });
    expect(t.stats.kernelRuns).toBe(30);
  });
});

describe('running without a kernel side', () => {
  test('a program type the kernel cannot test-run is VM-only, said once', () => {
    const lines: string[] = [];
    const t = targetFromSource('.prog_type tracepoint\nr0 = *(u8 *)(r1 + 0)\nexit', { log: (l) => lines.push(l) });
    expect(t.run(Uint8Array.of(7, 0, 0, 0))).toBe(7n);
    expect(t.run(Uint8Array.of(9))).toBe(9n);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skip: kernel cross-check of .*: (BPF_PROG_TEST_RUN cross-checks cover socket_filter and xdp, not tracepoint|.*bpf.*)$/);
    expect(t.summary()).toMatch(/^2 VM runs; no kernel cross-check/);
  });

  test('kernel: true where it cannot work is an error, not a silent skip', () => {
    const t = targetFromSource('.prog_type tracepoint\nr0 = 0\nexit', { kernel: true });
    expect(() => t.run(new Uint8Array(4))).toThrow(/kernel cross-check required but unavailable/);
  });

  test('an async predicate is refused', () => {
    const asyncPredicate = (async () => {}) as unknown as () => void;
    const f = failureOf(() => property(fc.nat(), asyncPredicate));
    expect(f.message).toMatch(/returned a Promise/);
  });
});

describe('bad use gets clear errors', () => {
  test('a target without a program type says how to give one', () => {
    expect(() => targetFromSource('r0 = 0\nexit')).toThrow(/no program type; pass \{ progType: 'xdp' \}/);
  });
  test('a missing file is named', () => {
    expect(() => loadTarget('/nonexistent/prog.s')).toThrow(/cannot read \/nonexistent\/prog\.s/);
  });
  test('assembler errors keep their location', () => {
    expect(() => targetFromSource('r0 = = 1\nexit', { file: 'bad.s', progType: 'xdp' })).toThrow(/bad\.s:1:/);
  });
});
