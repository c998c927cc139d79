import { IsaError } from './errors.js';
import type { AluOp, AtomicOp, Insn, JmpOp, Reg, Size } from './insn.js';
import * as K from './opcodes.js';
import { ALU_OP_CODE, ATOMIC_OP_CODE, CODE_SIZE, JMP_OP_CODE, invert } from './op-tables.js';
import { readRaw, type RawInsn } from './raw.js';

const JMP_OP_NAME = invert(JMP_OP_CODE);
const ATOMIC_RMW_NAME = new Map<number, AtomicOp>([
  [K.BPF_ADD, 'add'], [K.BPF_OR, 'or'], [K.BPF_AND, 'and'], [K.BPF_XOR, 'xor'],
]);
const ALU_NAME = new Map<string, AluOp>();
for (const [name, t] of Object.entries(ALU_OP_CODE)) ALU_NAME.set(`${t.op}/${t.off}`, name as AluOp);

const hex2 = (code: number) => code.toString(16).padStart(2, '0');

class SlotDecoder {
  constructor(readonly pc: number, readonly raw: RawInsn) {}

  fail(field: string, message: string, kernelMessage?: string): never {
    throw new IsaError(this.pc, field, `${message} (opcode 0x${hex2(this.raw.code)})`, kernelMessage);
  }

  unknown(): never {
    return this.fail('opcode', `unknown opcode 0x${hex2(this.raw.code)}`, `unknown opcode ${hex2(this.raw.code)}`);
  }

  reg(field: 'dst' | 'src'): Reg {
    const r = this.raw[field];
    if (r > 10) this.fail(field, `r${r} is not a register`, `R${r} is invalid`);
    return r as Reg;
  }

  zero(field: keyof RawInsn, kernelMessage: string): void {
    if (this.raw[field] !== 0) this.fail(field, `reserved field ${field} is ${this.raw[field]}, must be 0`, kernelMessage);
  }
}

function decodeAlu(d: SlotDecoder): Insn {
  const { code, off, imm } = d.raw;
  const width = K.BPF_CLASS(code) === K.BPF_ALU64 ? 64 : 32;
  const op = K.BPF_OP(code);
  const isX = K.BPF_SRC(code) === K.BPF_X;
  if (op === K.BPF_END) {
    const msg = 'BPF_END uses reserved fields';
    if (width === 64 && isX) d.unknown();
    d.zero('src', msg);
    d.zero('off', msg);
    if (imm !== 16 && imm !== 32 && imm !== 64) d.fail('imm', `byte swap of ${imm} bits (16, 32 or 64)`, msg);
    const order = width === 64 ? 'swap' : isX ? 'be' : 'le';
    return { kind: 'end', order, bits: imm, dst: d.reg('dst') };
  }
  if (op > K.BPF_END) d.unknown();
  if (op === K.BPF_NEG) {
    const msg = 'BPF_NEG uses reserved fields';
    if (isX) d.unknown();
    d.zero('src', msg);
    d.zero('off', msg);
    d.zero('imm', msg);
    return { kind: 'alu', width, op: 'neg', dst: d.reg('dst'), src: null, imm: 0 };
  }
  const msg = op === K.BPF_MOV ? 'BPF_MOV uses reserved fields' : 'BPF_ALU uses reserved fields';
  const name = ALU_NAME.get(`${op}/${off}`);
  const sxOnly = name === 'movsx8' || name === 'movsx16' || name === 'movsx32';
  if (name === undefined || (sxOnly && !isX) || (name === 'movsx32' && width === 32)) {
    d.fail('off', `offset ${off} is reserved for this operation`, msg);
  }
  if (isX) {
    d.zero('imm', msg);
    return { kind: 'alu', width, op: name, dst: d.reg('dst'), src: d.reg('src'), imm: 0 };
  }
  d.zero('src', msg);
  return { kind: 'alu', width, op: name, dst: d.reg('dst'), src: null, imm };
}

