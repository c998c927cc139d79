/** Printing one instruction in the mnemonic dialect (uBPF / bpf_conformance style). */
import { assertNever, type Insn, type Size } from '../isa/insn.js';
import { hex64, signed, type TargetName } from './print-pseudo-c.js';
import { PSEUDO_NAME } from './pseudo-names.js';

const SFX: Readonly<Record<Size, string>> = { 1: 'b', 2: 'h', 4: 'w', 8: 'dw' };
const mem = (r: number, off: number): string => `[%r${r}${off < 0 ? '-' : '+'}${Math.abs(off)}]`;

function target(rel: number, name: TargetName | undefined): string {
  return name?.(rel) ?? signed(rel);
}

/**
 * One instruction in the mnemonic dialect. `name` maps relative targets to labels.
 * @example printMnemonic({ kind: 'exit' }) // 'exit'
 */
export function printMnemonic(insn: Insn, name?: TargetName): string {
  switch (insn.kind) {
    case 'alu': {
      const w = insn.width === 32 ? '32' : '';
      if (insn.op === 'neg') return `neg${w} %r${insn.dst}`;
      if (insn.op === 'movsx8' || insn.op === 'movsx16' || insn.op === 'movsx32') {
        return `movsx${insn.op.slice(5)}${insn.width} %r${insn.dst}, %r${insn.src ?? 0}`;
      }
      return `${insn.op}${w} %r${insn.dst}, ${insn.src !== null ? `%r${insn.src}` : insn.imm}`;
    }
    case 'end':
      return `${insn.order === 'swap' ? 'bswap' : insn.order}${insn.bits} %r${insn.dst}`;
    case 'jmp': {
      const w = insn.width === 32 ? '32' : '';
      return `${insn.op}${w} %r${insn.dst}, ${insn.src !== null ? `%r${insn.src}` : insn.imm}, ${target(insn.off, name)}`;
    }
    case 'ja':
      return `ja ${target(insn.off, name)}`;
    case 'gotol':
      return `ja32 ${target(insn.imm, name)}`;
    case 'may_goto':
      return `may_goto ${target(insn.off, name)}`;
    case 'call':
      if (insn.target === 'helper') return `call ${insn.imm}`;
      if (insn.target === 'local') return `call local ${target(insn.imm, name)}`;
      return insn.off !== 0 ? `call runtime ${insn.imm}, ${insn.off}` : `call runtime ${insn.imm}`;
    case 'callx':
      return `callx %r${insn.reg}`;
    case 'exit':
      return 'exit';
    case 'lddw': {
      const d = `%r${insn.dst}`;
      if (insn.src === 0) return `lddw ${d}, ${hex64(insn.imm)}`;
      const lo = Number(insn.imm & 0xffff_ffffn);
      const hi = Number(insn.imm >> 32n);
      const kw = PSEUDO_NAME[insn.src]!;
      if (insn.map !== undefined && (insn.src === 1 || insn.src === 2)) {
        return `lddw ${d}, ${kw}[${insn.map}]${insn.src === 2 && hi !== 0 ? `+${hi}` : ''}`;
      }
      if (insn.src === 4 && hi === 0) {
        const n = name?.(lo | 0);
        if (n !== undefined) return `lddw ${d}, func[${n}]`;
      }
      return `lddw ${d}, ${kw}[${lo}]${hi !== 0 ? `+${hi}` : ''}`;
    }
    case 'ldx':
      return `ldx${insn.sx ? 's' : ''}${SFX[insn.size]} %r${insn.dst}, ${mem(insn.src, insn.off)}`;
    case 'st':
      return `st${SFX[insn.size]} ${mem(insn.dst, insn.off)}, ${insn.imm}`;
    case 'stx':
      return `stx${SFX[insn.size]} ${mem(insn.dst, insn.off)}, %r${insn.src}`;
    case 'atomic': {
      switch (insn.op) {
        case 'load_acq':
          return `ldacq${SFX[insn.size]} %r${insn.dst}, ${mem(insn.src, insn.off)}`;
        case 'store_rel':
          return `strel${SFX[insn.size]} ${mem(insn.dst, insn.off)}, %r${insn.src}`;
        default: {
          const w = insn.size === 4 ? '32' : '';
          const fetch = insn.fetch && insn.op !== 'xchg' && insn.op !== 'cmpxchg' ? 'fetch ' : '';
          return `lock ${fetch}${insn.op}${w} ${mem(insn.dst, insn.off)}, %r${insn.src}`;
        }
      }
    }
    case 'ldabs':
      return `ldabs${SFX[insn.size]} ${insn.imm}`;
    case 'ldind':
      return `ldind${SFX[insn.size]} %r${insn.src}, ${insn.imm}`;
    default:
      return assertNever(insn);
  }
}
