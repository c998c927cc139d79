import { assertNever, type Insn, type Size } from '../isa/insn.js';
import { helperName } from '../isa/helpers.js';

const ALU_SYM: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  mod: '%=', smod: 's%=', xor: '^=', mov: '=', arsh: 's>>=',
};
const JMP_SYM: Record<string, string> = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};
const ATOMIC_SYM: Record<string, string> = { add: '+=', or: '|=', and: '&=', xor: '^=' };

const ty = (size: Size, sx = false): string => `${sx ? 's' : 'u'}${size * 8}`;
const hex = (v: number): string => (v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);
const rel = (off: number): string => (off < 0 ? `${off}` : `+${off}`);
const mem = (size: Size, r: number, off: number, sx = false): string =>
  `*(${ty(size, sx)} *)(r${r} ${off < 0 ? '-' : '+'} ${Math.abs(off)})`;

/**
 * One instruction as compact pseudo-C, for faults and traces (the VM does not use `src/asm`).
 * @example insnText({ kind: 'alu', width: 64, op: 'add', dst: 0, src: 1, imm: 0 }) // 'r0 += r1'
 */
export function insnText(insn: Insn): string {
  switch (insn.kind) {
    case 'alu': {
      const r = insn.width === 64 ? 'r' : 'w';
      const src = insn.src === null ? hex(insn.imm) : `${r}${insn.src}`;
      if (insn.op === 'neg') return `${r}${insn.dst} = -${r}${insn.dst}`;
      if (insn.op.startsWith('movsx')) return `${r}${insn.dst} = (s${insn.op.slice(5)})${r}${insn.src ?? 0}`;
      return `${r}${insn.dst} ${ALU_SYM[insn.op] ?? '?='} ${src}`;
    }
    case 'end':
      return `r${insn.dst} = ${insn.order === 'swap' ? 'bswap' : insn.order}${insn.bits} r${insn.dst}`;
    case 'jmp': {
      const r = insn.width === 64 ? 'r' : 'w';
      const src = insn.src === null ? hex(insn.imm) : `${r}${insn.src}`;
      return `if ${r}${insn.dst} ${JMP_SYM[insn.op] ?? '?'} ${src} goto ${rel(insn.off)}`;
    }
    case 'ja':
      return `goto ${rel(insn.off)}`;
    case 'gotol':
      return `gotol ${rel(insn.imm)}`;
    case 'may_goto':
      return `may_goto ${rel(insn.off)}`;
    case 'call':
      if (insn.target === 'local') return `call pc${rel(insn.imm)}`;
      if (insn.target === 'kfunc') return `call kfunc ${insn.imm}`;
      return `call ${helperName(insn.imm) ?? insn.imm}`;
    case 'callx':
      return `callx r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw':
      if (insn.map !== undefined) return `r${insn.dst} = ${insn.src === 2 || insn.src === 6 ? 'map_value' : 'map'}[${insn.map}] ll`;
      if (insn.src !== 0) return `r${insn.dst} = pseudo${insn.src}(0x${insn.imm.toString(16)}) ll`;
      return `r${insn.dst} = 0x${insn.imm.toString(16)} ll`;
    case 'ldx':
      return `r${insn.dst} = ${mem(insn.size, insn.src, insn.off, insn.sx)}`;
    case 'st':
      return `${mem(insn.size, insn.dst, insn.off)} = ${hex(insn.imm)}`;
    case 'stx':
      return `${mem(insn.size, insn.dst, insn.off)} = r${insn.src}`;
    case 'atomic': {
      const r = insn.size === 8 ? 'r' : 'w';
      const m = mem(insn.size, insn.dst, insn.off);
      switch (insn.op) {
        case 'load_acq': return `r${insn.dst} = load_acquire(${mem(insn.size, insn.src, insn.off)})`;
        case 'store_rel': return `store_release(${m}, ${r}${insn.src})`;
        case 'xchg': return `${r}${insn.src} = xchg(${m}, ${r}${insn.src})`;
        case 'cmpxchg': return `${r}0 = cmpxchg(${m}, ${r}0, ${r}${insn.src})`;
        default:
          return insn.fetch
            ? `${r}${insn.src} = atomic_fetch_${insn.op}(${m}, ${r}${insn.src})`
            : `lock ${m} ${ATOMIC_SYM[insn.op] ?? '?='} ${r}${insn.src}`;
      }
    }
    case 'ldabs':
      return `r0 = *(${ty(insn.size)} *)skb[${insn.imm}]`;
    case 'ldind':
      return `r0 = *(${ty(insn.size)} *)skb[r${insn.src} + ${insn.imm}]`;
    default:
      return assertNever(insn);
  }
}