function decodeJmp(d: SlotDecoder): Insn {
  const { code, imm } = d.raw;
  const cls = K.BPF_CLASS(code);
  const op = K.BPF_OP(code);
  const isX = K.BPF_SRC(code) === K.BPF_X;
  switch (op) {
    case K.BPF_JA: {
      const msg = 'BPF_JA uses reserved fields';
      if (isX) d.unknown();
      d.zero('src', msg);
      d.zero('dst', msg);
      if (cls === K.BPF_JMP32) {
        d.zero('off', msg);
        return { kind: 'gotol', imm };
      }
      d.zero('imm', msg);
      return { kind: 'ja', off: d.raw.off };
    }
    case K.BPF_CALL: {
      if (cls === K.BPF_JMP32) d.unknown();
      if (isX) {
        const msg = 'BPF_CALL uses reserved fields';
        d.zero('src', msg);
        d.zero('off', msg);
        d.zero('imm', msg);
        return { kind: 'callx', reg: d.reg('dst') };
      }
      const msg = 'BPF_CALL uses reserved fields';
      d.zero('dst', msg);
      const src = d.raw.src;
      const target = src === 0 ? 'helper' : src === K.BPF_PSEUDO_CALL ? 'local' : src === K.BPF_PSEUDO_KFUNC_CALL ? 'kfunc' : undefined;
      if (target === undefined) return d.fail('src', `unknown call source ${src}`, msg);
      if (target !== 'kfunc') d.zero('off', msg);
      return { kind: 'call', target, imm, off: d.raw.off };
    }
    case K.BPF_EXIT: {
      if (cls === K.BPF_JMP32 || isX) d.unknown();
      const msg = 'BPF_EXIT uses reserved fields';
      d.zero('src', msg);
      d.zero('dst', msg);
      d.zero('off', msg);
      d.zero('imm', msg);
      return { kind: 'exit' };
    }
    case K.BPF_JCOND: {
      if (cls === K.BPF_JMP32 || isX) d.unknown();
      const msg = `invalid may_goto imm ${imm}`;
      d.zero('src', msg);
      d.zero('dst', msg);
      d.zero('imm', msg);
      return { kind: 'may_goto', off: d.raw.off };
    }
    default: {
      const name: JmpOp | undefined = JMP_OP_NAME.get(op);
      if (name === undefined) return d.unknown();
      const width = cls === K.BPF_JMP ? 64 : 32;
      const msg = 'BPF_JMP/JMP32 uses reserved fields';
      if (isX) {
        d.zero('imm', msg);
        return { kind: 'jmp', width, op: name, dst: d.reg('dst'), src: d.reg('src'), imm: 0, off: d.raw.off };
      }
      d.zero('src', msg);
      return { kind: 'jmp', width, op: name, dst: d.reg('dst'), src: null, imm, off: d.raw.off };
    }
  }
}

function decodeAtomic(d: SlotDecoder, size: Size): Insn {
  const { imm } = d.raw;
  const base = { kind: 'atomic' as const, size, dst: d.reg('dst'), src: d.reg('src'), off: d.raw.off };
  if (imm === K.BPF_LOAD_ACQ) return { ...base, op: 'load_acq', fetch: false };
  if (imm === K.BPF_STORE_REL) return { ...base, op: 'store_rel', fetch: false };
  let op: AtomicOp | undefined;
  let fetch = false;
  if (imm === K.BPF_XCHG) [op, fetch] = ['xchg', true];
  else if (imm === K.BPF_CMPXCHG) [op, fetch] = ['cmpxchg', true];
  else {
    op = ATOMIC_RMW_NAME.get(imm & ~K.BPF_FETCH);
    fetch = (imm & K.BPF_FETCH) !== 0;
  }
  if (op === undefined) {
    return d.fail('imm', `unknown atomic operation 0x${imm.toString(16)}`, `BPF_ATOMIC uses invalid atomic opcode ${hex2(imm & 0xff)}`);
  }
  if (size !== 4 && size !== 8) d.fail('size', 'atomic read-modify-write is 4 or 8 bytes', 'invalid atomic operand size');
  return { ...base, op, fetch };
}

/**
 * Decode the kernel's `struct bpf_insn[]` bytes. Throws `IsaError` naming the slot and
 * field on an unknown opcode, a non-zero reserved field, or a truncated `lddw`.
 * @example decode(new Uint8Array([0x95, 0, 0, 0, 0, 0, 0, 0])) // [{ kind: 'exit' }]
 */
