import { toRaw } from '../isa/encode.js';
import { BPF_FUNC_tail_call } from '../isa/helpers.js';
import type { AluOp, Insn, JmpOp, LdImm64Insn } from '../isa/insn.js';
import type { Program } from '../isa/program.js';
import { OPS as O, SLOT_WORDS } from './interpreter.js';

/** A 64-bit value as two 32-bit halves (`lo` and `hi` as signed int32). */
export interface Halves {
  lo: number;
  hi: number;
}

/**
 * A program pre-decoded for the interpreter: one row of `SLOT_WORDS` int32 per slot
 * (`[op | dst << 8 | src << 12, off or jump target, imm, imm high half]`), followed by
 * sentinel rows that fault (falling off the end, jumps out of range).
 */
export interface CompiledProgram {
  readonly program: Program;
  readonly code: Int32Array;
  /** Number of real slots (the kernel's instruction count). */
  readonly slots: number;
  /** The instruction that starts at each slot (undefined for the second half of `lddw`). */
  readonly insnAt: readonly (Insn | undefined)[];
  /** Fault reasons referenced by `OP_FAULT` rows (their imm). */
  readonly notes: readonly string[];
}

/** Resolves a pseudo `lddw` (map, map value, function) to a 64-bit value, or returns a reason it cannot. */
export type LddwResolver = (insn: LdImm64Insn, slot: number, slotOfInsn: readonly number[]) => Halves | string;

const ALU_INDEX: Record<Exclude<AluOp, 'neg' | 'movsx8' | 'movsx16' | 'movsx32'>, number> = {
  add: 0, sub: 1, mul: 2, div: 3, sdiv: 4, or: 5, and: 6, lsh: 7, rsh: 8, mod: 9, smod: 10, xor: 11, mov: 12, arsh: 13,
};
const JMP_INDEX: Record<JmpOp, number> = {
  jeq: 0, jgt: 1, jge: 2, jset: 3, jne: 4, jsgt: 5, jsge: 6, jlt: 7, jle: 8, jslt: 9, jsle: 10,
};
const ATOMIC_INDEX = { add: 0, or: 1, and: 2, xor: 3, xchg: 4, cmpxchg: 5, load_acq: 6, store_rel: 7 } as const;

/** Atomic operation numbers packed in the imm of `OP_ATOMIC` rows: `size | op << 4 | fetch << 8`. */
export const ATOMIC_OPS = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg', 'load_acq', 'store_rel'] as const;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Pre-decode `program` once; `resolve` turns map / function `lddw`s into addresses.
 * Never throws for bad instructions: they become rows that fault when executed.
 */
