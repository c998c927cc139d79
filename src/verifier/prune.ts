/**
 * State equivalence for pruning (states_equal / regsafe / stacksafe): a new state is
 * safe when every value it may hold is covered by a state already proven safe. Scalars
 * are compared by range containment (all treated as precise: sound, sometimes less pruning).
 */
import type { RegState } from './reg-state.js';
import { STACK_INVALID, STACK_MISC, STACK_SPILL, STACK_ZERO, type FuncState, type StackSlot, type VState } from './state.js';
import { tnumIn } from './tnum.js';

class IdMap {
  private m = new Map<number, number>();
  private rev = new Map<number, number>();
  private tmp = 1 << 30;

  check(a: number, b: number): boolean {
    if ((a === 0) !== (b === 0)) return false;
    if (a === 0) return true;
    const seen = this.m.get(a);
    if (seen !== undefined) return seen === b;
    if (this.rev.has(b)) return false;
    this.m.set(a, b);
    this.rev.set(b, a);
    return true;
  }

  checkScalar(a: number, b: number): boolean {
    return this.check(a || ++this.tmp, b || ++this.tmp);
  }
}

function rangeWithin(o: RegState, c: RegState): boolean {
  return o.umin <= c.umin && o.umax >= c.umax && o.smin <= c.smin && o.smax >= c.smax
    && o.s32min <= c.s32min && o.s32max >= c.s32max && o.u32min <= c.u32min && o.u32max >= c.u32max;
}

function sameShape(o: RegState, c: RegState): boolean {
  return o.type === c.type && o.maybeNull === c.maybeNull && o.rdonly === c.rdonly && o.ringbuf === c.ringbuf
    && o.off === c.off && o.map === c.map && o.memSize === c.memSize && o.frameno === c.frameno && o.subprog === c.subprog;
}

function regsafe(o: RegState, c: RegState, ids: IdMap, exact: boolean): boolean {
  if (o.type === 'not_init') return true;
  if (c.type === 'not_init') return false;
  if (o.type !== c.type) return false;
  switch (o.type) {
    case 'scalar':
      if (!exact && !o.precise) return true;
      if (o.addConst !== c.addConst) return false;
      if (o.addConst && o.off !== c.off) return false;
      return ids.checkScalar(o.id, c.id) && rangeWithin(o, c) && tnumIn(o.varOff, c.varOff);
    case 'pkt': case 'pkt_meta':
      if (o.range > c.range || o.off !== c.off) return false;
      if (!ids.check(o.id, c.id)) return false;
      return rangeWithin(o, c) && tnumIn(o.varOff, c.varOff);
    case 'map_value': case 'mem': case 'map_key':
      return sameShape(o, c) && rangeWithin(o, c) && tnumIn(o.varOff, c.varOff) && ids.check(o.id, c.id) && ids.check(o.refObjId, c.refObjId);
    default:
      return sameShape(o, c) && o.varOff.value === c.varOff.value && o.varOff.mask === c.varOff.mask
        && ids.check(o.id, c.id) && ids.check(o.refObjId, c.refObjId);
  }
}

const UNBOUND: RegState | null = null;

function allOf(types: number[], t: number): boolean {
  for (let j = 0; j < 8; j++) if (types[j] !== t) return false;
  return true;
}

function scalarForStack(s: StackSlot | undefined, unknown: RegState): RegState | null {
  if (!s) return UNBOUND;
  if (allOf(s.types, STACK_SPILL) && s.spilled.type === 'scalar') return s.spilled;
  if (allOf(s.types, STACK_MISC)) return unknown;
  return null;
}

function stacksafe(o: FuncState, c: FuncState, ids: IdMap, privileged: boolean, unknown: RegState, exact: boolean): boolean {
  for (let i = 0; i < o.stack.length * 8; i++) {
    const spi = i >> 3;
    const os = o.stack[spi]!;
    const ot = os.types[i & 7]!;
    if (ot === STACK_INVALID) continue;
    if (privileged && ot === STACK_MISC) continue;
    if (i >= c.stack.length * 8) return false;
    const cs = c.stack[spi]!;
    if ((i & 7) === 0) {
      const oReg = scalarForStack(os, unknown);
      const cReg = oReg && scalarForStack(cs, unknown);
      if (oReg && cReg) {
        if (!regsafe(oReg, cReg, ids, exact)) return false;
        i += 7;
        continue;
      }
    }
    const ct = cs.types[i & 7]!;
    if (ot === STACK_MISC && ct === STACK_ZERO) continue;
    if (ot !== ct) return false;
    if ((i & 7) !== 7) continue;
    if (os.types[7] === STACK_SPILL && !regsafe(os.spilled, cs.spilled, ids, exact)) return false;
  }
  return true;
}

/**
 * Whether `cur` is covered by the explored state `old` at the same instruction.
 * `liveMask` limits register comparison of the innermost frame to the live registers.
 */
export function statesEqual(old: VState, cur: VState, liveMask: number, privileged: boolean, unknown: RegState, exact = true): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  // A state of a speculative path never prunes a real one.
  if (old.speculative && !cur.speculative) return false;
  if (old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  for (let k = 0; k < old.refs.length; k++) if (!ids.check(old.refs[k]!, cur.refs[k]!)) return false;
  for (let f = 0; f < old.frames.length; f++) {
    const of = old.frames[f]!;
    const cf = cur.frames[f]!;
    if (of.callsite !== cf.callsite) return false;
    const inner = f === old.frames.length - 1;
    for (let r = 0; r < 11; r++) {
      const live = inner ? r === 10 || (liveMask & (1 << r)) !== 0 : r >= 6;
      if (!live) continue;
      if (!regsafe(of.regs[r]!, cf.regs[r]!, ids, exact)) return false;
    }
    if (!stacksafe(of, cf, ids, privileged, unknown, exact)) return false;
  }
  return true;
}

/** Exact equality (used for infinite-loop detection). */
export function statesExact(old: VState, cur: VState, liveMask: number): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  for (let f = 0; f < old.frames.length; f++) {
    const of = old.frames[f]!;
    const cf = cur.frames[f]!;
    for (let r = 0; r < 11; r++) {
      if (f === old.frames.length - 1 && r !== 10 && (liveMask & (1 << r)) === 0) continue;
      const a = of.regs[r]!;
      const b = cf.regs[r]!;
      if (a.type !== b.type) return false;
      if (a.type === 'not_init') continue;
      if (!sameShape(a, b) || a.varOff.value !== b.varOff.value || a.varOff.mask !== b.varOff.mask || a.smin !== b.smin || a.smax !== b.smax
        || a.umin !== b.umin || a.umax !== b.umax || a.s32min !== b.s32min || a.s32max !== b.s32max || a.u32min !== b.u32min || a.u32max !== b.u32max
        || a.range !== b.range) return false;
    }
    if (of.stack.length !== cf.stack.length) return false;
    for (let s = 0; s < of.stack.length; s++) {
      const x = of.stack[s]!;
      const y = cf.stack[s]!;
      for (let j = 0; j < 8; j++) if (x.types[j] !== y.types[j]) return false;
      if (x.types[7] === STACK_SPILL) {
        const a = x.spilled;
        const b = y.spilled;
        if (!sameShape(a, b) || a.varOff.value !== b.varOff.value || a.varOff.mask !== b.varOff.mask || a.smin !== b.smin || a.smax !== b.smax || a.umin !== b.umin || a.umax !== b.umax) return false;
      }
    }
  }
  return true;
}
