/**
 * Kernel differential: random straight-line and forward-branching ALU / JMP / stack
 * programs run in the VM and in the kernel (BPF_PROG_TEST_RUN of a socket filter on the
 * same packet) must give the same low 32 bits of r0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import type { AluOp, Insn, JmpOp, Reg, Size } from '../../src/isa/insn.js';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP } from '../../src/isa/prog-types.js';
import { programOf, type Program } from '../../src/isa/program.js';
import { bpfAvailable, KernelError, loadProgram } from '../../src/loader/index.js';
import { Vm, VmFault } from '../../src/vm/index.js';

const avail = bpfAvailable();
if (!avail.ok) console.log(`skip: kernel differential: ${avail.reason}`);

const SLOTS = 8; // stack slots r10-8 .. r10-64, all initialised at entry
const ALU: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMP: JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];
const reg = fc.integer({ min: 0, max: 9 }) as fc.Arbitrary<Reg>;
const val = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x8000000000000000n, (1n << 64n) - 1n),
  fc.bigInt({ min: 0n, max: 300n }),
  // a small pool, so registers and immediates are often equal or equal in their low 32 bits
  fc.constantFrom(5n, 6n, 4n, 0x100000005n, 0xffffffff00000005n, 0xfffffffffffffffbn, 0xfffffffbn),
);
const imm = fc.oneof(fc.integer({ min: -2147483648, max: 2147483647 }), fc.integer({ min: -5, max: 70 }), fc.constantFrom(-1, -2147483648, 5, -5, 4, 6));

/** One step of a generated program; jumps carry a fraction that picks a later target. */
type Step = { insn: Insn } | { jump: Omit<Extract<Insn, { kind: 'jmp' }>, 'off'>; frac: number };

const aluStep: fc.Arbitrary<Step> = fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...ALU), dst: reg, src: fc.option(reg, { freq: 2 }), imm })
  .filter(({ op, src, imm: i, width }) => src !== null || ((op !== 'div' && op !== 'mod' && op !== 'sdiv' && op !== 'smod') || i !== 0) && (!['lsh', 'rsh', 'arsh'].includes(op) || (i >= 0 && i < width)))
  .map(({ width, op, dst, src, imm: i }) => ({ insn: { kind: 'alu', width, op, dst, src, imm: src === null ? i : 0 } }));
const unaryStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ width: fc.constantFrom<32 | 64>(32, 64), dst: reg }).map(({ width, dst }) => ({ insn: { kind: 'alu', width, op: 'neg', dst, src: null, imm: 0 } as Insn })),
  fc.record({ op: fc.constantFrom<AluOp>('movsx8', 'movsx16', 'movsx32'), dst: reg, src: reg }).map((r) => ({ insn: { kind: 'alu', width: 64, ...r, imm: 0 } as Insn })),
  fc.record({ op: fc.constantFrom<AluOp>('movsx8', 'movsx16'), dst: reg, src: reg }).map((r) => ({ insn: { kind: 'alu', width: 32, ...r, imm: 0 } as Insn })),
  fc.record({ order: fc.constantFrom<'le' | 'be' | 'swap'>('le', 'be', 'swap'), bits: fc.constantFrom<16 | 32 | 64>(16, 32, 64), dst: reg }).map((r) => ({ insn: { kind: 'end', ...r } as Insn })),
  fc.record({ dst: reg, v: val }).map(({ dst, v }) => ({ insn: { kind: 'lddw', dst, src: 0, imm: v } as Insn })),
);
const slotOff = (slot: number, size: number, k: number) => -8 * (slot + 1) + ((k * size) % 8);
const stackStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ size: fc.constantFrom<Size>(1, 2, 4, 8), slot: fc.nat(SLOTS - 1), k: fc.nat(7), src: reg })
    .map(({ size, slot, k, src }) => ({ insn: { kind: 'stx', size, dst: 10, src, off: slotOff(slot, size, k) } as Insn })),
  fc.record({ size: fc.constantFrom<Size>(1, 2, 4, 8), slot: fc.nat(SLOTS - 1), k: fc.nat(7), i: imm })
    .map(({ size, slot, k, i }) => ({ insn: { kind: 'st', size, dst: 10, off: slotOff(slot, size, k), imm: i } as Insn })),
  fc.record({ size: fc.constantFrom<Size>(1, 2, 4, 8), sx: fc.boolean(), slot: fc.nat(SLOTS - 1), k: fc.nat(7), dst: reg })
    .map(({ size, sx, slot, k, dst }) => ({ insn: { kind: 'ldx', size, sx: sx && size !== 8, dst, src: 10, off: slotOff(slot, size, k) } as Insn })),
  fc.record({ size: fc.constantFrom<4 | 8>(4, 8), op: fc.constantFrom('add', 'or', 'and', 'xor', 'xchg', 'cmpxchg' as const), fetch: fc.boolean(), slot: fc.nat(SLOTS - 1), src: reg })
    .map(({ size, op, fetch, slot, src }) => ({ insn: { kind: 'atomic', size, op, fetch: op === 'xchg' || op === 'cmpxchg' || fetch, dst: 10, src, off: -8 * (slot + 1) } as Insn })),
);
const jumpStep: fc.Arbitrary<Step> = fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...JMP), dst: reg, src: fc.option(reg), imm, frac: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) })
  .map(({ width, op, dst, src, imm: i, frac }) => ({ jump: { kind: 'jmp', width, op, dst, src, imm: src === null ? i : 0 }, frac }));

