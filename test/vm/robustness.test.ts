/**
 * The VM throws nothing but VmFault, never hangs, for arbitrary programs and inputs:
 * full-range instructions (test/asm arbitraries), raw bytes through `decode`, and a
 * "nearly valid" generator (small jumps, stack/context pointers, real helpers and maps)
 * that gets deep into helpers and memory paths. Set FUZZ_RUNS for longer offline runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/isa/decode.js';
import { IsaError } from '../../src/isa/errors.js';
import { BPF_FUNC_MAX_ID } from '../../src/isa/helpers.js';
import type { AluOp, Insn, JmpOp, Reg, Size } from '../../src/isa/insn.js';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_RINGBUF } from '../../src/isa/map-types.js';
import { programOf, type MapDef, type Program } from '../../src/isa/program.js';
import { Vm, VmFault } from '../../src/vm/index.js';
import { insnsArb } from '../asm/arbitraries.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 4000;
const NEAR_RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 10_000;

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
const smallOff = fc.integer({ min: -6, max: 6 });
const memOff = fc.oneof(fc.integer({ min: -520, max: 40 }), fc.constantFrom(-8, -16, 0, 4, 8));
const imm = fc.oneof(fc.integer({ min: -16, max: 64 }), fc.integer({ min: -2147483648, max: 2147483647 }));
const size = fc.constantFrom<Size>(1, 2, 4, 8);
const ALU: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMP: JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];

/** Instructions that are often meaningful: pointers stay near their regions, helpers exist. */
const nearInsn: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...ALU), dst: lowReg, src: fc.option(reg), imm })
    .map(({ width, op, dst, src, imm: i }): Insn => ({ kind: 'alu', width, op, dst, src, imm: src === null ? i : 0 })),
  fc.record({ width: fc.constantFrom<32 | 64>(32, 64), op: fc.constantFrom(...JMP), dst: reg, src: fc.option(reg), imm, off: smallOff })
    .map(({ width, op, dst, src, imm: i, off }): Insn => ({ kind: 'jmp', width, op, dst, src, imm: src === null ? i : 0, off })),
  smallOff.map((off): Insn => ({ kind: 'ja', off })),
  smallOff.map((off): Insn => ({ kind: 'may_goto', off })),
  fc.record({ size, sx: fc.boolean(), dst: lowReg, src: fc.constantFrom<Reg>(1, 2, 10, 0, 6), off: memOff })
    .map(({ size: s, sx, dst, src, off }): Insn => ({ kind: 'ldx', size: s, sx: sx && s !== 8, dst, src, off })),
  fc.record({ size, dst: fc.constantFrom<Reg>(10, 1, 2, 0), src: reg, off: memOff }).map((r): Insn => ({ kind: 'stx', ...r })),
  fc.record({ size, dst: fc.constantFrom<Reg>(10, 1, 0), off: memOff, imm }).map((r): Insn => ({ kind: 'st', ...r })),
  fc.record({ size: fc.constantFrom<Size>(4, 8), op: fc.constantFrom('add', 'or', 'and', 'xor', 'xchg', 'cmpxchg' as const), fetch: fc.boolean(), dst: fc.constantFrom<Reg>(10, 1, 0), src: lowReg, off: memOff })
    .map((r): Insn => ({ kind: 'atomic', ...r, fetch: r.op === 'xchg' || r.op === 'cmpxchg' ? true : r.fetch })),
  fc.record({ dst: fc.constantFrom<Reg>(1, 2, 3), src: fc.constantFrom<1 | 2>(1, 2), map: fc.constantFrom(...MAPS.map((m) => m.name)) })
    .map(({ dst, src, map }): Insn => ({ kind: 'lddw', dst, src, imm: 0n, map })),
  fc.record({ dst: fc.constantFrom<Reg>(2, 3), off: smallOff }).map(({ dst, off }): Insn => ({ kind: 'lddw', dst, src: 4, imm: BigInt.asUintN(64, BigInt(off)) })),
  fc.integer({ min: 1, max: BPF_FUNC_MAX_ID + 3 }).map((id): Insn => ({ kind: 'call', target: 'helper', imm: id, off: 0 })),
  smallOff.map((imm2): Insn => ({ kind: 'call', target: 'local', imm: imm2, off: 0 })),
  reg.map((r): Insn => ({ kind: 'callx', reg: r })),
  fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), imm: fc.integer({ min: -4, max: 80 }) }).map((r): Insn => ({ kind: 'ldabs', ...r })),
  fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), src: reg, imm: fc.integer({ min: -4, max: 80 }) }).map((r): Insn => ({ kind: 'ldind', ...r })),
  fc.constant<Insn>({ kind: 'exit' }),
);

