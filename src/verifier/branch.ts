/**
 * Conditional jumps on abstract values: is_branch_taken (dead-branch pruning) and
 * reg_set_min_max / regs_refine_cond_op (refining both sides of a comparison).
 */
import type { JmpOp } from '../isa/index.js';
import type { RegState } from './reg-state.js';
import { boundsSync, markUnbounded32, markUnbounded64, s32, s64, u32, u64, type ScalarBounds } from './scalar.js';
import { tnumAnd, tnumConst, tnumIntersect, tnumIsConst, tnumOr, tnumSubreg, tnumWithSubreg, type Tnum } from './tnum.js';

/** Comparison op including the reverse of JSET (`jset_x`, "bits all clear"). */
export type CondOp = JmpOp | 'jset_x';

/** The opposite condition (rev_opcode). */
export function revOp(op: JmpOp): CondOp {
  switch (op) {
    case 'jeq': return 'jne';
    case 'jne': return 'jeq';
    case 'jgt': return 'jle';
    case 'jle': return 'jgt';
    case 'jge': return 'jlt';
    case 'jlt': return 'jge';
    case 'jsgt': return 'jsle';
    case 'jsle': return 'jsgt';
    case 'jsge': return 'jslt';
    case 'jslt': return 'jsge';
    case 'jset': return 'jset_x';
  }
}

/** The same condition with operands swapped (flip_opcode). */
export function flipOp<T extends CondOp>(op: T): T {
  const m: Record<string, string> = { jgt: 'jlt', jlt: 'jgt', jge: 'jle', jle: 'jge', jsgt: 'jslt', jslt: 'jsgt', jsge: 'jsle', jsle: 'jsge' };
  return (m[op] ?? op) as T;
}

function isConst(r: ScalarBounds, w32: boolean): boolean {
  return w32 ? tnumIsConst(tnumSubreg(r.varOff)) : tnumIsConst(r.varOff);
}

function constVal(r: ScalarBounds, w32: boolean): bigint {
  return w32 ? r.varOff.value & 0xffffffffn : r.varOff.value;
}

function tnumOverlap(a: Tnum, b: Tnum): boolean {
  const mu = a.mask | b.mask;
  return (a.value & ~mu) === (b.value & ~mu);
}

