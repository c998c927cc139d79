/**
 * The verifier environment shared by every rule: the program, the current path's state,
 * id generation, the log and the register-operand checks (check_reg_arg).
 */
import type { Insn, MapDef, Program } from '../isa/index.js';
import type { Cfg, Slots } from './cfg.js';
import type { VerifierLog } from './log.js';
import { notInit, unknownScalar, type RegState } from './reg-state.js';
import type { FuncState, Scratch, VState } from './state.js';
import { Reject } from './types.js';
import type { AluSanitation } from './unpriv.js';

/** Per-instruction facts remembered across paths (struct bpf_insn_aux_data). */
export interface InsnAux extends AluSanitation {
  /** Base pointer type of the first path through a load/store (for `same insn cannot be used with different pointers`). */
  ptrType?: string;
  /** A speculative path failed here: a barrier goes before it, and speculative paths stop here. */
  nospec?: boolean;
  /** A barrier goes after this store (Spectre v4): speculative paths stop after it. */
  nospecResult?: boolean;
}

export interface Env {
  readonly program: Program;
  readonly slots: Slots;
  readonly cfg: Cfg;
  readonly maps: readonly MapDef[];
  readonly progType: number;
  readonly privileged: boolean;
  /** nr_cpu_ids. */
  readonly nrCpus: number;
  readonly log: VerifierLog;
  readonly aux: InsnAux[];
  /** Registers live before each slot. */
  readonly live: Uint16Array;
  cur: VState;
  insnIdx: number;
  prevInsnIdx: number;
  idGen: number;
  scratch: Scratch;
  /** Stack spill/fill of the current instruction for the path history: 0 or 1 + frame * 64 + slot. */
  stackAccess: number;
  /** Instruction that acquired each reference id. */
  readonly refInsn: Map<number, number>;
  /** Queue another path (push_stack); set by the explorer. */
  pushBranch: (state: VState, insn: number, prev: number) => void;
}

/** The current instruction's aux data, created on first use. */
export function curAux(env: Env): InsnAux {
  return env.aux[env.insnIdx] ?? (env.aux[env.insnIdx] = {});
}

export function curFrame(env: Env): FuncState {
  return env.cur.frames[env.cur.frames.length - 1]!;
}

export function regs(env: Env): RegState[] {
  return curFrame(env).regs;
}

export function nextId(env: Env): number {
  return ++env.idGen;
}

/** Reject with the kernel's message (possibly several lines; the last is the error line). */
export function fail(message: string, _detail = false): never {
  throw new Reject(message);
}

/** check_reg_arg(SRC_OP): the register must be initialised. */
export function checkSrc(env: Env, r: number): RegState {
  env.scratch.regs.add(r);
  const reg = regs(env)[r]!;
  if (reg.type === 'not_init') fail(`R${r} !read_ok`);
  return reg;
}

/** check_reg_arg(DST_OP_NO_MARK): the register must be writable. */
export function checkDstNoMark(env: Env, r: number): void {
  env.scratch.regs.add(r);
  if (r === 10) fail('frame pointer is read only');
}

/** check_reg_arg(DST_OP): writable, and becomes an unknown scalar. */
export function checkDst(env: Env, r: number): RegState {
  checkDstNoMark(env, r);
  const reg = unknownScalar();
  regs(env)[r] = reg;
  return reg;
}

/** Set a register to a fresh state. */
export function setReg(env: Env, r: number, state: RegState): void {
  regs(env)[r] = state;
}

/** Mark a register NOT_INIT (caller-saved registers after a call). */
export function clobber(env: Env, r: number): void {
  regs(env)[r] = notInit();
  env.scratch.regs.add(r);
}

/** Map sizes and names for printing (the name as BPF_MAP_CREATE gets it: 15 characters of [A-Za-z0-9_.]). */
export function mapSizes(env: Env): (i: number) => { keySize: number; valueSize: number; name?: string } {
  return (i) => {
    const m = env.maps[i];
    const name = m?.name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15);
    return { keySize: m?.keySize ?? 0, valueSize: m?.valueSize ?? 0, ...(name ? { name } : {}) };
  };
}

export function insnAt(env: Env, pc: number): Insn {
  const insn = env.slots[pc];
  if (!insn) fail(`invalid insn ${pc}`);
  return insn;
}