const input = fc.record({
  progType: fc.constantFrom(0, 1, 3, 5, 6),
  mem: fc.uint8Array({ minLength: 0, maxLength: 64 }),
  packet: fc.uint8Array({ minLength: 14, maxLength: 80 }),
});

/** Run and demand: returns normally or throws VmFault, whose message is not an internal JS error. */
function runChecked(program: Program, inp: { progType: number; mem: Uint8Array; packet: Uint8Array }): void {
  try {
    const traced: number[] = [];
    const vm = new Vm(program, { progType: inp.progType, maxInsns: 5000, printk: () => {}, ...(inp.mem.length % 3 === 0 ? { trace: (e) => traced.push(e.pc) } : {}) });
    const progs = vm.maps.get('progs');
    if (progs !== undefined) vm.setTailCall('progs', 0, program);
    vm.run({ mem: inp.mem, packet: inp.packet, ctx: inp.mem });
    vm.run({ mem: inp.mem, packet: inp.packet, ctx: inp.mem });
  } catch (e) {
    if (!(e instanceof VmFault)) throw e;
    expect(e.message).not.toMatch(/TypeError|RangeError|ReferenceError|internal error|undefined|NaN/);
  }
}

describe('the VM throws only VmFault', () => {
  it(`on nearly-valid programs with maps and helpers (${NEAR_RUNS} cases)`, () => {
    fc.assert(fc.property(fc.array(nearInsn, { minLength: 1, maxLength: 24 }), input, (insns, inp) => {
      runChecked(programOf(insns, { maps: MAPS }), inp);
    }), { numRuns: NEAR_RUNS });
  });

  it(`on full-range instructions (${RUNS} cases)`, () => {
    fc.assert(fc.property(insnsArb(16), input, (insns, inp) => {
      runChecked(programOf(insns, { maps: MAPS }), inp);
    }), { numRuns: RUNS });
  });

  it(`on raw bytes that decode (${RUNS} cases)`, () => {
    const slot = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xaa }), fc.integer({ min: -8, max: 8 }), fc.integer({ min: -3, max: 600 }));
    fc.assert(fc.property(fc.array(slot, { minLength: 1, maxLength: 16 }), input, (slots, inp) => {
      const bytes = new Uint8Array(slots.length * 8);
      const view = new DataView(bytes.buffer);
      slots.forEach(([code, regs, off, immv], i) => {
        view.setUint8(i * 8, code);
        view.setUint8(i * 8 + 1, regs);
        view.setInt16(i * 8 + 2, off, true);
        view.setInt32(i * 8 + 4, immv, true);
      });
      let insns: Insn[];
      try {
        insns = decode(bytes);
      } catch (e) {
        if (e instanceof IsaError) return;
        throw e;
      }
      runChecked(programOf(insns), inp);
    }), { numRuns: RUNS });
  });

  it('on malformed Insn objects built by hand', () => {
    const bad = [
      { kind: 'alu', width: 64, op: 'add', dst: 11, src: null, imm: 0 },
      { kind: 'alu', width: 64, op: 'add', dst: 0, src: null, imm: 2 ** 40 },
      { kind: 'jmp', width: 64, op: 'jeq', dst: 0, src: null, imm: 0, off: 1.5 },
      { kind: 'nope' },
      null,
    ] as unknown as Insn[];
    for (const insn of bad) {
      expect(() => new Vm(programOf([insn, { kind: 'exit' }])).run()).toThrow(VmFault);
    }
  });
});
