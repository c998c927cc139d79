/**
 * Verifier state: per-frame registers and stack slots, the stack of frames, and the
 * log text of a frame (`R1=ctx() R10=fp0 fp-8=mmmmmmmm`).
 */
import { constScalar, copyReg, formatReg, notInit, pointer, type MapSizes, type RegState } from './reg-state.js';

/** Stack byte types (enum bpf_stack_slot_type). */
export const STACK_INVALID = 0;
export const STACK_SPILL = 1;
export const STACK_MISC = 2;
export const STACK_ZERO = 3;
const SLOT_CHAR = ['?', 'r', 'm', '0'];

/** Maximum stack of one frame and of a call chain (MAX_BPF_STACK). */
export const MAX_BPF_STACK = 512;
export const MAX_CALL_FRAMES = 8;

/** One 8-byte stack slot: the type of each byte and the spilled register, if any. */
export interface StackSlot {
  types: number[];
  spilled: RegState;
}

/** One call frame (struct bpf_func_state). */
export interface FuncState {
  regs: RegState[];
  /** Slot `i` covers fp-(i+1)*8 .. fp-i*8-1. */
  stack: StackSlot[];
  frameno: number;
  /** Slot index of the call instruction that created this frame (-1 for the main frame). */
  callsite: number;
  subprog: number;
}

/** A full verifier state along one path (struct bpf_verifier_state). */
export interface VState {
  frames: FuncState[];
  /** Acquired reference ids (ringbuf records) that must be released before exit. */
  refs: number[];
  /** The checkpoint this path descends from (for branch counting and loop detection). */
  parent: Checkpoint | null;
  branches: number;
  /** Instructions processed since the last checkpoint, in order (the kernel's jump history, complete). */
  trace: number[];
  /** Per trace entry: 0, or 1 + frame * 64 + slot of a register spill or fill. */
  traceStack: number[];
  /** First instruction of this segment (first_insn_idx). */
  firstInsn: number;
  /** Last instruction processed before a checkpoint was taken (last_insn_idx). */
  lastInsn: number;
  /** Entries the kernel's jump history would hold (jump points and spills/fills) since the last checkpoint. */
  histCnt: number;
  /** Nesting of may_goto fall-throughs on this path. */
  mayGotoDepth: number;
  /** A path simulated for speculative execution (unprivileged loaders only). */
  speculative: boolean;
}

/** A remembered state at a prune point (struct bpf_verifier_state_list). */
export interface Checkpoint {
  state: VState;
  insn: number;
  branches: number;
  parent: Checkpoint | null;
  hit: number;
  miss: number;
}

export function emptySlot(): StackSlot {
  return { types: [0, 0, 0, 0, 0, 0, 0, 0], spilled: notInit() };
}

function copySlot(s: StackSlot): StackSlot {
  return { types: s.types.slice(), spilled: copyReg(s.spilled) };
}

export function copyFrame(f: FuncState): FuncState {
  return { regs: f.regs.map(copyReg), stack: f.stack.map(copySlot), frameno: f.frameno, callsite: f.callsite, subprog: f.subprog };
}

export function copyState(s: VState): VState {
  return {
    frames: s.frames.map(copyFrame), refs: s.refs.slice(), parent: s.parent, branches: s.branches,
    trace: s.trace.slice(), traceStack: s.traceStack.slice(), firstInsn: s.firstInsn, lastInsn: s.lastInsn, histCnt: s.histCnt, mayGotoDepth: s.mayGotoDepth, speculative: s.speculative,
  };
}

/** A fresh frame: every register NOT_INIT, r10 the frame pointer. */
export function newFrame(frameno: number, callsite: number, subprog: number): FuncState {
  const regs: RegState[] = [];
  for (let i = 0; i < 11; i++) regs.push(notInit());
  const fp = pointer('fp');
  fp.frameno = frameno;
  regs[10] = fp;
  return { regs, stack: [], frameno, callsite, subprog };
}

/** The initial state of the main program: r1 = ctx, r10 = fp. */
export function initialState(): VState {
  const f = newFrame(0, -1, 0);
  f.regs[1] = pointer('ctx');
  return { frames: [f], refs: [], parent: null, branches: 1, trace: [], traceStack: [], firstInsn: 0, lastInsn: 0, histCnt: 0, mayGotoDepth: 0, speculative: false };
}

/** Make sure slots down to `size` bytes below fp exist (grow_stack_state). */
export function growStack(f: FuncState, size: number): void {
  const n = Math.ceil(size / 8);
  while (f.stack.length < n) f.stack.push(emptySlot());
}

/** Bytes of stack in use by a frame (allocated_stack). */
export function allocatedStack(f: FuncState): number {
  return f.stack.length * 8;
}

/** Byte type at frame offset `off` (negative), STACK_INVALID beyond the allocation. */
export function byteType(f: FuncState, off: number): number {
  const slot = -off - 1;
  const s = f.stack[slot >> 3];
  return s ? s.types[slot & 7]! : STACK_INVALID;
}

export function isSpilledReg(s: StackSlot): boolean {
  return s.types[7] === STACK_SPILL;
}

/** Which registers and stack slots were touched by the current instruction (for the log). */
export interface Scratch {
  regs: Set<number>;
  slots: Set<number>;
}

/**
 * The kernel's print_verifier_state for one frame: ` R0=42 R10=fp0 fp-8=mmmmmmmm`.
 * `allPrecise`: an unprivileged loader's scalars are all precise (`P`), as !bpf_capable makes them.
 */
export function formatFrame(f: FuncState, mapSizes: MapSizes, scratch: Scratch | null, allPrecise = false): string {
  let out = f.frameno ? ` frame${f.frameno}:` : '';
  for (let i = 0; i < 11; i++) {
    const r = f.regs[i]!;
    if (r.type === 'not_init') continue;
    if (scratch && !scratch.regs.has(i)) continue;
    out += ` R${i}=${formatReg(r, mapSizes, f.frameno, allPrecise)}`;
  }
  for (let i = 0; i < f.stack.length; i++) {
    const s = f.stack[i]!;
    if (s.types.every((t) => t === STACK_INVALID)) continue;
    if (scratch && !scratch.slots.has(i)) continue;
    const name = ` fp${-(i + 1) * 8}=`;
    if (s.types[7] === STACK_SPILL) {
      let prefix = '';
      for (let j = 0; j < 8 && s.types[j] !== STACK_SPILL; j++) prefix += SLOT_CHAR[s.types[j]!];
      out += name + prefix + formatReg(s.spilled, mapSizes, f.frameno, allPrecise);
    }
    else out += name + s.types.map((t) => SLOT_CHAR[t]).join('');
  }
  return out;
}

export { constScalar };