const programArb = fc.record({
  init: fc.array(val, { minLength: 10, maxLength: 10 }),
  steps: fc.array(fc.oneof({ arbitrary: aluStep, weight: 5 }, { arbitrary: unaryStep, weight: 1 }, { arbitrary: stackStep, weight: 2 }, { arbitrary: jumpStep, weight: 2 }), { minLength: 1, maxLength: 40 }),
}).map(({ init, steps }) => build(init, steps));

/** Registers and stack initialised, then the steps; jumps go forward to a later step or the final exit. */
function build(init: bigint[], steps: Step[]): Program {
  const insns: Insn[] = init.map((v, r) => ({ kind: 'lddw', dst: r as Reg, src: 0, imm: v }));
  for (let s = 0; s < SLOTS; s++) insns.push({ kind: 'st', size: 8, dst: 10, off: -8 * (s + 1), imm: s * 0x1111 - 3 });
  // slot index of each step (lddw takes two), and of the exit after the last step
  const slotOf: number[] = [];
  let slot = insns.reduce((n, i) => n + (i.kind === 'lddw' ? 2 : 1), 0);
  for (const st of steps) {
    slotOf.push(slot);
    slot += 'insn' in st && st.insn.kind === 'lddw' ? 2 : 1;
  }
  slotOf.push(slot);
  steps.forEach((st, i) => {
    if ('insn' in st) {
      insns.push(st.insn);
      return;
    }
    const target = i + 1 + Math.floor(st.frac * (steps.length - i));
    insns.push({ ...st.jump, off: slotOf[target]! - slotOf[i]! - 1 });
  });
  insns.push({ kind: 'exit' });
  return programOf(insns, { progType: BPF_PROG_TYPE_SOCKET_FILTER, license: 'GPL' });
}

const packet = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + 3) & 0xff);

describe.skipIf(!avail.ok)('kernel differential (BPF_PROG_TEST_RUN)', () => {
  it('random ALU / JMP / stack programs give the kernel\'s r0 (low 32 bits)', () => {
    let agreed = 0;
    let rejected = 0;
    let total = 0;
    const firstRejections: string[] = [];
    const distinct = new Set<number>();
    fc.assert(fc.property(programArb, (program) => {
      total++;
      let kernelR0: number;
      try {
        const kp = loadProgram(program, { logLevel: 0 });
        try {
          kernelR0 = kp.testRun({ data: packet }).retval;
        } finally {
          kp.close();
        }
      } catch (e) {
        if (e instanceof KernelError) {
          rejected++;
          if (firstRejections.length < 3) firstRejections.push(e.message.split('\n')[0]!);
          return;
        }
        throw e;
      }
      const vmR0 = new Vm(program).run({ packet }).r0;
      expect(Number(vmR0 & 0xffffffffn)).toBe(kernelR0);
      distinct.add(kernelR0);
      agreed++;
    }), { numRuns: Number(process.env.DIFF_RUNS ?? 0) || 1000 });
    console.log(`kernel differential: ${agreed} of ${total} programs agreed with the kernel, ${rejected} rejected by the verifier, ${distinct.size} distinct results${firstRejections.length > 0 ? ` (e.g. ${firstRejections.join('; ')})` : ''}`);
    expect(agreed).toBeGreaterThan(total * 0.9);
    expect(distinct.size).toBeGreaterThan(agreed / 4);
  });
});

/**
 * LD_ABS / LD_IND programs: r6 holds the context (as the kernel requires), r0 and r7-r9 are
 * scalars; the loads read big-endian from the packet after its Ethernet header and end the
 * program with r0 = 0 when out of range.
 */
