import { IsaError } from './errors.js';
import { assertNever, type Insn } from './insn.js';
import * as K from './opcodes.js';
import { ALU_OP_CODE, ATOMIC_OP_CODE, JMP_OP_CODE, SIZE_CODE } from './op-tables.js';
import { readRaw, type RawInsn } from './raw.js';

const PSEUDO_CALL_SRC = { helper: 0, local: K.BPF_PSEUDO_CALL, kfunc: K.BPF_PSEUDO_KFUNC_CALL } as const;

function i16(index: number, field: string, v: number): number {
  if (!Number.isInteger(v) || v < -0x8000 || v > 0x7fff) {
    throw new IsaError(index, field, `${v} does not fit in a signed 16-bit field`);
  }
  return v;
}

function i32(index: number, field: string, v: number): number {
  if (!Number.isInteger(v) || v < -0x8000_0000 || v > 0x7fff_ffff) {
    throw new IsaError(index, field, `${v} does not fit in a signed 32-bit field`);
  }
  return v;
}

function reg(index: number, field: string, r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 10) throw new IsaError(index, field, `r${r} is not a register (r0..r10)`);
  return r;
}

/** Write one slot's five fields at byte offset `o` (little-endian `struct bpf_insn`). */
function put(b: Uint8Array, o: number, code: number, dst: number, src: number, off: number, imm: number): void {
  b[o] = code;
  b[o + 1] = (src << 4) | dst;
  b[o + 2] = off;
  b[o + 3] = off >> 8;
  b[o + 4] = imm;
  b[o + 5] = imm >> 8;
  b[o + 6] = imm >> 16;
  b[o + 7] = imm >> 24;
}

/**
 * Validate instruction `index` and write its slot(s) at byte offset `o` of `b`; returns the
 * number of slots written. Fields are checked in the order they appear in `struct bpf_insn`
 * literals (dst, src, off, imm), so the first error reported is stable.
 */
