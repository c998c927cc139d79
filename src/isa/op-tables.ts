import type { AluOp, AtomicOp, JmpOp, Size } from './insn.js';
import * as K from './opcodes.js';

/** ALU operation name -> (BPF_OP bits, off field). */
export const ALU_OP_CODE: Readonly<Record<AluOp, { readonly op: number; readonly off: number }>> = {
  add: { op: K.BPF_ADD, off: 0 },
  sub: { op: K.BPF_SUB, off: 0 },
  mul: { op: K.BPF_MUL, off: 0 },
  div: { op: K.BPF_DIV, off: 0 },
  sdiv: { op: K.BPF_DIV, off: 1 },
  or: { op: K.BPF_OR, off: 0 },
  and: { op: K.BPF_AND, off: 0 },
  lsh: { op: K.BPF_LSH, off: 0 },
  rsh: { op: K.BPF_RSH, off: 0 },
  neg: { op: K.BPF_NEG, off: 0 },
  mod: { op: K.BPF_MOD, off: 0 },
  smod: { op: K.BPF_MOD, off: 1 },
  xor: { op: K.BPF_XOR, off: 0 },
  mov: { op: K.BPF_MOV, off: 0 },
  movsx8: { op: K.BPF_MOV, off: 8 },
  movsx16: { op: K.BPF_MOV, off: 16 },
  movsx32: { op: K.BPF_MOV, off: 32 },
  arsh: { op: K.BPF_ARSH, off: 0 },
};

/** Conditional jump name -> BPF_OP bits. */
export const JMP_OP_CODE: Readonly<Record<JmpOp, number>> = {
  jeq: K.BPF_JEQ,
  jgt: K.BPF_JGT,
  jge: K.BPF_JGE,
  jset: K.BPF_JSET,
  jne: K.BPF_JNE,
  jsgt: K.BPF_JSGT,
  jsge: K.BPF_JSGE,
  jlt: K.BPF_JLT,
  jle: K.BPF_JLE,
  jslt: K.BPF_JSLT,
  jsle: K.BPF_JSLE,
};

/** Atomic operation name -> imm bits without BPF_FETCH. */
export const ATOMIC_OP_CODE: Readonly<Record<AtomicOp, number>> = {
  add: K.BPF_ADD,
  or: K.BPF_OR,
  and: K.BPF_AND,
  xor: K.BPF_XOR,
  xchg: K.BPF_XCHG,
  cmpxchg: K.BPF_CMPXCHG,
  load_acq: K.BPF_LOAD_ACQ,
  store_rel: K.BPF_STORE_REL,
};

/** Access size in bytes -> BPF_SIZE bits. */
export const SIZE_CODE: Readonly<Record<Size, number>> = { 1: K.BPF_B, 2: K.BPF_H, 4: K.BPF_W, 8: K.BPF_DW };

/** BPF_SIZE bits -> access size in bytes. */
export const CODE_SIZE: Readonly<Record<number, Size>> = { [K.BPF_B]: 1, [K.BPF_H]: 2, [K.BPF_W]: 4, [K.BPF_DW]: 8 };

/** Reverse lookup of a table: value -> key. */
export function invert<K2 extends string>(table: Readonly<Record<K2, number>>): Map<number, K2> {
  const out = new Map<number, K2>();
  for (const k of Object.keys(table) as K2[]) out.set(table[k], k);
  return out;
}