const ldReg = fc.constantFrom<Reg>(0, 7, 8, 9);
const ldVal = fc.oneof(fc.bigInt({ min: 0n, max: 80n }), fc.constantFrom(0xffffffffn, 0xfffffffffffffff0n, 0x100000002n));
const ldStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom<AluOp>('add', 'sub', 'xor', 'mul', 'or', 'rsh'), dst: ldReg, src: fc.option(ldReg), i: fc.integer({ min: 0, max: 31 }) })
    .map(({ width, op, dst, src, i }) => ({ insn: { kind: 'alu', width, op, dst, src, imm: src === null ? i : 0 } as Insn })), weight: 3 },
  { arbitrary: fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), imm: fc.oneof(fc.integer({ min: -2, max: 52 }), fc.constantFrom(-0x100000, -0x100000 + 48, -0x200000, -0x200000 + 12, -0x200000 + 62, -0x200001)) }).map((r) => ({ insn: { kind: 'ldabs', ...r } as Insn })), weight: 2 },
  { arbitrary: fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), src: fc.constantFrom<Reg>(7, 8, 9), imm: fc.integer({ min: -8, max: 40 }) }).map((r) => ({ insn: { kind: 'ldind', ...r } as Insn })), weight: 2 },
  { arbitrary: fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...JMP), dst: ldReg, src: fc.option(ldReg), imm: fc.integer({ min: 0, max: 300 }), frac: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) })
    .map(({ width, op, dst, src, imm: i, frac }) => ({ jump: { kind: 'jmp', width, op, dst, src, imm: src === null ? i : 0 } as const, frac })), weight: 1 },
);
const ldProgramArb = fc.record({ init: fc.array(ldVal, { minLength: 4, maxLength: 4 }), steps: fc.array(ldStep, { minLength: 1, maxLength: 24 }) }).map(({ init, steps }) => {
  const head: Insn[] = [{ kind: 'alu', width: 64, op: 'mov', dst: 6, src: 1, imm: 0 }];
  [0, 7, 8, 9].forEach((r, i) => head.push({ kind: 'lddw', dst: r as Reg, src: 0, imm: init[i]! }));
  const slotOf: number[] = [];
  let slot = 1 + 4 * 2;
  for (const st of steps) {
    slotOf.push(slot);
    slot += 1;
  }
  slotOf.push(slot);
  const body = steps.map((st, i): Insn => {
    if ('insn' in st) return st.insn;
    const target = i + 1 + Math.floor(st.frac * (steps.length - i));
    return { ...st.jump, off: slotOf[target]! - slotOf[i]! - 1 };
  });
  return programOf([...head, ...body, { kind: 'exit' }], { progType: BPF_PROG_TYPE_SOCKET_FILTER, license: 'GPL' });
});

describe.skipIf(!avail.ok)('kernel differential of LD_ABS / LD_IND', () => {
  it('packet loads give the kernel\'s r0', () => {
    let agreed = 0;
    let rejected = 0;
    fc.assert(fc.property(ldProgramArb, (program) => {
      let kernelR0: number;
      try {
        const kp = loadProgram(program, { logLevel: 0 });
        try {
          kernelR0 = kp.testRun({ data: packet }).retval;
        } finally {
          kp.close();
        }
      } catch (e) {
        if (e instanceof KernelError) {
          rejected++;
          return;
        }
        throw e;
      }
      expect(Number(new Vm(program).run({ packet }).r0 & 0xffffffffn)).toBe(kernelR0);
      agreed++;
    }), { numRuns: Number(process.env.DIFF_RUNS ?? 0) || 500 });
    console.log(`kernel differential (LD_ABS/LD_IND): ${agreed} agreed, ${rejected} rejected by the verifier`);
    expect(agreed).toBeGreaterThan(400);
  });
});

describe.skipIf(!avail.ok)('XDP differential of head / tail adjustment', () => {
  it('bpf_xdp_adjust_head / _tail: return codes and the output packet match the kernel', () => {
    const src = (head: number, tail: number) => `r6 = r1
r2 = ${head}
call bpf_xdp_adjust_head
r7 = r0
r1 = r6
r2 = ${tail}
call bpf_xdp_adjust_tail
r7 <<= 8
r0 &= 0xff
r0 |= r7
r2 = *(u32 *)(r6 + 0)
r3 = *(u32 *)(r6 + 4)
r4 = r2
r4 += 14
if r4 > r3 goto out
*(u8 *)(r2 + 0) = 0x5a
*(u8 *)(r2 + 13) = 0xa5
out:
exit`;
    const delta = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -4000, max: 4000 }), fc.constantFrom(-216, -217, 6, 7, 0));
    fc.assert(fc.property(delta, delta, fc.integer({ min: 14, max: 200 }), (head, tail, len) => {
      const program = { ...assemble(src(head, tail)), progType: BPF_PROG_TYPE_XDP, license: 'GPL' };
      const data = Uint8Array.from({ length: len }, (_, i) => (i * 29 + 1) & 0xff);
      const kp = loadProgram(program, { logLevel: 0 });
      let k;
      try {
        k = kp.testRun({ data, dataSizeOut: 4096 });
      } finally {
        kp.close();
      }
      const v = new Vm(program).run({ packet: data });
      expect(Number(v.r0 & 0xffffffffn)).toBe(k.retval);
      expect(Buffer.from(v.packet!).toString('hex')).toBe(Buffer.from(k.dataOut).toString('hex'));
    }), { numRuns: 150 });
  });
});

