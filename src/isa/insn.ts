/**
 * The instruction model: one value per instruction, a discriminated union on `kind`.
 *
 * Offsets (`off`) and `gotol` immediates count 8-byte slots, exactly as encoded; a
 * `lddw` is one `Insn` that occupies two slots (see `insnSlots`).
 * Every field set here round-trips through `encode`/`decode` unchanged.
 */

/** A register number: r0..r10. */
export type Reg = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** Width of an ALU operation or jump comparison. */
export type Width = 32 | 64;

/** Access size in bytes of a load, store or atomic. */
export type Size = 1 | 2 | 4 | 8;

/** ALU operations. `sdiv`/`smod` are DIV/MOD with off=1; `movsx*` is MOV with off 8/16/32. */
export type AluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'or' | 'and' | 'lsh' | 'rsh' | 'neg'
  | 'mod' | 'smod' | 'xor' | 'mov' | 'movsx8' | 'movsx16' | 'movsx32' | 'arsh';

/** Conditional jump operations. */
export type JmpOp =
  | 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge' | 'jlt' | 'jle' | 'jslt' | 'jsle';

/** Atomic operations (BPF_STX | BPF_ATOMIC). `fetch` is implied for xchg and cmpxchg. */
export type AtomicOp = 'add' | 'or' | 'and' | 'xor' | 'xchg' | 'cmpxchg' | 'load_acq' | 'store_rel';

/**
 * ALU / ALU64 operation: `dst = dst op src` (register form, `src` set, `imm` 0)
 * or `dst = dst op imm` (immediate form, `src` null). `neg` has `src` null and `imm` 0.
 */
export interface AluInsn {
  readonly kind: 'alu';
  readonly width: Width;
  readonly op: AluOp;
  readonly dst: Reg;
  readonly src: Reg | null;
  readonly imm: number;
}

/** Byte-order operation: `le`/`be` (BPF_ALU | BPF_END), `swap` (BPF_ALU64 | BPF_END, bswap). */
export interface EndInsn {
  readonly kind: 'end';
  readonly order: 'le' | 'be' | 'swap';
  readonly bits: 16 | 32 | 64;
  readonly dst: Reg;
}

/** Conditional jump: `if dst op src/imm goto +off` (JMP: 64-bit compare, JMP32: 32-bit). */
export interface JmpInsn {
  readonly kind: 'jmp';
  readonly width: Width;
  readonly op: JmpOp;
  readonly dst: Reg;
  readonly src: Reg | null;
  readonly imm: number;
  readonly off: number;
}

/** Unconditional jump with a 16-bit offset (BPF_JMP | BPF_JA). */
export interface JaInsn {
  readonly kind: 'ja';
  readonly off: number;
}

/** Unconditional jump with a 32-bit offset in imm (BPF_JMP32 | BPF_JA). */
export interface GotolInsn {
  readonly kind: 'gotol';
  readonly imm: number;
}

/** `may_goto +off` (BPF_JMP | BPF_JCOND, src BPF_MAY_GOTO). */
export interface MayGotoInsn {
  readonly kind: 'may_goto';
  readonly off: number;
}

/**
 * Call: `helper` (src 0, imm = helper id), `local` (src 1, imm = slot offset to the
 * callee, relative to the next slot), `kfunc` (src 2, imm = BTF id, off = BTF fd index).
 */
export interface CallInsn {
  readonly kind: 'call';
  readonly target: 'helper' | 'local' | 'kfunc';
  readonly imm: number;
  readonly off: number;
}

/** Indirect call through a register (BPF_JMP | BPF_CALL | BPF_X, register in dst_reg). */
export interface CallxInsn {
  readonly kind: 'callx';
  readonly reg: Reg;
}

/** `exit`: return r0 to the caller. */
export interface ExitInsn {
  readonly kind: 'exit';
}

