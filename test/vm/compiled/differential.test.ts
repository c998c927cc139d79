/**
 * The compiled tier against the interpreter (the reference): for random programs and
 * inputs both engines give the same r0, executed count, output, memory, packet, map
 * contents, or the same fault (kind, pc, message, access). COMPILED_RUNS raises the counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_FUNC_MAX_ID } from '../../../src/isa/helpers.js';
import type { AluOp, Insn, JmpOp, Reg, Size } from '../../../src/isa/insn.js';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_RINGBUF } from '../../../src/isa/map-types.js';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP } from '../../../src/isa/prog-types.js';
import { programOf, type MapDef, type Program } from '../../../src/isa/program.js';
import { programArb } from '../../../src/testing/program-arb.js';
import { insnsArb } from '../../asm/arbitraries.js';
import { outcomeOf, vmOf, type Engine, type Outcome } from './engines.js';

const RUNS = Number(process.env.COMPILED_RUNS ?? 0) || 3000;
const VALID_RUNS = Math.ceil(RUNS / 3);

const MAPS: MapDef[] = [
  { name: 'arr', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 16, maxEntries: 4, flags: 0 },
  { name: 'hash', type: BPF_MAP_TYPE_HASH, keySize: 8, valueSize: 8, maxEntries: 8, flags: 0 },
  { name: 'queue', type: BPF_MAP_TYPE_QUEUE, keySize: 0, valueSize: 8, maxEntries: 4, flags: 0 },
  { name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 },
  { name: 'perf', type: BPF_MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 },
  { name: 'progs', type: BPF_MAP_TYPE_PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 },
];

const reg = fc.integer({ min: 0, max: 10 }) as fc.Arbitrary<Reg>;
const lowReg = fc.integer({ min: 0, max: 5 }) as fc.Arbitrary<Reg>;
const jumpOff = fc.integer({ min: -8, max: 6 });
const memOff = fc.oneof(fc.integer({ min: -520, max: 40 }), fc.constantFrom(-8, -16, -512, -511, 0, 4, 8, 12, 16, 24, 1496));
const imm = fc.oneof(fc.integer({ min: -16, max: 64 }), fc.integer({ min: -2147483648, max: 2147483647 }), fc.constantFrom(-1, 0, 1, 0x7fffffff, -0x80000000));
const size = fc.constantFrom<Size>(1, 2, 4, 8);
const ALU: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh', 'neg', 'movsx8', 'movsx16', 'movsx32'];
const JMP: JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];
const HELPERS = [1, 2, 3, 4, 5, 6, 7, 8, 12, 14, 15, 16, 25, 87, 88, 89, 112, 113, 125, 130, 131, 132, 133, 134, 181];

/** Instructions that are often meaningful: loops (backward jumps), pointers near their regions, real helpers and maps. */
const insnArb: fc.Arbitrary<Insn> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...ALU), dst: lowReg, src: fc.option(reg), imm })
    .map(({ width, op, dst, src, imm: i }): Insn => {
      if (op === 'neg') return { kind: 'alu', width, op, dst, src: null, imm: 0 };
      if (op.startsWith('movsx')) return { kind: 'alu', width: op === 'movsx32' ? 64 : width, op, dst, src: src ?? 1, imm: 0 };
      return { kind: 'alu', width, op, dst, src, imm: src === null ? i : 0 };
    }) },
  { weight: 2, arbitrary: fc.record({ dst: lowReg, order: fc.constantFrom<'le' | 'be' | 'swap'>('le', 'be', 'swap'), bits: fc.constantFrom<16 | 32 | 64>(16, 32, 64) }).map((r): Insn => ({ kind: 'end', ...r })) },
  { weight: 4, arbitrary: fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...JMP), dst: reg, src: fc.option(reg), imm, off: jumpOff })
    .map(({ width, op, dst, src, imm: i, off }): Insn => ({ kind: 'jmp', width, op, dst, src, imm: src === null ? i : 0, off })) },
  { weight: 1, arbitrary: jumpOff.map((off): Insn => ({ kind: 'ja', off })) },
  { weight: 1, arbitrary: jumpOff.map((off): Insn => ({ kind: 'may_goto', off })) },
  { weight: 4, arbitrary: fc.record({ size, sx: fc.boolean(), dst: lowReg, src: fc.constantFrom<Reg>(1, 2, 10, 0, 6), off: memOff })
    .map(({ size: s, sx, dst, src, off }): Insn => ({ kind: 'ldx', size: s, sx: sx && s !== 8, dst, src, off })) },
  { weight: 3, arbitrary: fc.record({ size, dst: fc.constantFrom<Reg>(10, 1, 2, 0), src: reg, off: memOff }).map((r): Insn => ({ kind: 'stx', ...r })) },
  { weight: 2, arbitrary: fc.record({ size, dst: fc.constantFrom<Reg>(10, 1, 0), off: memOff, imm }).map((r): Insn => ({ kind: 'st', ...r })) },
  { weight: 1, arbitrary: fc.record({ size: fc.constantFrom<Size>(4, 8), op: fc.constantFrom('add', 'or', 'and', 'xor', 'xchg', 'cmpxchg' as const), fetch: fc.boolean(), dst: fc.constantFrom<Reg>(10, 1, 0), src: lowReg, off: memOff })
    .map((r): Insn => ({ kind: 'atomic', ...r, fetch: r.op === 'xchg' || r.op === 'cmpxchg' ? true : r.fetch })) },
  { weight: 2, arbitrary: fc.record({ dst: fc.constantFrom<Reg>(1, 2, 3), src: fc.constantFrom<1 | 2>(1, 2), map: fc.constantFrom(...MAPS.map((m) => m.name)) })
    .map(({ dst, src, map }): Insn => ({ kind: 'lddw', dst, src, imm: 0n, map })) },
  { weight: 1, arbitrary: fc.record({ dst: fc.constantFrom<Reg>(2, 3), off: jumpOff }).map(({ dst, off }): Insn => ({ kind: 'lddw', dst, src: 4, imm: BigInt.asUintN(64, BigInt(off)) })) },
  { weight: 1, arbitrary: fc.record({ dst: lowReg, v: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }).map(({ dst, v }): Insn => ({ kind: 'lddw', dst, src: 0, imm: v })) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...HELPERS), fc.integer({ min: 1, max: BPF_FUNC_MAX_ID + 3 })).map((id): Insn => ({ kind: 'call', target: 'helper', imm: id, off: 0 })) },
  { weight: 1, arbitrary: jumpOff.map((i): Insn => ({ kind: 'call', target: 'local', imm: i, off: 0 })) },
  { weight: 1, arbitrary: reg.map((r): Insn => ({ kind: 'callx', reg: r })) },
  { weight: 1, arbitrary: fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), imm: fc.integer({ min: -4, max: 80 }) }).map((r): Insn => ({ kind: 'ldabs', ...r })) },
  { weight: 1, arbitrary: fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), src: reg, imm: fc.integer({ min: -4, max: 80 }) }).map((r): Insn => ({ kind: 'ldind', ...r })) },
  { weight: 2, arbitrary: fc.constant<Insn>({ kind: 'exit' }) },
);

