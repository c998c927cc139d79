/**
 * Instruction text as the kernel's verifier log prints it (kernel/bpf/disasm.c):
 * `(b7) r0 = 42`, `(25) if r1 > 0x3 goto pc+2`, `(61) r0 = *(u32 *)(r1 +4)`,
 * `(85) call bpf_map_lookup_elem#1`. Works on one `Insn` at a time.
 */
import { assertNever, encode, helperName, type Insn } from '../isa/index.js';

const ALU_STR: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  mod: '%=', smod: 's%=', xor: '^=', mov: '=', arsh: 's>>=',
};
const JMP_STR: Record<string, string> = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};
const SIZE_STR: Record<number, string> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };
const ATOMIC_STR: Record<string, string> = { add: '+=', or: '|=', and: '&=', xor: '^=' };

const plus = (n: number): string => (n < 0 ? `${n}` : `+${n}`);

/** The opcode byte of an instruction, as two hex digits. */
export function opcodeHex(insn: Insn): string {
  const bytes = encode([insn]);
  return bytes[0]!.toString(16).padStart(2, '0');
}

/**
 * The kernel's text of one instruction without the index or newline.
 * `mapName` renders the immediate of a map-referencing `lddw`.
 * @example formatInsn({ kind: 'exit' }) // '(95) exit'
 */
export function formatInsn(insn: Insn, mapName?: (insn: Insn) => string | undefined): string {
  const code = `(${opcodeHex(insn)})`;
  switch (insn.kind) {
    case 'alu': {
      const c = insn.width === 64 ? 'r' : 'w';
      const d = `${c}${insn.dst}`;
      if (insn.op === 'neg') return `${code} ${d} = -${d}`;
      if (insn.op === 'movsx8' || insn.op === 'movsx16' || insn.op === 'movsx32') {
        const bits = insn.op.slice(5);
        return `${code} ${d} = (s${bits})${c}${insn.src}`;
      }
      const src = insn.src === null ? `${insn.imm}` : `${c}${insn.src}`;
      return `${code} ${d} ${ALU_STR[insn.op]} ${src}`;
    }
    case 'end': {
      const name = insn.order === 'swap' ? 'bswap' : insn.order;
      return `${code} r${insn.dst} = ${name}${insn.bits} r${insn.dst}`;
    }
    case 'jmp': {
      const c = insn.width === 64 ? 'r' : 'w';
      const src = insn.src === null ? `0x${(insn.imm >>> 0).toString(16)}` : `${c}${insn.src}`;
      return `${code} if ${c}${insn.dst} ${JMP_STR[insn.op]} ${src} goto pc${plus(insn.off)}`;
    }
    case 'ja':
      return `${code} goto pc${plus(insn.off)}`;
    case 'gotol':
      return `${code} gotol pc${plus(insn.imm)}`;
    case 'may_goto':
      return `${code} may_goto pc${plus(insn.off)}`;
    case 'call':
      if (insn.target === 'local') return `${code} call pc${plus(insn.imm)}`;
      if (insn.target === 'kfunc') return `${code} call kernel-function`;
      return `${code} call ${insn.imm === 0 ? 'bpf_unspec' : helperName(insn.imm) ?? 'unknown'}#${insn.imm}`;
    case 'callx':
      return `${code} callx r${insn.reg}`;
    case 'exit':
      return `${code} exit`;
    case 'lddw': {
      const name = mapName?.(insn);
      return `${code} r${insn.dst} = ${name ?? `0x${insn.imm.toString(16)}`}`;
    }
    case 'ldx':
      return `${code} r${insn.dst} = *(${insn.sx ? 's' : 'u'}${insn.size * 8} *)(r${insn.src} ${plus(insn.off)})`;
    case 'st':
      return `${code} *(${SIZE_STR[insn.size]} *)(r${insn.dst} ${plus(insn.off)}) = ${insn.imm}`;
    case 'stx':
      return `${code} *(${SIZE_STR[insn.size]} *)(r${insn.dst} ${plus(insn.off)}) = r${insn.src}`;
    case 'atomic': {
      const sz = SIZE_STR[insn.size]!;
      const mem = `(${sz} *)(r${insn.dst} ${plus(insn.off)})`;
      const c = 'r';
      const w = insn.size === 8 ? '64' : '';
      if (insn.op === 'load_acq') return `${code} ${c}${insn.dst} = load_acquire((${sz} *)(r${insn.src} ${plus(insn.off)}))`;
      if (insn.op === 'store_rel') return `${code} store_release(${mem}, ${c}${insn.src})`;
      if (insn.op === 'xchg') return `${code} ${c}${insn.src} = atomic${w}_xchg(${mem}, ${c}${insn.src})`;
      if (insn.op === 'cmpxchg') return `${code} ${c}0 = atomic${w}_cmpxchg(${mem}, ${c}0, ${c}${insn.src})`;
      if (insn.fetch) return `${code} ${c}${insn.src} = atomic${w}_fetch_${insn.op}(${mem}, ${c}${insn.src})`;
      return `${code} lock *${mem} ${ATOMIC_STR[insn.op]} ${c}${insn.src}`;
    }
    case 'ldabs':
      return `${code} r0 = *(${SIZE_STR[insn.size]} *)skb[${insn.imm}]`;
    case 'ldind':
      return `${code} r0 = *(${SIZE_STR[insn.size]} *)skb[r${insn.src} + ${insn.imm}]`;
    default:
      return assertNever(insn);
  }
}

/**
 * How the log names a map-referencing `lddw`'s immediate: `map[name]` for a privileged loader
 * (where the kernel prints the map's address), `0x0` for an unprivileged one (print_bpf_insn
 * hides pointers when !allow_ptr_leaks).
 */
export function mapRefName(privileged: boolean): (insn: Insn) => string | undefined {
  return (i) => {
    if (i.kind !== 'lddw' || i.src === 0) return undefined;
    if (!privileged && (i.src === 1 || i.src === 2)) return '0x0';
    return i.map ? `map[${i.map}]` : undefined;
  };
}