/** is_scalar_branch_taken: 1 always, 0 never, -1 unknown. */
export function scalarBranchTaken(r1: ScalarBounds, r2: ScalarBounds, op: JmpOp, w32: boolean): -1 | 0 | 1 {
  let t1 = w32 ? tnumSubreg(r1.varOff) : r1.varOff;
  let t2 = w32 ? tnumSubreg(r2.varOff) : r2.varOff;
  const umin1 = w32 ? r1.u32min : r1.umin;
  const umax1 = w32 ? r1.u32max : r1.umax;
  const smin1 = w32 ? r1.s32min : r1.smin;
  const smax1 = w32 ? r1.s32max : r1.smax;
  const umin2 = w32 ? r2.u32min : r2.umin;
  const umax2 = w32 ? r2.u32max : r2.umax;
  const smin2 = w32 ? r2.s32min : r2.smin;
  const smax2 = w32 ? r2.s32max : r2.smax;
  switch (op) {
    case 'jeq': case 'jne': {
      const eq = op === 'jeq' ? 1 : 0;
      const ne = op === 'jeq' ? 0 : 1;
      if (tnumIsConst(t1) && tnumIsConst(t2)) return t1.value === t2.value ? eq : ne;
      if (!tnumOverlap(t1, t2)) return ne;
      if (umin1 > umax2 || umax1 < umin2) return ne;
      if (smin1 > smax2 || smax1 < smin2) return ne;
      if (!w32) {
        if (r1.u32min > r2.u32max || r1.u32max < r2.u32min) return ne;
        if (r1.s32min > r2.s32max || r1.s32max < r2.s32min) return ne;
      }
      return -1;
    }
    case 'jset': {
      let a = r1;
      let b = r2;
      if (!isConst(b, w32)) {
        [a, b] = [b, a];
        [t1, t2] = [t2, t1];
      }
      if (!isConst(b, w32)) return -1;
      if ((~t1.mask & t1.value & t2.value) !== 0n) return 1;
      if (((t1.mask | t1.value) & t2.value) === 0n) return 0;
      return -1;
    }
    case 'jgt': return umin1 > umax2 ? 1 : umax1 <= umin2 ? 0 : -1;
    case 'jsgt': return smin1 > smax2 ? 1 : smax1 <= smin2 ? 0 : -1;
    case 'jlt': return umax1 < umin2 ? 1 : umin1 >= umax2 ? 0 : -1;
    case 'jslt': return smax1 < smin2 ? 1 : smin1 >= smax2 ? 0 : -1;
    case 'jge': return umin1 >= umax2 ? 1 : umax1 < umin2 ? 0 : -1;
    case 'jsge': return smin1 >= smax2 ? 1 : smax1 < smin2 ? 0 : -1;
    case 'jle': return umax1 <= umin2 ? 1 : umin1 > umax2 ? 0 : -1;
    case 'jsle': return smax1 <= smin2 ? 1 : smin1 > smax2 ? 0 : -1;
  }
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** regs_refine_cond_op: assume `r1 op r2` holds and narrow both. */
export function refineCond(r1: ScalarBounds, r2: ScalarBounds, op: CondOp, w32: boolean): void {
  if (op === 'jge' || op === 'jgt' || op === 'jsge' || op === 'jsgt') {
    op = flipOp(op);
    [r1, r2] = [r2, r1];
  }
  switch (op) {
    case 'jeq':
      if (w32) {
        r1.u32min = max(r1.u32min, r2.u32min);
        r1.u32max = min(r1.u32max, r2.u32max);
        r1.s32min = max(r1.s32min, r2.s32min);
        r1.s32max = min(r1.s32max, r2.s32max);
        r2.u32min = r1.u32min;
        r2.u32max = r1.u32max;
        r2.s32min = r1.s32min;
        r2.s32max = r1.s32max;
        const t = tnumIntersect(tnumSubreg(r1.varOff), tnumSubreg(r2.varOff));
        r1.varOff = tnumWithSubreg(r1.varOff, t);
        r2.varOff = tnumWithSubreg(r2.varOff, t);
      } else {
        r1.umin = max(r1.umin, r2.umin);
        r1.umax = min(r1.umax, r2.umax);
        r1.smin = max(r1.smin, r2.smin);
        r1.smax = min(r1.smax, r2.smax);
        r2.umin = r1.umin;
        r2.umax = r1.umax;
        r2.smin = r1.smin;
        r2.smax = r1.smax;
        r1.varOff = tnumIntersect(r1.varOff, r2.varOff);
        r2.varOff = r1.varOff;
      }
      break;
    case 'jne': {
      if (!isConst(r2, w32)) [r1, r2] = [r2, r1];
      if (!isConst(r2, w32)) break;
      const v = constVal(r2, w32);
      if (w32) {
        if (r1.u32min === u32(v)) r1.u32min++;
        if (r1.u32max === u32(v)) r1.u32max--;
        if (r1.s32min === s32(v)) r1.s32min++;
        if (r1.s32max === s32(v)) r1.s32max--;
      } else {
        if (r1.umin === u64(v)) r1.umin++;
        if (r1.umax === u64(v)) r1.umax--;
        if (r1.smin === s64(v)) r1.smin++;
        if (r1.smax === s64(v)) r1.smax--;
      }
      break;
    }
    case 'jset': {
      if (!isConst(r2, w32)) [r1, r2] = [r2, r1];
      if (!isConst(r2, w32)) break;
      const v = constVal(r2, w32);
      if (v === 0n || (v & (v - 1n)) !== 0n) break;
      if (w32) r1.varOff = tnumWithSubreg(r1.varOff, tnumOr(tnumSubreg(r1.varOff), tnumConst(v)));
      else r1.varOff = tnumOr(r1.varOff, tnumConst(v));
      break;
    }
    case 'jset_x': {
      if (!isConst(r2, w32)) [r1, r2] = [r2, r1];
      if (!isConst(r2, w32)) break;
      const v = constVal(r2, w32);
      markUnbounded64(r1);
      markUnbounded32(r1);
      if (w32) r1.varOff = tnumWithSubreg(r1.varOff, tnumAnd(tnumSubreg(r1.varOff), tnumConst(~v & 0xffffffffn)));
      else r1.varOff = tnumAnd(r1.varOff, tnumConst(u64(~v)));
      break;
    }
    case 'jle':
      if (w32) {
        r1.u32max = min(r1.u32max, r2.u32max);
        r2.u32min = max(r1.u32min, r2.u32min);
      } else {
        r1.umax = min(r1.umax, r2.umax);
        r2.umin = max(r1.umin, r2.umin);
      }
      break;
    case 'jlt':
      if (w32) {
        r1.u32max = min(r1.u32max, u32(r2.u32max - 1n));
        r2.u32min = max(u32(r1.u32min + 1n), r2.u32min);
      } else {
        r1.umax = min(r1.umax, u64(r2.umax - 1n));
        r2.umin = max(u64(r1.umin + 1n), r2.umin);
      }
      break;
    case 'jsle':
      if (w32) {
        r1.s32max = min(r1.s32max, r2.s32max);
        r2.s32min = max(r1.s32min, r2.s32min);
      } else {
        r1.smax = min(r1.smax, r2.smax);
        r2.smin = max(r1.smin, r2.smin);
      }
      break;
    case 'jslt':
      if (w32) {
        r1.s32max = min(r1.s32max, s32(r2.s32max - 1n));
        r2.s32min = max(s32(r1.s32min + 1n), r2.s32min);
      } else {
        r1.smax = min(r1.smax, s64(r2.smax - 1n));
        r2.smin = max(s64(r1.smin + 1n), r2.smin);
      }
      break;
    default:
      break;
  }
}

/**
 * reg_set_min_max: refine the fall-through pair with the reversed condition and the
 * taken pair with the condition itself. Pointers are left alone.
 */
export function setMinMax(trueR1: RegState, trueR2: ScalarBounds & { type?: string }, falseR1: RegState, falseR2: ScalarBounds & { type?: string }, op: JmpOp, w32: boolean): void {
  if (falseR1.type !== 'scalar' || (falseR2.type !== undefined && falseR2.type !== 'scalar')) return;
  refineCond(falseR1, falseR2, revOp(op), w32);
  boundsSync(falseR1);
  boundsSync(falseR2);
  refineCond(trueR1, trueR2, op, w32);
  boundsSync(trueR1);
  boundsSync(trueR2);
}

/** Concrete semantics of a comparison (test oracle). */
export function concreteCond(op: CondOp, a: bigint, b: bigint, w32: boolean): boolean {
  const U = (x: bigint): bigint => (w32 ? u32(x) : u64(x));
  const S = (x: bigint): bigint => (w32 ? s32(x) : s64(x));
  switch (op) {
    case 'jeq': return U(a) === U(b);
    case 'jne': return U(a) !== U(b);
    case 'jgt': return U(a) > U(b);
    case 'jge': return U(a) >= U(b);
    case 'jlt': return U(a) < U(b);
    case 'jle': return U(a) <= U(b);
    case 'jsgt': return S(a) > S(b);
    case 'jsge': return S(a) >= S(b);
    case 'jslt': return S(a) < S(b);
    case 'jsle': return S(a) <= S(b);
    case 'jset': return (U(a) & U(b)) !== 0n;
    case 'jset_x': return (U(a) & U(b)) === 0n;
  }
}