const PROG_TYPES = ['raw', 'socket_filter', 'xdp', 'tracepoint'] as const;
const inputArb = fc.record({
  mem: fc.uint8Array({ minLength: 0, maxLength: 48 }),
  budget: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 400 }), fc.constant(100_000)),
  progType: fc.constantFrom(...PROG_TYPES),
});
type Input = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

/** The tail-call target in slot 0 of `progs`: r0 = r1 + 1 (its context pointer). */
const TAIL: Program = programOf([{ kind: 'alu', width: 64, op: 'add', dst: 0, src: 1, imm: 0 }, { kind: 'alu', width: 64, op: 'add', dst: 0, src: null, imm: 1 }, { kind: 'exit' }]);

function runBoth(program: Program, inp: Input): [Outcome[], Outcome[]] {
  const each = (engine: Engine): Outcome[] => {
    const progType = inp.progType === 'raw' ? undefined : inp.progType;
    let vm;
    try {
      vm = vmOf(program, engine, { seed: 7, clock: () => 1_000_000n, maxInsns: inp.budget, ...(progType === undefined ? {} : { progType }) });
    } catch (e) {
      return [{ fault: { kind: 'setup', pc: -1, message: (e as Error).message }, maps: {} }];
    }
    if (program.maps.some((m) => m.name === 'progs')) vm.setTailCall('progs', 0, TAIL);
    const input = inp.progType === 'socket_filter' || inp.progType === 'xdp'
      ? { packet: Uint8Array.from([...inp.mem, ...new Array<number>(14).fill(0x11)]) }
      : inp.progType === 'tracepoint' ? { ctx: inp.mem } : { mem: inp.mem };
    // twice: state that persists across runs (maps, stacks) must agree too
    return [outcomeOf(vm, input), outcomeOf(vm, input)];
  };
  return [each('interpreter'), each('compiled')];
}

