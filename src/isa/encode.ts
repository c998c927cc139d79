import { IsaError } from './errors.js';
import { assertNever, insnSlots, type Insn } from './insn.js';
import * as K from './opcodes.js';
import { ALU_OP_CODE, ATOMIC_OP_CODE, JMP_OP_CODE, SIZE_CODE } from './op-tables.js';
import { writeRaw, type RawInsn } from './raw.js';

const PSEUDO_CALL_SRC = { helper: 0, local: K.BPF_PSEUDO_CALL, kfunc: K.BPF_PSEUDO_KFUNC_CALL } as const;

function checkInt(index: number, field: string, v: number, bits: 16 | 32): number {
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new IsaError(index, field, `${v} does not fit in a signed ${bits}-bit field`);
  }
  return v;
}

function checkReg(index: number, field: string, r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 10) throw new IsaError(index, field, `r${r} is not a register (r0..r10)`);
  return r;
}

/**
 * The raw slots of one instruction (two for `lddw`), validated.
 * @example toRaw({ kind: 'exit' }) // [{ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }]
 */
export function toRaw(insn: Insn, index = 0): RawInsn[] {
  const reg = (field: string, r: number) => checkReg(index, field, r);
  const i16 = (field: string, v: number) => checkInt(index, field, v, 16);
  const i32 = (field: string, v: number) => checkInt(index, field, v, 32);
  switch (insn.kind) {
    case 'alu': {
      const t = ALU_OP_CODE[insn.op];
      const cls = insn.width === 64 ? K.BPF_ALU64 : K.BPF_ALU;
      if (insn.op === 'neg') {
        if (insn.src !== null || insn.imm !== 0) throw new IsaError(index, 'src', 'neg takes no source operand');
        return [{ code: cls | t.op | K.BPF_K, dst: reg('dst', insn.dst), src: 0, off: 0, imm: 0 }];
      }
      if (insn.op.startsWith('movsx')) {
        if (insn.src === null) throw new IsaError(index, 'src', 'movsx needs a source register');
        if (insn.width === 32 && insn.op === 'movsx32') throw new IsaError(index, 'off', 'movsx32 exists only in ALU64');
      }
      if (insn.src !== null) {
        if (insn.imm !== 0) throw new IsaError(index, 'imm', 'register form has imm 0');
        return [{ code: cls | t.op | K.BPF_X, dst: reg('dst', insn.dst), src: reg('src', insn.src), off: t.off, imm: 0 }];
      }
      return [{ code: cls | t.op | K.BPF_K, dst: reg('dst', insn.dst), src: 0, off: t.off, imm: i32('imm', insn.imm) }];
    }
    case 'end': {
      if (insn.bits !== 16 && insn.bits !== 32 && insn.bits !== 64) throw new IsaError(index, 'imm', `byte swap of ${String(insn.bits)} bits`);
      const code = insn.order === 'swap' ? K.BPF_ALU64 | K.BPF_END | K.BPF_TO_LE
        : K.BPF_ALU | K.BPF_END | (insn.order === 'be' ? K.BPF_TO_BE : K.BPF_TO_LE);
      return [{ code, dst: reg('dst', insn.dst), src: 0, off: 0, imm: insn.bits }];
    }
    case 'jmp': {
      const cls = insn.width === 64 ? K.BPF_JMP : K.BPF_JMP32;
      const op = JMP_OP_CODE[insn.op];
      if (insn.src !== null) {
        if (insn.imm !== 0) throw new IsaError(index, 'imm', 'register form has imm 0');
        return [{ code: cls | op | K.BPF_X, dst: reg('dst', insn.dst), src: reg('src', insn.src), off: i16('off', insn.off), imm: 0 }];
      }
      return [{ code: cls | op | K.BPF_K, dst: reg('dst', insn.dst), src: 0, off: i16('off', insn.off), imm: i32('imm', insn.imm) }];
    }
    case 'ja':
      return [{ code: K.BPF_JMP | K.BPF_JA, dst: 0, src: 0, off: i16('off', insn.off), imm: 0 }];
    case 'gotol':
      return [{ code: K.BPF_JMP32 | K.BPF_JA, dst: 0, src: 0, off: 0, imm: i32('imm', insn.imm) }];
    case 'may_goto':
      return [{ code: K.BPF_JMP | K.BPF_JCOND, dst: 0, src: K.BPF_MAY_GOTO, off: i16('off', insn.off), imm: 0 }];
    case 'call':
      if (insn.target !== 'kfunc' && insn.off !== 0) throw new IsaError(index, 'off', 'only kfunc calls have an offset');
      return [{ code: K.BPF_JMP | K.BPF_CALL, dst: 0, src: PSEUDO_CALL_SRC[insn.target], off: i16('off', insn.off), imm: i32('imm', insn.imm) }];
    case 'callx':
      return [{ code: K.BPF_JMP | K.BPF_CALL | K.BPF_X, dst: reg('reg', insn.reg), src: 0, off: 0, imm: 0 }];
    case 'exit':
      return [{ code: K.BPF_JMP | K.BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 }];
    case 'lddw': {
      if (insn.src < 0 || insn.src > 6 || !Number.isInteger(insn.src)) throw new IsaError(index, 'src', `unknown pseudo source ${insn.src}`);
      if (insn.imm < 0n || insn.imm > 0xffff_ffff_ffff_ffffn) throw new IsaError(index, 'imm', `${insn.imm} does not fit in 64 bits`);
      const lo = Number(BigInt.asIntN(32, insn.imm));
      const hi = Number(BigInt.asIntN(32, insn.imm >> 32n));
      return [
        { code: K.BPF_LD | K.BPF_IMM | K.BPF_DW, dst: reg('dst', insn.dst), src: insn.src, off: 0, imm: lo },
        { code: 0, dst: 0, src: 0, off: 0, imm: hi },
      ];
    }
    case 'ldx': {
      if (insn.sx && insn.size === 8) throw new IsaError(index, 'size', 'sign-extending loads are 1, 2 or 4 bytes');
      const mode = insn.sx ? K.BPF_MEMSX : K.BPF_MEM;
      return [{ code: K.BPF_LDX | mode | SIZE_CODE[insn.size], dst: reg('dst', insn.dst), src: reg('src', insn.src), off: i16('off', insn.off), imm: 0 }];
    }
    case 'st':
      return [{ code: K.BPF_ST | K.BPF_MEM | SIZE_CODE[insn.size], dst: reg('dst', insn.dst), src: 0, off: i16('off', insn.off), imm: i32('imm', insn.imm) }];
    case 'stx':
      return [{ code: K.BPF_STX | K.BPF_MEM | SIZE_CODE[insn.size], dst: reg('dst', insn.dst), src: reg('src', insn.src), off: i16('off', insn.off), imm: 0 }];
    case 'atomic': {
      const ordered = insn.op === 'load_acq' || insn.op === 'store_rel';
      if (!ordered && insn.size !== 4 && insn.size !== 8) throw new IsaError(index, 'size', 'atomic read-modify-write is 4 or 8 bytes');
      const alwaysFetch = insn.op === 'xchg' || insn.op === 'cmpxchg';
      if (ordered && insn.fetch) throw new IsaError(index, 'imm', `${insn.op} has no fetch form`);
      if (alwaysFetch && !insn.fetch) throw new IsaError(index, 'imm', `${insn.op} always fetches`);
      const imm = ATOMIC_OP_CODE[insn.op] | (insn.fetch && !alwaysFetch ? K.BPF_FETCH : 0);
      return [{ code: K.BPF_STX | K.BPF_ATOMIC | SIZE_CODE[insn.size], dst: reg('dst', insn.dst), src: reg('src', insn.src), off: i16('off', insn.off), imm }];
    }
    case 'ldabs':
      return [{ code: K.BPF_LD | K.BPF_ABS | SIZE_CODE[insn.size], dst: 0, src: 0, off: 0, imm: i32('imm', insn.imm) }];
    case 'ldind':
      return [{ code: K.BPF_LD | K.BPF_IND | SIZE_CODE[insn.size], dst: 0, src: reg('src', insn.src), off: 0, imm: i32('imm', insn.imm) }];
    default:
      return assertNever(insn);
  }
}

/**
 * Encode instructions to the kernel's `struct bpf_insn[]` bytes (little-endian).
 * @example encode([mov64Imm(R0, 0), exit()]) // 16 bytes
 */
export function encode(insns: readonly Insn[]): Uint8Array {
  let slots = 0;
  for (const insn of insns) slots += insnSlots(insn);
  const out = new Uint8Array(slots * 8);
  const view = new DataView(out.buffer);
  let pc = 0;
  for (let i = 0; i < insns.length; i++) {
    for (const raw of toRaw(insns[i]!, i)) writeRaw(view, pc++, raw);
  }
  return out;
}
