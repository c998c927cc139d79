import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/isa/program.js';
import { verify } from '../../src/verifier/index.js';
import { Vm, VmFault, type VmFaultKind } from '../../src/vm/index.js';
import { REPO_ROOT, loadCorpus } from './corpus.js';
import { buildProgram, genProgramArb } from './gen/arbitrary.js';
import { readGoldens } from './golden.js';
import { KNOWN_VM_FAULTS } from './thresholds.js';

const RUNS_PER_PROGRAM = 4;

// Soundness: a program our verifier accepts never faults in the VM, whatever the context,
// packet and map contents. Only program faults count: running out of the VM's instruction
// budget, or a helper the VM does not implement, say nothing about the verifier.
const SOUNDNESS_FAULTS: ReadonlySet<VmFaultKind> = new Set(['memory', 'bad-jump', 'bad-insn', 'call-depth']);

const SOCKET_FILTER = 1;
const KPROBE = 2;
const TRACEPOINT = 5;
const XDP = 6;

interface Inputs {
  readonly packet: Uint8Array;
  readonly ctx: Uint8Array;
  readonly values: readonly Uint8Array[];
  readonly seed: number;
}

const inputsArb: fc.Arbitrary<Inputs> = fc.record({
  packet: fc.uint8Array({ minLength: 0, maxLength: 96 }),
  ctx: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  values: fc.array(fc.uint8Array({ minLength: 64, maxLength: 64 }), { minLength: 4, maxLength: 4 }),
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
});

const counts = { ran: 0, notRun: 0 };

/** Run once with these inputs; return the fault that counts against soundness, if any. */
function soundnessFault(program: Program, inp: Inputs): string | null {
  const type = program.progType ?? SOCKET_FILTER;
  let vm: Vm;
  try {
    vm = new Vm(program, { progType: type, seed: inp.seed, maxInsns: 2_000_000 });
  } catch {
    counts.notRun++;
    return null; // a program the VM cannot set up (unsupported map type, ...)
  }
  for (const def of program.maps) {
    const m = vm.maps.get(def.name);
    if (!m || def.keySize !== 4) continue;
    for (let k = 0; k < Math.min(def.maxEntries, inp.values.length); k++) {
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, k, true);
      try {
        m.update(key, inp.values[k]!.subarray(0, def.valueSize));
      } catch {
        // maps that take no updates (ringbuf, prog array) keep their defaults
      }
    }
  }
  // XDP takes any packet; skb-based types (socket filter, tc, cgroup_skb) need an Ethernet header.
  const skbPacket = inp.packet.length >= 14 ? inp.packet : Uint8Array.from([...inp.packet, ...new Uint8Array(14 - inp.packet.length)]);
  const input = type === XDP ? { packet: inp.packet } : type === TRACEPOINT || type === KPROBE ? { ctx: inp.ctx } : { packet: skbPacket };
  try {
    vm.run(input);
    counts.ran++;
    return null;
  } catch (e) {
    if (e instanceof VmFault && SOUNDNESS_FAULTS.has(e.kind)) return `${e.kind}: ${e.message}`;
    counts.notRun++;
    return null;
  }
}

const accepts = (p: Program): boolean => {
  try {
    return verify(p, { progType: p.progType!, logLevel: 0 }).verdict === 'accepted';
  } catch {
    return false;
  }
};

describe('soundness: programs we accept never fault in the VM', () => {
  it('every corpus program we accept runs without faults on random inputs', () => {
    const goldens = readGoldens(REPO_ROOT);
    const programs = loadCorpus()
      .filter((c) => (goldens.get(c.name)?.processed ?? 0) < 50_000)
      .filter((c) => accepts(c.program));
    counts.ran = 0;
    counts.notRun = 0;
    const faults = new Map<string, string>();
    const inputs = fc.sample(inputsArb, { seed: 4242, numRuns: RUNS_PER_PROGRAM });
    for (const c of programs) {
      for (const inp of inputs) {
        const f = soundnessFault(c.program, inp);
        if (f && !faults.has(c.name)) faults.set(c.name, f);
      }
    }
    for (const [name, why] of Object.entries(KNOWN_VM_FAULTS)) if (faults.has(name)) console.log(`  known: ${name}: ${why}`);
    const unexpected = [...faults].filter(([name]) => !(name in KNOWN_VM_FAULTS)).map(([name, f]) => `${name}: ${f}`);
    const fixed = Object.keys(KNOWN_VM_FAULTS).filter((name) => programs.some((c) => c.name === name) && !faults.has(name));
    console.log(`soundness: ${programs.length} corpus programs we accept x ${RUNS_PER_PROGRAM} random inputs (${counts.ran} runs completed, ${counts.notRun} ended without a program fault: budget, helper, setup); `
      + `${faults.size} programs faulted, ${faults.size - unexpected.length} of them known (KNOWN_VM_FAULTS)`);
    for (const name of fixed) console.log(`  no longer faults, remove from KNOWN_VM_FAULTS: ${name}`);
    expect(unexpected).toEqual([]);
    expect(counts.ran).toBeGreaterThan(programs.length * RUNS_PER_PROGRAM * 0.9);
  });

  it('random programs we accept run without faults on random inputs', () => {
    let accepted = 0;
    counts.ran = 0;
    counts.notRun = 0;
    fc.assert(fc.property(genProgramArb(12), inputsArb, (g, inp) => {
      const program = buildProgram(g);
      if (!accepts(program)) return true;
      accepted++;
      const f = soundnessFault(program, inp);
      if (f) throw new Error(`accepted by our verifier, faulted in the VM: ${f}`);
    }), { numRuns: 1500, seed: 777 });
    console.log(`soundness: ${accepted} of 1500 random programs accepted by our verifier ran without faults (${counts.ran} completed)`);
    expect(counts.ran).toBeGreaterThan(200);
  });
});
