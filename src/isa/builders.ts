/**
 * Builders that read like the instruction: `add64(R1, 22)`, `jsgt(R1, -2, 3)`, `ldxw(R0, R1, 4)`.
 * A number as the source is an immediate, a `Reg` constant from `REG` is a register:
 * pass `reg(2)` or `R2` for registers. Offsets count slots.
 */
import type { AluOp, AtomicOp, Insn, JmpOp, Reg, Size } from './insn.js';

/** A register operand (distinct from an immediate in builder arguments). */
export interface RegOperand {
  readonly reg: Reg;
}
/** Wrap a register number as an operand: `add64(R0, reg(1))`, or use `R1`. */
export const reg = (r: Reg): RegOperand => ({ reg: r });

export const R0: RegOperand = { reg: 0 };
export const R1: RegOperand = { reg: 1 };
export const R2: RegOperand = { reg: 2 };
export const R3: RegOperand = { reg: 3 };
export const R4: RegOperand = { reg: 4 };
export const R5: RegOperand = { reg: 5 };
export const R6: RegOperand = { reg: 6 };
export const R7: RegOperand = { reg: 7 };
export const R8: RegOperand = { reg: 8 };
export const R9: RegOperand = { reg: 9 };
export const R10: RegOperand = { reg: 10 };
/** The frame pointer, r10. */
export const FP = R10;

/** A source operand: a register or a signed 32-bit immediate. */
export type Source = RegOperand | number;

function alu(width: 32 | 64, op: AluOp) {
  return (dst: RegOperand, src: Source): Insn =>
    typeof src === 'number'
      ? { kind: 'alu', width, op, dst: dst.reg, src: null, imm: src }
      : { kind: 'alu', width, op, dst: dst.reg, src: src.reg, imm: 0 };
}

/** `dst += src` (64-bit). @example add64(R1, 22) */
export const add64 = alu(64, 'add');
export const sub64 = alu(64, 'sub');
export const mul64 = alu(64, 'mul');
export const div64 = alu(64, 'div');
export const sdiv64 = alu(64, 'sdiv');
export const or64 = alu(64, 'or');
export const and64 = alu(64, 'and');
export const lsh64 = alu(64, 'lsh');
export const rsh64 = alu(64, 'rsh');
export const mod64 = alu(64, 'mod');
export const smod64 = alu(64, 'smod');
export const xor64 = alu(64, 'xor');
export const mov64 = alu(64, 'mov');
export const arsh64 = alu(64, 'arsh');
/** `w_dst += src` (32-bit, zero-extends). @example add32(R1, R2) */
export const add32 = alu(32, 'add');
export const sub32 = alu(32, 'sub');
export const mul32 = alu(32, 'mul');
export const div32 = alu(32, 'div');
export const sdiv32 = alu(32, 'sdiv');
export const or32 = alu(32, 'or');
export const and32 = alu(32, 'and');
export const lsh32 = alu(32, 'lsh');
export const rsh32 = alu(32, 'rsh');
export const mod32 = alu(32, 'mod');
export const smod32 = alu(32, 'smod');
export const xor32 = alu(32, 'xor');
export const mov32 = alu(32, 'mov');
export const arsh32 = alu(32, 'arsh');

/** `dst = -dst`. @example neg64(R0) */
export const neg64 = (dst: RegOperand): Insn => ({ kind: 'alu', width: 64, op: 'neg', dst: dst.reg, src: null, imm: 0 });
export const neg32 = (dst: RegOperand): Insn => ({ kind: 'alu', width: 32, op: 'neg', dst: dst.reg, src: null, imm: 0 });

/** `dst = (s8|s16|s32)src`. @example movsx64(R0, R1, 8) */
export function movsx64(dst: RegOperand, src: RegOperand, bits: 8 | 16 | 32): Insn {
  return { kind: 'alu', width: 64, op: `movsx${bits}`, dst: dst.reg, src: src.reg, imm: 0 };
}
/** `w_dst = (s8|s16)w_src`. @example movsx32(R0, R1, 16) */
export function movsx32(dst: RegOperand, src: RegOperand, bits: 8 | 16): Insn {
  return { kind: 'alu', width: 32, op: `movsx${bits}`, dst: dst.reg, src: src.reg, imm: 0 };
}

/** Byte order: `be16(R0)` is `r0 = be16 r0`; `bswap64(R0)` is `r0 = bswap64 r0`. */
export const le = (dst: RegOperand, bits: 16 | 32 | 64): Insn => ({ kind: 'end', order: 'le', bits, dst: dst.reg });
export const be = (dst: RegOperand, bits: 16 | 32 | 64): Insn => ({ kind: 'end', order: 'be', bits, dst: dst.reg });
export const bswap = (dst: RegOperand, bits: 16 | 32 | 64): Insn => ({ kind: 'end', order: 'swap', bits, dst: dst.reg });

function jmp(width: 32 | 64, op: JmpOp) {
  return (dst: RegOperand, src: Source, off: number): Insn =>
    typeof src === 'number'
      ? { kind: 'jmp', width, op, dst: dst.reg, src: null, imm: src, off }
      : { kind: 'jmp', width, op, dst: dst.reg, src: src.reg, imm: 0, off };
}