describe.skipIf(!avail.ok)('__sk_buff differential', () => {
  it('every readable field of socket filters, tc and cgroup_skb programs has the kernel\'s value (or both refuse)', () => {
    const frameArb = fc.record({
      dst: fc.constantFrom([0, 0, 0, 0, 0, 0], [255, 255, 255, 255, 255, 255], [1, 0, 0x5e, 0, 0, 1], [2, 0, 0, 0, 0, 9]),
      type: fc.constantFrom(0x0800, 0x86dd, 0x0806, 0x0040, 0x88b5),
      len: fc.integer({ min: 0, max: 70 }),
      fill: fc.integer({ min: 0, max: 255 }),
    }).map(({ dst, type, len, fill }) => Uint8Array.from([...dst, 1, 2, 3, 4, 5, 6, type >> 8, type & 0xff, ...Array.from({ length: len }, (_, i) => (fill + i * 7) & 0xff)]));
    const frames = fc.sample(frameArb, { numRuns: 12, seed: 7 });
    const loads: [number, 1 | 2 | 4 | 8][] = [];
    for (let off = 0; off < 192; off++) {
      loads.push([off, 1]);
      if (off % 2 === 0) loads.push([off, 2]);
      if (off % 4 === 0) loads.push([off, 4]);
      if (off % 8 === 0) loads.push([off, 8]);
    }
    const out = { name: 'out', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 };
    let compared = 0;
    const mism = new Set<string>();
    for (const progType of [BPF_PROG_TYPE_SOCKET_FILTER, 3, 8]) {
      for (const [off, size] of loads) {
        // the loaded value goes to an array map (cgroup_skb must return 0 or 1)
        const program = programOf([
          { kind: 'ldx', size, sx: false, dst: 6, src: 1, off },
          { kind: 'st', size: 4, dst: 10, off: -4, imm: 0 },
          { kind: 'lddw', dst: 1, src: 1, imm: 0n, map: 'out' },
          { kind: 'alu', width: 64, op: 'mov', dst: 2, src: 10, imm: 0 },
          { kind: 'alu', width: 64, op: 'add', dst: 2, src: null, imm: -4 },
          { kind: 'call', target: 'helper', imm: 1, off: 0 },
          { kind: 'jmp', width: 64, op: 'jeq', dst: 0, src: null, imm: 0, off: 1 },
          { kind: 'stx', size: 8, dst: 0, src: 6, off: 0 },
          { kind: 'alu', width: 64, op: 'mov', dst: 0, src: null, imm: 1 },
          { kind: 'exit' },
        ], { progType, license: 'GPL', maps: [out] });
        let kp;
        try {
          kp = loadProgram(program, { logLevel: 0 });
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          // the verifier refuses the access: the VM must fault on it
          try {
            new Vm(program).run({ packet: frames[0]! });
            mism.add(`type ${progType} off ${off} size ${size}: vm reads it, the verifier refuses`);
          } catch (f) {
            if (!(f instanceof VmFault)) throw f;
          }
          compared++;
          continue;
        }
        try {
          for (const frame of frames) {
            let kernel: bigint;
            try {
              kp.testRun({ data: frame });
              kernel = new DataView(kp.map('out').lookup(new Uint8Array(4))!.buffer).getBigUint64(0, true);
            } catch (e) {
              if (!(e instanceof KernelError)) throw e;
              continue; // test_run refuses IPv4 / IPv6 frames shorter than their header (so does the VM)
            }
            let vm: bigint | string;
            try {
              const r = new Vm(program).run({ packet: frame });
              vm = new DataView(r.maps.get('out')!.lookup(new Uint8Array(4))!.buffer).getBigUint64(0, true);
            } catch (e) {
              if (!(e instanceof VmFault)) throw e;
              vm = e.message;
            }
            // data / data_end / data_meta / sk are pointers: compare that both read something
            const pointer = (progType !== BPF_PROG_TYPE_SOCKET_FILTER && [76, 80, 140].includes(off & ~3)) || (off & ~7) === 168;
            if (pointer ? typeof vm !== 'bigint' : vm !== kernel) mism.add(`type ${progType} off ${off} size ${size}: vm ${vm}, kernel ${kernel}`);
            compared++;
          }
        } finally {
          kp.close();
        }
      }
    }
    console.log(`__sk_buff differential: ${compared} loads compared`);
    expect([...mism]).toEqual([]);
  });
});