/**
 * 64-bit immediate load (BPF_LD | BPF_IMM | BPF_DW), two slots.
 * `imm` is the unsigned 64-bit value: low 32 bits from the first slot, high from the second.
 * `src` is the pseudo source (0 plain, BPF_PSEUDO_MAP_FD ... BPF_PSEUDO_MAP_IDX_VALUE).
 * `map` names a map of the enclosing `Program` (assembler metadata; not encoded — the loader
 * and the VM resolve it; `imm` then holds the map's index, plus the value offset << 32).
 */
export interface LdImm64Insn {
  readonly kind: 'lddw';
  readonly dst: Reg;
  readonly src: 0 | 1 | 2 | 3 | 4 | 5 | 6;
  readonly imm: bigint;
  readonly map?: string;
}

/** Load from memory: `dst = *(size *)(src + off)`, sign-extending when `sx` (BPF_MEMSX). */
export interface LdxInsn {
  readonly kind: 'ldx';
  readonly size: Size;
  readonly sx: boolean;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Store an immediate: `*(size *)(dst + off) = imm`. */
export interface StInsn {
  readonly kind: 'st';
  readonly size: Size;
  readonly dst: Reg;
  readonly off: number;
  readonly imm: number;
}

/** Store a register: `*(size *)(dst + off) = src`. */
export interface StxInsn {
  readonly kind: 'stx';
  readonly size: Size;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/**
 * Atomic read-modify-write on `*(size *)(dst + off)` with `src`.
 * `fetch` puts the old value in `src` (for `cmpxchg` in r0, compared with r0).
 * `load_acq` is `dst = load_acquire(*(size *)(src + off))` and `store_rel` is
 * `store_release(*(size *)(dst + off), src)`, as the kernel encodes them.
 * Sizes: 4 or 8 for read-modify-write; 1, 2, 4 or 8 for load-acquire / store-release.
 */
export interface AtomicInsn {
  readonly kind: 'atomic';
  readonly size: Size;
  readonly op: AtomicOp;
  readonly fetch: boolean;
  readonly dst: Reg;
  readonly src: Reg;
  readonly off: number;
}

/** Legacy packet load `r0 = *(size *)skb[imm]` (BPF_LD | BPF_ABS). */
export interface LdAbsInsn {
  readonly kind: 'ldabs';
  readonly size: 1 | 2 | 4;
  readonly imm: number;
}

/** Legacy packet load `r0 = *(size *)skb[src + imm]` (BPF_LD | BPF_IND). */
export interface LdIndInsn {
  readonly kind: 'ldind';
  readonly size: 1 | 2 | 4;
  readonly src: Reg;
  readonly imm: number;
}

/** Any instruction. Switch on `kind` with an exhaustive `never` default. */
export type Insn =
  | AluInsn
  | EndInsn
  | JmpInsn
  | JaInsn
  | GotolInsn
  | MayGotoInsn
  | CallInsn
  | CallxInsn
  | ExitInsn
  | LdImm64Insn
  | LdxInsn
  | StInsn
  | StxInsn
  | AtomicInsn
  | LdAbsInsn
  | LdIndInsn;

/** Every `kind` value, for exhaustive tests. */
export const INSN_KINDS: readonly Insn['kind'][] = [
  'alu', 'end', 'jmp', 'ja', 'gotol', 'may_goto', 'call', 'callx', 'exit',
  'lddw', 'ldx', 'st', 'stx', 'atomic', 'ldabs', 'ldind',
];

/** Number of 8-byte slots an instruction occupies: 2 for `lddw`, else 1. */
export function insnSlots(insn: Insn): 1 | 2 {
  return insn.kind === 'lddw' ? 2 : 1;
}

/** Slot index (the kernel's instruction index) of each instruction, plus the total at the end. */
export function slotIndices(insns: readonly Insn[]): number[] {
  const out = new Array<number>(insns.length + 1);
  let pc = 0;
  for (let i = 0; i < insns.length; i++) {
    out[i] = pc;
    pc += insnSlots(insns[i]!);
  }
  out[insns.length] = pc;
  return out;
}

/** Compile-time exhaustiveness guard: `default: return assertNever(insn)`. */
export function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