/** `if dst == src goto +off`. @example jeq(R1, 0, 2) */
export const jeq = jmp(64, 'jeq');
export const jgt = jmp(64, 'jgt');
export const jge = jmp(64, 'jge');
export const jset = jmp(64, 'jset');
export const jne = jmp(64, 'jne');
export const jsgt = jmp(64, 'jsgt');
export const jsge = jmp(64, 'jsge');
export const jlt = jmp(64, 'jlt');
export const jle = jmp(64, 'jle');
export const jslt = jmp(64, 'jslt');
export const jsle = jmp(64, 'jsle');
/** `if w_dst == src goto +off` (32-bit compare). @example jeq32(R1, R2, -3) */
export const jeq32 = jmp(32, 'jeq');
export const jgt32 = jmp(32, 'jgt');
export const jge32 = jmp(32, 'jge');
export const jset32 = jmp(32, 'jset');
export const jne32 = jmp(32, 'jne');
export const jsgt32 = jmp(32, 'jsgt');
export const jsge32 = jmp(32, 'jsge');
export const jlt32 = jmp(32, 'jlt');
export const jle32 = jmp(32, 'jle');
export const jslt32 = jmp(32, 'jslt');
export const jsle32 = jmp(32, 'jsle');

/** `goto +off`. @example ja(-1) */
export const ja = (off: number): Insn => ({ kind: 'ja', off });
/** `gotol +imm` (32-bit offset). */
export const gotol = (imm: number): Insn => ({ kind: 'gotol', imm });
/** `may_goto +off`. */
export const mayGoto = (off: number): Insn => ({ kind: 'may_goto', off });
/** `call id` of a helper. @example call(1) // bpf_map_lookup_elem */
export const call = (helperId: number): Insn => ({ kind: 'call', target: 'helper', imm: helperId, off: 0 });
/** bpf-to-bpf call, `imm` slots after the next instruction. */
export const callLocal = (imm: number): Insn => ({ kind: 'call', target: 'local', imm, off: 0 });
/** kfunc call by BTF id. */
export const callKfunc = (btfId: number, off = 0): Insn => ({ kind: 'call', target: 'kfunc', imm: btfId, off });
/** `callx reg`. */
export const callx = (r: RegOperand): Insn => ({ kind: 'callx', reg: r.reg });
/** `exit`. */
export const exit = (): Insn => ({ kind: 'exit' });

/** `dst = imm ll` (64-bit immediate, two slots). @example lddw(R0, 0x1122334455667788n) */
export const lddw = (dst: RegOperand, imm: bigint): Insn => ({ kind: 'lddw', dst: dst.reg, src: 0, imm: BigInt.asUintN(64, imm) });
/** `dst = map[name]`: a map fd reference resolved by the loader or VM (`index` is the placeholder imm). */
export const ldMapFd = (dst: RegOperand, map: string, index = 0): Insn => ({ kind: 'lddw', dst: dst.reg, src: 1, imm: BigInt(index), map });
/** `dst = &map[name] + off`: a pointer into the map's first value. */
export const ldMapValue = (dst: RegOperand, map: string, off = 0, index = 0): Insn =>
  ({ kind: 'lddw', dst: dst.reg, src: 2, imm: (BigInt(off >>> 0) << 32n) | BigInt(index), map });

function ldx(size: Size, sx: boolean) {
  return (dst: RegOperand, src: RegOperand, off: number): Insn => ({ kind: 'ldx', size, sx, dst: dst.reg, src: src.reg, off });
}
/** `dst = *(u32 *)(src + off)`. @example ldxw(R0, R1, 4) */
export const ldxb = ldx(1, false);
export const ldxh = ldx(2, false);
export const ldxw = ldx(4, false);
export const ldxdw = ldx(8, false);
/** `dst = *(s8 *)(src + off)`. */
export const ldxsb = ldx(1, true);
export const ldxsh = ldx(2, true);
export const ldxsw = ldx(4, true);

function st(size: Size) {
  return (dst: RegOperand, off: number, src: Source): Insn =>
    typeof src === 'number'
      ? { kind: 'st', size, dst: dst.reg, off, imm: src }
      : { kind: 'stx', size, dst: dst.reg, src: src.reg, off };
}
/** `*(u64 *)(dst + off) = src` (register: STX, number: ST). @example stdw(R10, -8, R1) */
export const stb = st(1);
export const sth = st(2);
export const stw = st(4);
export const stdw = st(8);

/** Atomic op on `*(size *)(dst + off)`. @example atomic(8, 'add', R10, -8, R1, true) */
export function atomic(size: Size, op: AtomicOp, dst: RegOperand, off: number, src: RegOperand, fetch = op === 'xchg' || op === 'cmpxchg'): Insn {
  return { kind: 'atomic', size, op, fetch, dst: dst.reg, src: src.reg, off };
}

/** `r0 = *(size *)skb[imm]`. */
export const ldabs = (size: 1 | 2 | 4, imm: number): Insn => ({ kind: 'ldabs', size, imm });
/** `r0 = *(size *)skb[src + imm]`. */
export const ldind = (size: 1 | 2 | 4, src: RegOperand, imm: number): Insn => ({ kind: 'ldind', size, src: src.reg, imm });
