/**
 * Precision tracking (mark_chain_precision): when a scalar's exact range starts to matter
 * (a decided branch, pointer arithmetic, a helper size, a return range), walk back through
 * the instructions of the current path and mark the registers and stack slots it came from
 * as precise in the remembered states, so that pruning compares them by range. Imprecise
 * scalars in a remembered state match any scalar.
 */
import type { Insn } from '../isa/index.js';
import { mapSizes, type Env } from './env.js';
import { formatInsn, mapRefName } from './disasm.js';
import { formatFrame, STACK_SPILL, type VState } from './state.js';

/** Registers (bit per register) and stack slots (set of spi) still to explain, per frame. */
interface Backtrack {
  frame: number;
  regs: number[];
  slots: Set<number>[];
}

class Unsupported extends Error {}

function addSlot(bt: Backtrack, fr: number, spi: number): void {
  if (fr >= bt.slots.length) return;
  if (NO_SLOTS.includes(bt.slots[fr]!)) bt.slots[fr] = new Set<number>();
  bt.slots[fr]!.add(spi);
}

const fmtRegs = (mask: number): string => {
  const out: string[] = [];
  for (let r = 0; r < 11; r++) if (mask & (1 << r)) out.push(`r${r}`);
  return out.join(',');
};
const fmtSlots = (s: Set<number>): string => [...s].sort((a, b) => a - b).map((i) => `${-(i + 1) * 8}`).join(',');

function empty(bt: Backtrack): boolean {
  for (let i = 0; i < bt.regs.length; i++) if (bt.regs[i] !== 0) return false;
  for (let i = 0; i < bt.slots.length; i++) if (bt.slots[i]!.size !== 0) return false;
  return true;
}

/** backtrack_insn: which values before `insn` the tracked values depend on. */
function backtrackInsn(env: Env, idx: number, insn: Insn, stackFlag: number, bt: Backtrack): void {
  // The frame's register mask is read once and written back once (no closures: this runs per trace entry).
  const f = bt.frame;
  const m = bt.regs[f]!;
  if (env.log.level === 2 && env.log.open) {
    env.log.write(`mark_precise: frame${f}: regs=${fmtRegs(m)} stack=${fmtSlots(bt.slots[f]!)} before ${idx}: ${formatInsn(insn, mapRefName(env.privileged))}\n`);
  }
  switch (insn.kind) {
    case 'alu': {
      if (!(m & (1 << insn.dst)) || insn.op === 'neg') return;
      let n = m;
      if (insn.op === 'mov' || insn.op === 'movsx8' || insn.op === 'movsx16' || insn.op === 'movsx32') n &= ~(1 << insn.dst);
      if (insn.src !== null && insn.src !== 10) n |= 1 << insn.src;
      bt.regs[f] = n;
      return;
    }
    case 'end':
      return;
    case 'ldx':
      if (!(m & (1 << insn.dst))) return;
      bt.regs[f] = m & ~(1 << insn.dst);
      if (stackFlag) {
        const fr = Math.floor((stackFlag - 1) / 64);
        addSlot(bt, fr, (stackFlag - 1) % 64);
      }
      return;
    case 'atomic':
      if (insn.op === 'load_acq' && (m & (1 << insn.dst))) bt.regs[f] = m & ~(1 << insn.dst);
      return;
    case 'stx': case 'st': {
      if (m & (1 << insn.dst)) throw new Unsupported();
      if (!stackFlag) return;
      const fr = Math.floor((stackFlag - 1) / 64);
      const spi = (stackFlag - 1) % 64;
      if (!bt.slots[fr]?.has(spi)) return;
      bt.slots[fr]!.delete(spi);
      if (insn.kind === 'stx') bt.regs[f] = m | (1 << insn.src);
      return;
    }
    case 'jmp':
      if (insn.src !== null && (m & ((1 << insn.dst) | (1 << insn.src)))) bt.regs[f] = m | (1 << insn.src) | (1 << insn.dst);
      return;
    case 'call':
      if (insn.target !== 'helper') throw new Unsupported();
      bt.regs[f] = m & ~1;
      if (m & 0x3e) throw new Unsupported();
      return;
    case 'lddw':
      if (m & (1 << insn.dst)) bt.regs[f] = m & ~(1 << insn.dst);
      return;
    case 'ldabs': case 'ldind':
      if (m & 1) throw new Unsupported();
      return;
    case 'exit': case 'callx': case 'may_goto':
      throw new Unsupported();
    default:
      return;
  }
}

function markAllPrecise(st: VState): void {
  for (let cp = st.parent; cp; cp = cp.parent) {
    for (const fr of cp.state.frames) {
      for (const r of fr.regs) if (r.type === 'scalar') r.precise = true;
      for (const s of fr.stack) if (s.types[7] === STACK_SPILL && s.spilled.type === 'scalar') s.spilled.precise = true;
    }
  }
}

/**
 * __mark_chain_precision from the current instruction of `env.cur` for the given registers
 * and stack slots of the innermost frame (or of the frames given in `bt`).
 */