function writeInsn(b: Uint8Array, o: number, insn: Insn, index: number): 1 | 2 {
  switch (insn.kind) {
    case 'alu': {
      const t = ALU_OP_CODE[insn.op];
      const cls = insn.width === 64 ? K.BPF_ALU64 : K.BPF_ALU;
      if (insn.op === 'neg') {
        if (insn.src !== null || insn.imm !== 0) throw new IsaError(index, 'src', 'neg takes no source operand');
        put(b, o, cls | t.op | K.BPF_K, reg(index, 'dst', insn.dst), 0, 0, 0);
        return 1;
      }
      if (insn.op.startsWith('movsx')) {
        if (insn.src === null) throw new IsaError(index, 'src', 'movsx needs a source register');
        if (insn.width === 32 && insn.op === 'movsx32') throw new IsaError(index, 'off', 'movsx32 exists only in ALU64');
      }
      if (insn.src !== null) {
        if (insn.imm !== 0) throw new IsaError(index, 'imm', 'register form has imm 0');
        const dst = reg(index, 'dst', insn.dst);
        put(b, o, cls | t.op | K.BPF_X, dst, reg(index, 'src', insn.src), t.off, 0);
        return 1;
      }
      const dst = reg(index, 'dst', insn.dst);
      put(b, o, cls | t.op | K.BPF_K, dst, 0, t.off, i32(index, 'imm', insn.imm));
      return 1;
    }
    case 'end': {
      if (insn.bits !== 16 && insn.bits !== 32 && insn.bits !== 64) throw new IsaError(index, 'imm', `byte swap of ${String(insn.bits)} bits`);
      const code = insn.order === 'swap' ? K.BPF_ALU64 | K.BPF_END | K.BPF_TO_LE
        : K.BPF_ALU | K.BPF_END | (insn.order === 'be' ? K.BPF_TO_BE : K.BPF_TO_LE);
      put(b, o, code, reg(index, 'dst', insn.dst), 0, 0, insn.bits);
      return 1;
    }
    case 'jmp': {
      const code = (insn.width === 64 ? K.BPF_JMP : K.BPF_JMP32) | JMP_OP_CODE[insn.op];
      if (insn.src !== null) {
        if (insn.imm !== 0) throw new IsaError(index, 'imm', 'register form has imm 0');
        const dst = reg(index, 'dst', insn.dst);
        const src = reg(index, 'src', insn.src);
        put(b, o, code | K.BPF_X, dst, src, i16(index, 'off', insn.off), 0);
        return 1;
      }
      const dst = reg(index, 'dst', insn.dst);
      const off = i16(index, 'off', insn.off);
      put(b, o, code | K.BPF_K, dst, 0, off, i32(index, 'imm', insn.imm));
      return 1;
    }
    case 'ja':
      put(b, o, K.BPF_JMP | K.BPF_JA, 0, 0, i16(index, 'off', insn.off), 0);
      return 1;
    case 'gotol':
      put(b, o, K.BPF_JMP32 | K.BPF_JA, 0, 0, 0, i32(index, 'imm', insn.imm));
      return 1;
    case 'may_goto':
      put(b, o, K.BPF_JMP | K.BPF_JCOND, 0, K.BPF_MAY_GOTO, i16(index, 'off', insn.off), 0);
      return 1;
    case 'call': {
      if (insn.target !== 'kfunc' && insn.off !== 0) throw new IsaError(index, 'off', 'only kfunc calls have an offset');
      const off = i16(index, 'off', insn.off);
      put(b, o, K.BPF_JMP | K.BPF_CALL, 0, PSEUDO_CALL_SRC[insn.target], off, i32(index, 'imm', insn.imm));
      return 1;
    }
    case 'callx':
      put(b, o, K.BPF_JMP | K.BPF_CALL | K.BPF_X, reg(index, 'reg', insn.reg), 0, 0, 0);
      return 1;
    case 'exit':
      put(b, o, K.BPF_JMP | K.BPF_EXIT, 0, 0, 0, 0);
      return 1;
    case 'lddw': {
      if (insn.src < 0 || insn.src > 6 || !Number.isInteger(insn.src)) throw new IsaError(index, 'src', `unknown pseudo source ${insn.src}`);
      if (insn.imm < 0n || insn.imm > 0xffff_ffff_ffff_ffffn) throw new IsaError(index, 'imm', `${insn.imm} does not fit in 64 bits`);
      const dst = reg(index, 'dst', insn.dst);
      put(b, o, K.BPF_LD | K.BPF_IMM | K.BPF_DW, dst, insn.src, 0, Number(insn.imm & 0xffff_ffffn));
      put(b, o + 8, 0, 0, 0, 0, Number(insn.imm >> 32n));
      return 2;
    }
    case 'ldx': {
      if (insn.sx && insn.size === 8) throw new IsaError(index, 'size', 'sign-extending loads are 1, 2 or 4 bytes');
      const mode = insn.sx ? K.BPF_MEMSX : K.BPF_MEM;
      const dst = reg(index, 'dst', insn.dst);
      const src = reg(index, 'src', insn.src);
      put(b, o, K.BPF_LDX | mode | SIZE_CODE[insn.size], dst, src, i16(index, 'off', insn.off), 0);
      return 1;
    }
    case 'st': {
      const dst = reg(index, 'dst', insn.dst);
      const off = i16(index, 'off', insn.off);
      put(b, o, K.BPF_ST | K.BPF_MEM | SIZE_CODE[insn.size], dst, 0, off, i32(index, 'imm', insn.imm));
      return 1;
    }
    case 'stx': {
      const dst = reg(index, 'dst', insn.dst);
      const src = reg(index, 'src', insn.src);
      put(b, o, K.BPF_STX | K.BPF_MEM | SIZE_CODE[insn.size], dst, src, i16(index, 'off', insn.off), 0);
      return 1;
    }
    case 'atomic': {
      const ordered = insn.op === 'load_acq' || insn.op === 'store_rel';
      if (!ordered && insn.size !== 4 && insn.size !== 8) throw new IsaError(index, 'size', 'atomic read-modify-write is 4 or 8 bytes');
      const alwaysFetch = insn.op === 'xchg' || insn.op === 'cmpxchg';
      if (ordered && insn.fetch) throw new IsaError(index, 'imm', `${insn.op} has no fetch form`);
      if (alwaysFetch && !insn.fetch) throw new IsaError(index, 'imm', `${insn.op} always fetches`);
      const imm = ATOMIC_OP_CODE[insn.op] | (insn.fetch && !alwaysFetch ? K.BPF_FETCH : 0);
      const dst = reg(index, 'dst', insn.dst);
      const src = reg(index, 'src', insn.src);
      put(b, o, K.BPF_STX | K.BPF_ATOMIC | SIZE_CODE[insn.size], dst, src, i16(index, 'off', insn.off), imm);
      return 1;
    }
    case 'ldabs':
      put(b, o, K.BPF_LD | K.BPF_ABS | SIZE_CODE[insn.size], 0, 0, 0, i32(index, 'imm', insn.imm));
      return 1;
    case 'ldind': {
      const src = reg(index, 'src', insn.src);
      put(b, o, K.BPF_LD | K.BPF_IND | SIZE_CODE[insn.size], 0, src, 0, i32(index, 'imm', insn.imm));
      return 1;
    }
    default:
      return assertNever(insn);
  }
}

const scratch = new Uint8Array(16);
const scratchView = new DataView(scratch.buffer);

/**
 * The raw slots of one instruction (two for `lddw`), validated.
 * @example toRaw({ kind: 'exit' }) // [{ code: 0x95, dst: 0, src: 0, off: 0, imm: 0 }]
 */
export function toRaw(insn: Insn, index = 0): RawInsn[] {
  const n = writeInsn(scratch, 0, insn, index);
  return n === 1 ? [readRaw(scratchView, 0)] : [readRaw(scratchView, 0), readRaw(scratchView, 1)];
}

/**
 * Encode instructions to the kernel's `struct bpf_insn[]` bytes (little-endian).
 * @example encode([mov64Imm(R0, 0), exit()]) // 16 bytes
 */
export function encode(insns: readonly Insn[]): Uint8Array {
  const n = insns.length;
  let slots = n;
  for (let i = 0; i < n; i++) if (insns[i]!.kind === 'lddw') slots++;
  const out = new Uint8Array(slots * 8);
  let o = 0;
  for (let i = 0; i < n; i++) o += writeInsn(out, o, insns[i]!, i) * 8;
  return out;
}