export function compileProgram(program: Program, resolve: LddwResolver): CompiledProgram {
  const insns: readonly Insn[] = Array.isArray(program.insns) ? program.insns : [];
  const slotOf: number[] = [];
  let nslots = 0;
  for (const insn of insns) {
    slotOf.push(nslots);
    nslots += insn !== null && typeof insn === 'object' && insn.kind === 'lddw' ? 2 : 1;
  }
  const insnAt: (Insn | undefined)[] = new Array<Insn | undefined>(nslots).fill(undefined);
  const isStart = new Uint8Array(nslots);
  insns.forEach((insn, i) => {
    insnAt[slotOf[i]!] = insn;
    isStart[slotOf[i]!] = 1;
  });
  const notes: string[] = [];
  const extra: number[][] = [];
  const W = SLOT_WORDS;
  const code = new Int32Array((nslots + 1) * W);
  const put = (slot: number, op: number, dst: number, src: number, off: number, imm: number, immHi: number) => {
    const b = slot * W;
    code[b] = op | (dst << 8) | (src << 12);
    code[b + 1] = off;
    code[b + 2] = imm;
    code[b + 3] = immHi;
  };
  const note = (text: string): number => {
    notes.push(text);
    return notes.length - 1;
  };
  /** A jump target row index: the slot, or a sentinel that faults naming the jumping slot. */
  const target = (from: number, to: number): number => {
    if (to >= 0 && to < nslots && isStart[to] === 1) return to;
    const why = to >= 0 && to < nslots ? `jump into the middle of lddw at pc ${to - 1}` : `jump to pc ${to} out of range (0..${nslots - 1})`;
    extra.push([O.OP_FAULT, from, note(why)]);
    return nslots + extra.length;
  };
  insns.forEach((insn, i) => {
    const pc = slotOf[i]!;
    try {
      toRaw(insn, pc);
    } catch (e) {
      put(pc, O.OP_FAULT, 0, 0, pc, note(`invalid instruction: ${errorText(e)}`), 0);
      return;
    }
    switch (insn.kind) {
      case 'alu': {
        const w = insn.width === 64 ? 0 : 32;
        const src = insn.src ?? 0;
        if (insn.op === 'neg') put(pc, w + O.OP_NEG64, insn.dst, 0, 0, 0, 0);
        else if (insn.op === 'movsx8') put(pc, w + O.OP_MOVSX8_64, insn.dst, src, 0, 0, 0);
        else if (insn.op === 'movsx16') put(pc, w + O.OP_MOVSX16_64, insn.dst, src, 0, 0, 0);
        else if (insn.op === 'movsx32') put(pc, O.OP_MOVSX32_64, insn.dst, src, 0, 0, 0);
        else {
          const op = w + ALU_INDEX[insn.op] * 2 + (insn.src === null ? 0 : 1);
          put(pc, op, insn.dst, src, 0, insn.imm | 0, insn.imm >> 31);
        }
        break;
      }
      case 'end': {
        const base = insn.order === 'le' ? O.OP_LE16 : O.OP_BE16;
        put(pc, base + (insn.bits === 16 ? 0 : insn.bits === 32 ? 1 : 2), insn.dst, 0, 0, 0, 0);
        break;
      }
      case 'jmp': {
        const op = (insn.width === 64 ? O.OP_JEQ64_K : O.OP_JEQ32_K) + JMP_INDEX[insn.op] * 2 + (insn.src === null ? 0 : 1);
        put(pc, op, insn.dst, insn.src ?? 0, target(pc, pc + 1 + insn.off), insn.imm | 0, insn.imm >> 31);
        break;
      }
      case 'ja':
        put(pc, O.OP_JA, 0, 0, target(pc, pc + 1 + insn.off), 0, 0);
        break;
      case 'gotol':
        put(pc, O.OP_JA, 0, 0, target(pc, pc + 1 + insn.imm), 0, 0);
        break;
      case 'may_goto':
        put(pc, O.OP_MAY_GOTO, 0, 0, target(pc, pc + 1 + insn.off), 0, 0);
        break;
      case 'call':
        if (insn.target === 'local') put(pc, O.OP_CALL_LOCAL, 0, 0, target(pc, pc + 1 + insn.imm), 0, 0);
        else if (insn.target === 'kfunc') put(pc, O.OP_FAULT, 0, 0, pc, note(`kfunc calls are not supported (btf id ${insn.imm})`), 0);
        else put(pc, insn.imm === BPF_FUNC_tail_call ? O.OP_TAIL_CALL : O.OP_CALL_HELPER, 0, 0, 0, insn.imm, 0);
        break;
      case 'callx':
        put(pc, O.OP_CALLX, insn.reg, 0, 0, 0, 0);
        break;
      case 'exit':
        put(pc, O.OP_EXIT, 0, 0, 0, 0, 0);
        break;
      case 'lddw': {
        let v: Halves | string;
        if (insn.src === 0 && insn.map === undefined) {
          v = { lo: Number(insn.imm & 0xffffffffn) | 0, hi: Number((insn.imm >> 32n) & 0xffffffffn) | 0 };
        } else {
          try {
            v = resolve(insn, pc, slotOf);
          } catch (e) {
            v = errorText(e);
          }
        }
        if (typeof v === 'string') put(pc, O.OP_FAULT, 0, 0, pc, note(v), 0);
        else put(pc, O.OP_LDDW, insn.dst, 0, 0, v.lo, v.hi);
        put(pc + 1, O.OP_FAULT, 0, 0, pc + 1, note('executed the second half of lddw'), 0);
        break;
      }
      case 'ldx': {
        const op = insn.sx ? (insn.size === 1 ? O.OP_LDXSB : insn.size === 2 ? O.OP_LDXSH : O.OP_LDXSW)
          : O.OP_LDXB + [0, 0, 1, 1, 2, 2, 2, 2, 3][insn.size]!;
        if (insn.sx && insn.size === 8) put(pc, O.OP_LDXDW, insn.dst, insn.src, insn.off, 0, 0);
        else put(pc, op, insn.dst, insn.src, insn.off, 0, 0);
        break;
      }
      case 'st':
        put(pc, O.OP_STB + [0, 0, 1, 1, 2, 2, 2, 2, 3][insn.size]!, insn.dst, 0, insn.off, insn.imm | 0, insn.imm >> 31);
        break;
      case 'stx':
        put(pc, O.OP_STXB + [0, 0, 1, 1, 2, 2, 2, 2, 3][insn.size]!, insn.dst, insn.src, insn.off, 0, 0);
        break;
      case 'atomic':
        put(pc, O.OP_ATOMIC, insn.dst, insn.src, insn.off, insn.size | (ATOMIC_INDEX[insn.op] << 4) | (insn.fetch ? 256 : 0), 0);
        break;
      case 'ldabs':
        put(pc, O.OP_LDABS, 0, 0, 0, insn.imm | 0, insn.size);
        break;
      case 'ldind':
        put(pc, O.OP_LDIND, 0, insn.src, 0, insn.imm | 0, insn.size);
        break;
      default:
        put(pc, O.OP_FAULT, 0, 0, pc, note('unknown instruction kind'), 0);
    }
  });
  put(nslots, O.OP_FAULT, 0, 0, nslots, note('fell off the end of the program'), 0);
  const full = new Int32Array((nslots + 1 + extra.length) * W);
  full.set(code);
  extra.forEach(([op, from, n], k) => {
    const b = (nslots + 1 + k) * W;
    full[b] = op!;
    full[b + 1] = from!;
    full[b + 2] = n!;
  });
  return { program, code: full, slots: nslots, insnAt, notes };
}