describe.skipIf(!avail.ok)('xdp_md differential', () => {
  it('every offset and size of xdp_md reads as the kernel allows (data pointers: both succeed)', () => {
    const data = new Uint8Array(40).fill(3);
    const mism: string[] = [];
    for (let off = 0; off < 28; off++) {
      for (const size of [1, 2, 4, 8] as const) {
        if (off % size !== 0) continue;
        const program = programOf([{ kind: 'ldx', size, sx: false, dst: 0, src: 1, off }, { kind: 'exit' }], { progType: BPF_PROG_TYPE_XDP, license: 'GPL' });
        let kernel: number | string;
        try {
          const kp = loadProgram(program, { logLevel: 0 });
          try {
            kernel = kp.testRun({ data }).retval;
          } finally {
            kp.close();
          }
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          kernel = 'refused';
        }
        let vm: number | string;
        try {
          vm = Number(new Vm(program).run({ packet: data }).r0 & 0xffffffffn);
        } catch (e) {
          if (!(e instanceof VmFault)) throw e;
          vm = 'refused';
        }
        const pointer = off < 12 && typeof kernel === 'number';
        if (pointer ? typeof vm !== 'number' : vm !== kernel) mism.push(`off ${off} size ${size}: vm ${vm}, kernel ${kernel}`);
      }
    }
    expect(mism).toEqual([]);
  });
});

describe.skipIf(!avail.ok)('tracepoint context bounds', () => {
  it('the VM reads every context offset the kernel verifier accepts, and faults only past PERF_MAX_TRACE_SIZE', () => {
    const mism: string[] = [];
    const offsets = [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 24 }, (_, i) => 8176 + i)];
    for (const off of offsets) {
      for (const size of [1, 2, 4, 8] as const) {
        const program = programOf([{ kind: 'ldx', size, sx: false, dst: 0, src: 1, off }, { kind: 'alu', width: 64, op: 'mov', dst: 0, src: null, imm: 0 }, { kind: 'exit' }], { progType: 5, license: 'GPL' });
        let kernel = true;
        try {
          loadProgram(program, { logLevel: 0 }).close();
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          kernel = false;
        }
        let vm = true;
        try {
          new Vm(program).run({ ctx: new Uint8Array(64) });
        } catch (e) {
          if (!(e instanceof VmFault)) throw e;
          vm = false;
        }
        if ((kernel && !vm) || (!vm && off + size <= 8192)) mism.push(`off ${off} size ${size}: vm ${vm ? 'reads' : 'faults'}, kernel ${kernel ? 'accepts' : 'rejects'}`);
      }
    }
    expect(mism).toEqual([]);
  });
});

const kb3 = join(import.meta.dirname, '../../../shared/bench/kb3.s');
if (avail.ok && !existsSync(kb3)) console.log(`skip: XDP differential: ${kb3} not found`);

describe.skipIf(!avail.ok || !existsSync(kb3))('XDP differential (kb3.s)', () => {
  it('the FNV-1a XDP program gives the kernel\'s r0 and the README\'s 64-bit value', () => {
    const program = { ...assemble(readFileSync(kb3, 'utf8'), { file: 'kb3.s' }), progType: BPF_PROG_TYPE_XDP, license: 'GPL' };
    const data = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);
    const kp = loadProgram(program, { logLevel: 0 });
    let kernel: number;
    try {
      kernel = kp.testRun({ data }).retval;
    } finally {
      kp.close();
    }
    const vm = new Vm(program).run({ packet: data });
    expect(vm.r0).toBe(0x77ef14e6aa5afd21n);
    expect(vm.insns).toBe(9009);
    expect(Number(vm.r0 & 0xffffffffn)).toBe(kernel);
    const short = new Vm(program).run({ packet: data.subarray(0, 1499) });
    const kp2 = loadProgram(program, { logLevel: 0 });
    try {
      expect(Number(short.r0)).toBe(kp2.testRun({ data: data.subarray(0, 1499) }).retval);
    } finally {
      kp2.close();
    }
  });
});