describe('compiled = interpreter', () => {
  it(`on random programs with loops, calls, helpers, maps, bad accesses and small budgets (${RUNS} cases)`, () => {
    fc.assert(fc.property(fc.array(insnArb, { minLength: 1, maxLength: 28 }), inputArb, (insns, inp) => {
      const [a, b] = runBoth(programOf(insns, { maps: MAPS }), inp);
      expect(b).toEqual(a);
    }), { numRuns: RUNS });
  });

  it(`on full-range instructions (${VALID_RUNS} cases)`, () => {
    fc.assert(fc.property(insnsArb(16), inputArb, (insns, inp) => {
      const [a, b] = runBoth(programOf(insns, { maps: MAPS }), inp);
      expect(b).toEqual(a);
    }), { numRuns: VALID_RUNS });
  });

  it(`on self loops whose bodies access memory through moving pointers (${VALID_RUNS} cases)`, () => {
    // r9 counts iterations; r1 (raw memory), r6 (stack), r7 (a copy of r1) move by a random step each time
    const step = fc.integer({ min: -9, max: 9 });
    const bodyInsn: fc.Arbitrary<Insn> = fc.oneof(
      fc.record({ size, sx: fc.boolean(), dst: fc.constantFrom<Reg>(0, 2, 3), src: fc.constantFrom<Reg>(1, 6, 7), off: fc.integer({ min: -12, max: 12 }) })
        .map(({ size: sz, sx, dst, src, off }): Insn => ({ kind: 'ldx', size: sz, sx: sx && sz !== 8, dst, src, off })),
      fc.record({ size, dst: fc.constantFrom<Reg>(1, 6, 7), src: fc.constantFrom<Reg>(0, 2, 3), off: fc.integer({ min: -12, max: 12 }) }).map((r): Insn => ({ kind: 'stx', ...r })),
      fc.record({ size: fc.constantFrom<Size>(4, 8), op: fc.constantFrom('add', 'xor', 'xchg' as const), dst: fc.constantFrom<Reg>(1, 6), src: fc.constantFrom<Reg>(2, 3), off: fc.integer({ min: -8, max: 8 }) })
        .map((r): Insn => ({ kind: 'atomic', ...r, fetch: r.op === 'xchg' })),
      fc.record({ op: fc.constantFrom<AluOp>('add', 'mul', 'xor', 'rsh'), dst: fc.constantFrom<Reg>(0, 2, 3), src: fc.option(fc.constantFrom<Reg>(0, 2, 3)), imm }).map(({ op, dst, src, imm: i }): Insn => ({ kind: 'alu', width: 64, op, dst, src, imm: src === null ? i : 0 })),
    );
    const loopArb = fc.record({ body: fc.array(bodyInsn, { minLength: 1, maxLength: 8 }), s1: step, s6: step, s7: step, n: fc.integer({ min: 1, max: 70 }), start6: fc.integer({ min: -520, max: 0 }) });
    fc.assert(fc.property(loopArb, fc.uint8Array({ minLength: 1, maxLength: 64 }), ({ body, s1, s6, s7, n, start6 }, mem) => {
      const alu = (dst: Reg, imm2: number): Insn => ({ kind: 'alu', width: 64, op: 'add', dst, src: null, imm: imm2 });
      const insns: Insn[] = [
        { kind: 'alu', width: 64, op: 'mov', dst: 9, src: null, imm: n },
        { kind: 'alu', width: 64, op: 'mov', dst: 6, src: 10, imm: 0 }, alu(6, start6),
        { kind: 'alu', width: 64, op: 'mov', dst: 7, src: 1, imm: 0 }, alu(7, mem.length >> 1),
        ...body, alu(1, s1), alu(6, s6), alu(7, s7), alu(9, -1),
        { kind: 'jmp', width: 64, op: 'jne', dst: 9, src: null, imm: 0, off: -(body.length + 5) },
        { kind: 'exit' },
      ];
      const [a, b] = runBoth(programOf(insns), { mem, budget: 100_000, progType: 'raw' });
      expect(b).toEqual(a);
    }), { numRuns: VALID_RUNS });
  });

  const shapes = [
    { name: 'loops, stack, atomics, subprograms (socket filter)', shape: { branches: true, loops: true, maxIterations: 40, stack: true, atomics: true, subprograms: 2, ctxReads: true, progType: BPF_PROG_TYPE_SOCKET_FILTER } },
    { name: 'map helpers on an array (XDP)', shape: { branches: true, loops: true, stack: true, helpers: ['map_lookup_elem', 'map_update_elem', 'get_prandom_u32', 'ktime_get_ns'], ctxReads: true, progType: BPF_PROG_TYPE_XDP } },
    { name: 'map helpers on a hash, subprograms', shape: { branches: true, loops: true, stack: true, helpers: ['map_lookup_elem', 'map_update_elem', 'get_smp_processor_id'], mapType: BPF_MAP_TYPE_HASH, mapValueSize: 24, subprograms: 2 } },
  ] as const;
  for (const { name, shape } of shapes) {
    it(`on valid programs: ${name} (${VALID_RUNS} cases)`, () => {
      const packet = fc.uint8Array({ minLength: 14, maxLength: 80 });
      const budget = fc.oneof(fc.constant(1_000_000), fc.integer({ min: 1, max: 300 }));
      fc.assert(fc.property(programArb(shape), packet, budget, (program, pkt, maxInsns) => {
        const run = (engine: Engine): Outcome[] => {
          const vm = vmOf(program, engine, { seed: 3, clock: () => 5n, maxInsns });
          return [outcomeOf(vm, { packet: pkt }), outcomeOf(vm, { packet: pkt })];
        };
        expect(run('compiled')).toEqual(run('interpreter'));
      }), { numRuns: VALID_RUNS });
    });
  }
});
