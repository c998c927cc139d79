/**
 * fast-check arbitraries of valid instructions: every `Insn` kind, every operation,
 * and each field over its full encodable range. Reusable by any room's tests.
 */
import fc from 'fast-check';
import type { AluOp, AtomicOp, Insn, JmpOp, Reg, Size } from '../../src/isa/index.js';

export const regArb: fc.Arbitrary<Reg> = fc.integer({ min: 0, max: 10 }) as fc.Arbitrary<Reg>;
export const imm32Arb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  fc.constantFrom(0, 1, -1, 0x7fff_ffff, -0x8000_0000),
);
export const off16Arb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -0x8000, max: 0x7fff }),
  fc.constantFrom(0, 1, -1, 0x7fff, -0x8000),
);
export const sizeArb: fc.Arbitrary<Size> = fc.constantFrom<Size>(1, 2, 4, 8);
export const widthArb = fc.constantFrom<32 | 64>(32, 64);

const ALU_BINARY: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMP_OPS: JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];

const aluArb: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({ width: widthArb, op: fc.constantFrom(...ALU_BINARY), dst: regArb, src: regArb })
    .map(({ width, op, dst, src }): Insn => ({ kind: 'alu', width, op, dst, src, imm: 0 })),
  fc.record({ width: widthArb, op: fc.constantFrom(...ALU_BINARY), dst: regArb, imm: imm32Arb })
    .map(({ width, op, dst, imm }): Insn => ({ kind: 'alu', width, op, dst, src: null, imm })),
  fc.record({ width: widthArb, dst: regArb }).map(({ width, dst }): Insn => ({ kind: 'alu', width, op: 'neg', dst, src: null, imm: 0 })),
  fc.record({ op: fc.constantFrom<AluOp>('movsx8', 'movsx16', 'movsx32'), dst: regArb, src: regArb })
    .map(({ op, dst, src }): Insn => ({ kind: 'alu', width: 64, op, dst, src, imm: 0 })),
  fc.record({ op: fc.constantFrom<AluOp>('movsx8', 'movsx16'), dst: regArb, src: regArb })
    .map(({ op, dst, src }): Insn => ({ kind: 'alu', width: 32, op, dst, src, imm: 0 })),
);

const endArb: fc.Arbitrary<Insn> = fc.record({
  order: fc.constantFrom<'le' | 'be' | 'swap'>('le', 'be', 'swap'),
  bits: fc.constantFrom<16 | 32 | 64>(16, 32, 64),
  dst: regArb,
}).map((r): Insn => ({ kind: 'end', ...r }));

const jmpArb: fc.Arbitrary<Insn> = fc.record({
  width: widthArb, op: fc.constantFrom(...JMP_OPS), dst: regArb, src: fc.option(regArb), imm: imm32Arb, off: off16Arb,
}).map(({ width, op, dst, src, imm, off }): Insn => ({ kind: 'jmp', width, op, dst, src, imm: src === null ? imm : 0, off }));

const callArb: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({ target: fc.constantFrom<'helper' | 'local'>('helper', 'local'), imm: imm32Arb })
    .map(({ target, imm }): Insn => ({ kind: 'call', target, imm, off: 0 })),
  fc.integer({ min: 0, max: 220 }).map((imm): Insn => ({ kind: 'call', target: 'helper', imm, off: 0 })),
  fc.record({ imm: imm32Arb, off: off16Arb }).map(({ imm, off }): Insn => ({ kind: 'call', target: 'kfunc', imm, off })),
);

const lddwArb: fc.Arbitrary<Insn> = fc.record({
  dst: regArb,
  src: fc.constantFrom<0 | 1 | 2 | 3 | 4 | 5 | 6>(0, 1, 2, 3, 4, 5, 6),
  imm: fc.oneof(fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }), fc.bigInt({ min: 0n, max: 0xffff_ffffn })),
}).map((r): Insn => ({ kind: 'lddw', ...r }));

const memArb: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({ size: sizeArb, sx: fc.boolean(), dst: regArb, src: regArb, off: off16Arb })
    .map(({ size, sx, dst, src, off }): Insn => ({ kind: 'ldx', size, sx: size !== 8 && sx, dst, src, off })),
  fc.record({ size: sizeArb, dst: regArb, off: off16Arb, imm: imm32Arb }).map((r): Insn => ({ kind: 'st', ...r })),
  fc.record({ size: sizeArb, dst: regArb, src: regArb, off: off16Arb }).map((r): Insn => ({ kind: 'stx', ...r })),
);

const atomicArb: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({
    size: fc.constantFrom<Size>(4, 8), op: fc.constantFrom<AtomicOp>('add', 'or', 'and', 'xor'),
    fetch: fc.boolean(), dst: regArb, src: regArb, off: off16Arb,
  }).map((r): Insn => ({ kind: 'atomic', ...r })),
  fc.record({ size: fc.constantFrom<Size>(4, 8), op: fc.constantFrom<AtomicOp>('xchg', 'cmpxchg'), dst: regArb, src: regArb, off: off16Arb })
    .map((r): Insn => ({ kind: 'atomic', ...r, fetch: true })),
  fc.record({ size: sizeArb, op: fc.constantFrom<AtomicOp>('load_acq', 'store_rel'), dst: regArb, src: regArb, off: off16Arb })
    .map((r): Insn => ({ kind: 'atomic', ...r, fetch: false })),
);

const legacyArb: fc.Arbitrary<Insn> = fc.oneof(
  fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), imm: imm32Arb }).map((r): Insn => ({ kind: 'ldabs', ...r })),
  fc.record({ size: fc.constantFrom<1 | 2 | 4>(1, 2, 4), src: regArb, imm: imm32Arb }).map((r): Insn => ({ kind: 'ldind', ...r })),
);

/** Any valid instruction, weighted so that every kind shows up often. */
export const insnArb: fc.Arbitrary<Insn> = fc.oneof(
  aluArb, endArb, jmpArb,
  off16Arb.map((off): Insn => ({ kind: 'ja', off })),
  imm32Arb.map((imm): Insn => ({ kind: 'gotol', imm })),
  off16Arb.map((off): Insn => ({ kind: 'may_goto', off })),
  callArb,
  regArb.map((reg): Insn => ({ kind: 'callx', reg })),
  fc.constant<Insn>({ kind: 'exit' }),
  lddwArb, memArb, atomicArb, legacyArb,
);

/** A list of valid instructions. */
export const insnsArb = (maxLength = 20): fc.Arbitrary<Insn[]> => fc.array(insnArb, { minLength: 1, maxLength });
