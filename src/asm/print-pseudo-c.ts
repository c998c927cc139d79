/** Printing one instruction in the pseudo-C dialect (llvm-objdump / verifier log style). */
import { helperName } from '../isa/helpers.js';
import { assertNever, type AluOp, type Insn, type JmpOp, type Size } from '../isa/insn.js';
import { PSEUDO_NAME } from './pseudo-names.js';

/** Renders a relative jump/call target: a label name, or undefined for the number. */
export type TargetName = (rel: number) => string | undefined;

const ALU_SYM: Readonly<Record<AluOp, string>> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  neg: '', mod: '%=', smod: 's%=', xor: '^=', mov: '=', movsx8: '=', movsx16: '=', movsx32: '=', arsh: 's>>=',
};

const JMP_SYM: Readonly<Record<JmpOp, string>> = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};

const LOCK_SYM = { add: '+=', and: '&=', or: '|=', xor: '^=' } as const;

/** `+3`, `-2`, `+0`. */
export const signed = (n: number): string => (n < 0 ? `${n}` : `+${n}`);

/** `(r10 - 8)`, `(r1 + 0)`. */
const addr = (r: number, off: number): string => `(r${r} ${off < 0 ? '-' : '+'} ${Math.abs(off)})`;
const cast = (size: Size, sx = false): string => `(${sx ? 's' : 'u'}${size * 8} *)`;

/** `0x1122334455667788` */
export const hex64 = (v: bigint): string => `0x${v.toString(16)}`;

function target(rel: number, name: TargetName | undefined): string {
  return name?.(rel) ?? signed(rel);
}

/**
 * One instruction in pseudo-C. `name` maps relative targets to labels.
 * @example printPseudoC({ kind: 'exit' }) // 'exit'
 */
export function printPseudoC(insn: Insn, name?: TargetName): string {
  switch (insn.kind) {
    case 'alu': {
      const p = insn.width === 64 ? 'r' : 'w';
      const d = `${p}${insn.dst}`;
      if (insn.op === 'neg') return `${d} = -${d}`;
      if (insn.op === 'movsx8' || insn.op === 'movsx16' || insn.op === 'movsx32') {
        return `${d} = (s${insn.op.slice(5)})${p}${insn.src ?? 0}`;
      }
      const rhs = insn.src !== null ? `${p}${insn.src}` : `${insn.imm}`;
      return `${d} ${ALU_SYM[insn.op]} ${rhs}`;
    }
    case 'end':
      return `r${insn.dst} = ${insn.order === 'swap' ? 'bswap' : insn.order}${insn.bits} r${insn.dst}`;
    case 'jmp': {
      const p = insn.width === 64 ? 'r' : 'w';
      const rhs = insn.src !== null ? `${p}${insn.src}` : `${insn.imm}`;
      return `if ${p}${insn.dst} ${JMP_SYM[insn.op]} ${rhs} goto ${target(insn.off, name)}`;
    }
    case 'ja':
      return `goto ${target(insn.off, name)}`;
    case 'gotol':
      return `gotol ${target(insn.imm, name)}`;
    case 'may_goto':
      return `may_goto ${target(insn.off, name)}`;
    case 'call':
      if (insn.target === 'helper') return `call ${helperName(insn.imm) ?? insn.imm}`;
      if (insn.target === 'local') {
        const n = name?.(insn.imm);
        return n !== undefined ? `call ${n}` : `call pc${signed(insn.imm)}`;
      }
      return insn.off !== 0 ? `call kfunc ${insn.imm}, ${insn.off}` : `call kfunc ${insn.imm}`;
    case 'callx':
      return `callx r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw': {
      const d = `r${insn.dst}`;
      if (insn.src === 0) return `${d} = ${hex64(insn.imm)} ll`;
      const lo = Number(insn.imm & 0xffff_ffffn);
      const hi = Number(insn.imm >> 32n);
      const kw = PSEUDO_NAME[insn.src]!;
      if (insn.map !== undefined && (insn.src === 1 || insn.src === 2)) {
        return `${d} = ${kw}[${insn.map}]${insn.src === 2 && hi !== 0 ? ` + ${hi}` : ''} ll`;
      }
      if (insn.src === 4 && hi === 0) {
        const n = name?.(lo | 0);
        if (n !== undefined) return `${d} = func[${n}] ll`;
      }
      return `${d} = ${kw}[${lo}]${hi !== 0 ? ` + ${hi}` : ''} ll`;
    }
    case 'ldx':
      return `r${insn.dst} = *${cast(insn.size, insn.sx)}${addr(insn.src, insn.off)}`;
    case 'st':
      return `*${cast(insn.size)}${addr(insn.dst, insn.off)} = ${insn.imm}`;
    case 'stx':
      return `*${cast(insn.size)}${addr(insn.dst, insn.off)} = r${insn.src}`;
    case 'atomic': {
      const p = insn.size === 8 ? 'r' : 'w';
      const s = `${p}${insn.src}`;
      switch (insn.op) {
        case 'load_acq':
          return `${p}${insn.dst} = load_acquire(${cast(insn.size)}${addr(insn.src, insn.off)})`;
        case 'store_rel':
          return `store_release(${cast(insn.size)}${addr(insn.dst, insn.off)}, ${s})`;
        case 'xchg':
          return `${s} = ${insn.size === 8 ? 'xchg_64' : 'xchg32_32'}(r${insn.dst} ${insn.off < 0 ? '-' : '+'} ${Math.abs(insn.off)}, ${s})`;
        case 'cmpxchg':
          return `${p}0 = ${insn.size === 8 ? 'cmpxchg_64' : 'cmpxchg32_32'}(r${insn.dst} ${insn.off < 0 ? '-' : '+'} ${Math.abs(insn.off)}, ${p}0, ${s})`;
        default:
          if (insn.fetch) return `${s} = atomic_fetch_${insn.op}(${cast(insn.size)}${addr(insn.dst, insn.off)}, ${s})`;
          return `lock *${cast(insn.size)}${addr(insn.dst, insn.off)} ${LOCK_SYM[insn.op]} ${s}`;
      }
    }
    case 'ldabs':
      return `r0 = *${cast(insn.size)}skb[${insn.imm}]`;
    case 'ldind':
      return `r0 = *${cast(insn.size)}skb[r${insn.src}${insn.imm === 0 ? '' : insn.imm < 0 ? ` - ${-insn.imm}` : ` + ${insn.imm}`}]`;
    default:
      return assertNever(insn);
  }
}