export function decode(bytes: Uint8Array): Insn[] {
  if (bytes.length % 8 !== 0) {
    throw new IsaError(Math.floor(bytes.length / 8), 'length', `${bytes.length} bytes is not a whole number of 8-byte instructions`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slots = bytes.length / 8;
  const out: Insn[] = [];
  for (let pc = 0; pc < slots; pc++) {
    const d = new SlotDecoder(pc, readRaw(view, pc));
    const { code } = d.raw;
    const cls = K.BPF_CLASS(code);
    switch (cls) {
      case K.BPF_ALU:
      case K.BPF_ALU64:
        out.push(decodeAlu(d));
        break;
      case K.BPF_JMP:
      case K.BPF_JMP32:
        out.push(decodeJmp(d));
        break;
      case K.BPF_LD: {
        const mode = K.BPF_MODE(code);
        const size = CODE_SIZE[K.BPF_SIZE(code)]!;
        if (mode === K.BPF_IMM) {
          if (size !== 8) d.unknown();
          d.zero('off', 'BPF_LD_IMM64 uses reserved fields');
          if (d.raw.src > 6) d.fail('src', `unknown pseudo source ${d.raw.src}`, 'unrecognized bpf_ld_imm64 insn');
          if (pc + 1 >= slots) d.fail('imm', 'lddw is missing its second slot', 'invalid bpf_ld_imm64 insn');
          const next = new SlotDecoder(pc + 1, readRaw(view, pc + 1));
          for (const f of ['code', 'dst', 'src', 'off'] as const) next.zero(f, 'invalid bpf_ld_imm64 insn');
          const imm = (BigInt(next.raw.imm >>> 0) << 32n) | BigInt(d.raw.imm >>> 0);
          out.push({ kind: 'lddw', dst: d.reg('dst'), src: d.raw.src as 0 | 1 | 2 | 3 | 4 | 5 | 6, imm });
          pc++;
        } else if (mode === K.BPF_ABS || mode === K.BPF_IND) {
          if (size === 8) d.unknown();
          const msg = 'BPF_LD_[ABS|IND] uses reserved fields';
          d.zero('dst', msg);
          d.zero('off', msg);
          if (mode === K.BPF_ABS) {
            d.zero('src', msg);
            out.push({ kind: 'ldabs', size: size as 1 | 2 | 4, imm: d.raw.imm });
          } else {
            out.push({ kind: 'ldind', size: size as 1 | 2 | 4, src: d.reg('src'), imm: d.raw.imm });
          }
        } else {
          d.unknown();
        }
        break;
      }
      case K.BPF_LDX: {
        const mode = K.BPF_MODE(code);
        const size = CODE_SIZE[K.BPF_SIZE(code)]!;
        if (mode !== K.BPF_MEM && !(mode === K.BPF_MEMSX && size !== 8)) d.unknown();
        d.zero('imm', 'BPF_LDX uses reserved fields');
        out.push({ kind: 'ldx', size, sx: mode === K.BPF_MEMSX, dst: d.reg('dst'), src: d.reg('src'), off: d.raw.off });
        break;
      }
      case K.BPF_ST: {
        if (K.BPF_MODE(code) !== K.BPF_MEM) d.unknown();
        d.zero('src', 'BPF_ST uses reserved fields');
        out.push({ kind: 'st', size: CODE_SIZE[K.BPF_SIZE(code)]!, dst: d.reg('dst'), off: d.raw.off, imm: d.raw.imm });
        break;
      }
      case K.BPF_STX: {
        const mode = K.BPF_MODE(code);
        const size = CODE_SIZE[K.BPF_SIZE(code)]!;
        if (mode === K.BPF_ATOMIC) {
          out.push(decodeAtomic(d, size));
        } else if (mode === K.BPF_MEM) {
          d.zero('imm', 'BPF_STX uses reserved fields');
          out.push({ kind: 'stx', size, dst: d.reg('dst'), src: d.reg('src'), off: d.raw.off });
        } else {
          d.unknown();
        }
        break;
      }
      default:
        d.unknown();
    }
  }
  return out;
}