function markChain(env: Env, bt: Backtrack, lastIdx: number): void {
  if (empty(bt)) return;
  const log = env.log;
  let st: VState = env.cur;
  let trace = st.trace;
  let stack = st.traceStack;
  let first = st.firstInsn;
  let subseq = -1;
  let skipFirst = true;
  try {
    for (;;) {
      if (log.level === 2 && log.open) log.write(`mark_precise: frame${bt.frame}: last_idx ${lastIdx} first_idx ${first} subseq_idx ${subseq} \n`);
      for (let k = trace.length - 1; k >= 0; k--) {
        if (skipFirst) {
          skipFirst = false;
          if (trace[k] === lastIdx) continue;
        }
        const idx = trace[k]!;
        const insn = env.slots[idx];
        if (insn) backtrackInsn(env, idx, insn, stack[k]!, bt);
        if (empty(bt)) return;
        subseq = idx;
      }
      const cp = st.parent;
      if (!cp) break;
      const ps = cp.state;
      for (let fr = bt.frame; fr >= 0; fr--) {
        const frame = ps.frames[fr];
        if (!frame) continue;
        for (let r = 0; r < 11; r++) {
          if (!(bt.regs[fr]! & (1 << r))) continue;
          const reg = frame.regs[r]!;
          if (reg.type !== 'scalar' || reg.precise) bt.regs[fr]! &= ~(1 << r);
          else reg.precise = true;
        }
        for (const spi of [...bt.slots[fr]!]) {
          const s = frame.stack[spi];
          if (!s || s.types[7] !== STACK_SPILL || s.spilled.type !== 'scalar' || s.spilled.precise) bt.slots[fr]!.delete(spi);
          else s.spilled.precise = true;
        }
        if (log.level === 2 && log.open) {
          log.write(`mark_precise: frame${fr}: parent state regs=${fmtRegs(bt.regs[fr]!)} stack=${fmtSlots(bt.slots[fr]!)}: ${formatFrame(frame, mapSizes(env), null)}\n`);
        }
      }
      if (empty(bt)) return;
      subseq = first;
      lastIdx = ps.lastInsn;
      first = ps.firstInsn;
      trace = ps.trace;
      stack = ps.traceStack;
      st = ps;
    }
    if (!empty(bt)) markAllPrecise(env.cur);
  } catch (e) {
    if (e instanceof Unsupported) {
      markAllPrecise(env.cur);
      return;
    }
    throw e;
  }
}

const NO_SLOTS: Set<number>[] = [new Set(), new Set(), new Set(), new Set(), new Set(), new Set(), new Set(), new Set()];

function newBacktrack(env: Env, withSlots = false): Backtrack {
  const n = env.cur.frames.length;
  if (n === 1 && !withSlots) return { frame: 0, regs: [0], slots: [NO_SLOTS[0]!] };
  const regs = new Array<number>(n).fill(0);
  // Slot sets are only written when a spill/fill is met (addSlot); share the empty ones until then.
  const slots: Set<number>[] = [];
  for (let i = 0; i < n; i++) slots.push(withSlots ? new Set<number>() : NO_SLOTS[i]!);
  return { frame: n - 1, regs, slots };
}

/** mark_chain_precision(env, regno) at the current instruction. */
export function markPrecise(env: Env, regno: number): void {
  if (!env.privileged) return;
  const reg = env.cur.frames[env.cur.frames.length - 1]!.regs[regno];
  if (!reg || reg.type !== 'scalar') return;
  const bt = newBacktrack(env);
  bt.regs[bt.frame] = 1 << regno;
  markChain(env, bt, env.insnIdx);
}

/** Precision of a spilled stack slot (a constant map key, for example). */
export function markPreciseSlot(env: Env, frame: number, spi: number): void {
  if (!env.privileged) return;
  const bt = newBacktrack(env, true);
  bt.slots[frame]?.add(spi);
  markChain(env, bt, env.insnIdx);
}

/** propagate_precision: after pruning against `old`, what is precise there becomes precise here. */
export function propagatePrecision(env: Env, old: VState): void {
  const bt = newBacktrack(env, true);
  for (let fr = old.frames.length - 1; fr >= 0; fr--) {
    const frame = old.frames[fr]!;
    const parts: string[] = [];
    for (let r = 0; r < 10; r++) {
      const reg = frame.regs[r]!;
      if (reg.type !== 'scalar' || !reg.precise) continue;
      bt.regs[fr]! |= 1 << r;
      parts.push(`r${r}`);
    }
    frame.stack.forEach((s, i) => {
      if (s.types[7] !== STACK_SPILL || s.spilled.type !== 'scalar' || !s.spilled.precise) return;
      bt.slots[fr]!.add(i);
      parts.push(`fp${-(i + 1) * 8}`);
    });
    if (parts.length && env.log.level === 2 && env.log.open) env.log.write(`frame ${fr}: propagating ${parts.join(',')}\n`);
  }
  markChain(env, bt, env.insnIdx);
}

/** mark_all_scalars_imprecise: a new checkpoint forgets inherited precision. */
export function markAllImprecise(st: VState): void {
  for (const fr of st.frames) {
    for (const r of fr.regs) r.precise = false;
    for (const s of fr.stack) s.spilled.precise = false;
  }
}
