/**
 * Scalar bounds: a tnum plus signed/unsigned 64-bit and 32-bit ranges, kept in sync
 * the way the kernel's reg_bounds_sync does. All fields are `bigint`; signed fields are
 * in [-2^(n-1), 2^(n-1)), unsigned ones in [0, 2^n).
 */
import {
  TNUM_UNKNOWN, U32_MAX, U64_MAX, tnumCast, tnumClearSubreg, tnumConst, tnumConstSubreg, tnumIntersect,
  tnumIsConst, tnumOr, tnumRange, tnumSubreg, type Tnum,
} from './tnum.js';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;

/** The numeric part of a register state (the whole of a scalar, the variable part of a pointer). */
export interface ScalarBounds {
  varOff: Tnum;
  smin: bigint;
  smax: bigint;
  umin: bigint;
  umax: bigint;
  s32min: bigint;
  s32max: bigint;
  u32min: bigint;
  u32max: bigint;
}

export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const s32 = (x: bigint): bigint => BigInt.asIntN(32, x);
export const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Bounds of a known 64-bit constant (`__mark_reg_known`). */
export function markKnown(r: ScalarBounds, imm: bigint): void {
  const v = u64(imm);
  r.varOff = tnumConst(v);
  r.smin = r.smax = s64(v);
  r.umin = r.umax = v;
  r.s32min = r.s32max = s32(v);
  r.u32min = r.u32max = u32(v);
}

/** Low 32 bits known (`__mark_reg32_known`). */
export function markKnown32(r: ScalarBounds, imm: bigint): void {
  r.varOff = tnumConstSubreg(r.varOff, imm);
  r.s32min = r.s32max = s32(imm);
  r.u32min = r.u32max = u32(imm);
}

export function markUnbounded64(r: ScalarBounds): void {
  r.smin = S64_MIN;
  r.smax = S64_MAX;
  r.umin = 0n;
  r.umax = U64_MAX;
}

export function markUnbounded32(r: ScalarBounds): void {
  r.s32min = S32_MIN;
  r.s32max = S32_MAX;
  r.u32min = 0n;
  r.u32max = U32_MAX;
}

/** Nothing known (`__mark_reg_unbounded` + unknown tnum). */
export function markUnknownBounds(r: ScalarBounds): void {
  r.varOff = TNUM_UNKNOWN;
  markUnbounded64(r);
  markUnbounded32(r);
}

/** A fresh, fully unknown set of bounds. */
export function unknownBounds(): ScalarBounds {
  return { varOff: TNUM_UNKNOWN, smin: S64_MIN, smax: S64_MAX, umin: 0n, umax: U64_MAX, s32min: S32_MIN, s32max: S32_MAX, u32min: 0n, u32max: U32_MAX };
}

/** Constant-bounds templates by value (see constScalar). */
const constCache = new Map<bigint, ScalarBounds>();

/** Bounds of a constant. */
export function constBounds(v: bigint): ScalarBounds {
  let t = constCache.get(v);
  if (t === undefined) {
    if (constCache.size >= 4096) constCache.clear();
    t = unknownBounds();
    markKnown(t, v);
    constCache.set(v, t);
  }
  return { varOff: t.varOff, smin: t.smin, smax: t.smax, umin: t.umin, umax: t.umax, s32min: t.s32min, s32max: t.s32max, u32min: t.u32min, u32max: t.u32max };
}

export function copyBounds(dst: ScalarBounds, src: ScalarBounds): void {
  dst.varOff = src.varOff;
  dst.smin = src.smin;
  dst.smax = src.smax;
  dst.umin = src.umin;
  dst.umax = src.umax;
  dst.s32min = src.s32min;
  dst.s32max = src.s32max;
  dst.u32min = src.u32min;
  dst.u32max = src.u32max;
}

function updateReg32Bounds(r: ScalarBounds): void {
  const v = tnumSubreg(r.varOff);
  r.s32min = max(r.s32min, s32(v.value | (v.mask & 0x80000000n)));
  r.s32max = min(r.s32max, s32(v.value | (v.mask & 0x7fffffffn)));
  r.u32min = max(r.u32min, v.value);
  r.u32max = min(r.u32max, v.value | v.mask);
}

function updateReg64Bounds(r: ScalarBounds): void {
  const v = r.varOff;
  r.smin = max(r.smin, s64(v.value | (v.mask & (1n << 63n))));
  r.smax = min(r.smax, s64(v.value | (v.mask & S64_MAX)));
  r.umin = max(r.umin, v.value);
  r.umax = min(r.umax, v.value | v.mask);
}

/** Bounds implied by the tnum (`__update_reg_bounds`). */
export function updateRegBounds(r: ScalarBounds): void {
  updateReg32Bounds(r);
  updateReg64Bounds(r);
}

export { updateReg32Bounds };

function deduce32(r: ScalarBounds): void {
  if (r.umin >> 32n === r.umax >> 32n) {
    r.u32min = max(r.u32min, u32(r.umin));
    r.u32max = min(r.u32max, u32(r.umax));
    if (s32(r.umin) <= s32(r.umax)) {
      r.s32min = max(r.s32min, s32(r.umin));
      r.s32max = min(r.s32max, s32(r.umax));
    }
  }
  if (r.smin >> 32n === r.smax >> 32n) {
    r.u32min = max(r.u32min, u32(r.smin));
    r.u32max = min(r.u32max, u32(r.smax));
    if (s32(r.smin) <= s32(r.smax)) {
      r.s32min = max(r.s32min, s32(r.smin));
      r.s32max = min(r.s32max, s32(r.smax));
    }
  }
  if (u32((r.umin >> 32n) + 1n) === u32(r.umax >> 32n) && s32(r.umin) < 0n && s32(r.umax) >= 0n) {
    r.s32min = max(r.s32min, s32(r.umin));
    r.s32max = min(r.s32max, s32(r.umax));
  }
  if (u32((r.smin >> 32n) + 1n) === u32(r.smax >> 32n) && s32(r.smin) < 0n && s32(r.smax) >= 0n) {
    r.s32min = max(r.s32min, s32(r.smin));
    r.s32max = min(r.s32max, s32(r.smax));
  }
  if (s32(r.u32min) <= s32(r.u32max)) {
    r.s32min = max(r.s32min, s32(r.u32min));
    r.s32max = min(r.s32max, s32(r.u32max));
  }
  if (u32(r.s32min) <= u32(r.s32max)) {
    r.u32min = max(u32(r.s32min), r.u32min);
    r.u32max = min(u32(r.s32max), r.u32max);
  }
}

function deduce64(r: ScalarBounds): void {
  if (s64(r.umin) <= s64(r.umax)) {
    r.smin = max(r.smin, s64(r.umin));
    r.smax = min(r.smax, s64(r.umax));
  }
  if (u64(r.smin) <= u64(r.smax)) {
    r.umin = max(u64(r.smin), r.umin);
    r.umax = min(u64(r.smax), r.umax);
  } else if (r.umax < u64(r.smin)) {
    r.smin = s64(r.umin);
    r.umax = min(r.umax, u64(r.smax));
  } else if (u64(r.smax) < r.umin) {
    r.smax = s64(r.umax);
    r.umin = max(r.umin, u64(r.smin));
  }
}

function deduceMixed(r: ScalarBounds): void {
  const hi = U64_MAX ^ U32_MAX;
  r.umin = max(r.umin, (r.umin & hi) | r.u32min);
  r.umax = min(r.umax, (r.umax & hi) | r.u32max);
  r.smin = max(r.smin, s64((u64(r.smin) & hi) | r.u32min));
  r.smax = min(r.smax, s64((u64(r.smax) & hi) | r.u32max));
  if (r.s32min >= 0n && r.smin >= S32_MIN && r.smax <= S32_MAX) {
    r.smin = r.s32min;
    r.smax = r.s32max;
    r.umin = r.s32min;
    r.umax = r.s32max;
    r.varOff = tnumIntersect(r.varOff, tnumRange(u64(r.smin), u64(r.smax)));
  }
}

/** `__reg_deduce_bounds`: learn signed from unsigned, 32 from 64 and back. */
export function deduceBounds(r: ScalarBounds): void {
  deduce32(r);
  deduce64(r);
  deduceMixed(r);
}

/** `__reg_bound_offset`: learn tnum bits from the ranges. */
export function boundOffset(r: ScalarBounds): void {
  const v64 = tnumIntersect(r.varOff, tnumRange(r.umin, r.umax));
  const v32 = tnumIntersect(tnumSubreg(v64), tnumRange(r.u32min, r.u32max));
  r.varOff = tnumOr(tnumClearSubreg(v64), v32);
}

/** `reg_bounds_sync`: bring tnum and all ranges into agreement. */
export function boundsSync(r: ScalarBounds): void {
  const v = r.varOff.value;
  if (r.varOff.mask === 0n && r.umin === v && r.umax === v && r.smin === r.smax && r.s32min === r.s32max && r.u32min === r.u32max
    && r.u32min === (v & U32_MAX) && r.smin === s64(v) && r.s32min === s32(v)) return;
  // Nothing known anywhere: every step below is a no-op.
  if (r.varOff.mask === U64_MAX && r.umin === 0n && r.umax === U64_MAX && r.smin === S64_MIN && r.smax === S64_MAX
    && r.u32min === 0n && r.u32max === U32_MAX && r.s32min === S32_MIN && r.s32max === S32_MAX) return;
  updateRegBounds(r);
  // Three rounds as the kernel does; a round that changes nothing makes the rest no-ops.
  for (let round = 0; round < 3; round++) {
    const { varOff, smin, smax, umin, umax, s32min, s32max, u32min, u32max } = r;
    deduceBounds(r);
    if (r.varOff.value === varOff.value && r.varOff.mask === varOff.mask && r.smin === smin && r.smax === smax && r.umin === umin
      && r.umax === umax && r.s32min === s32min && r.s32max === s32max && r.u32min === u32min && r.u32max === u32max) break;
  }
  boundOffset(r);
  updateRegBounds(r);
}

/** Whether the ranges contradict each other (an impossible state, e.g. a dead branch). */
export function boundsInvalid(r: ScalarBounds): boolean {
  return r.smin > r.smax || r.umin > r.umax || r.s32min > r.s32max || r.u32min > r.u32max;
}

/** `__reg_assign_32_into_64` after a 32-bit operation (the upper half becomes zero). */
export function zext32To64(r: ScalarBounds): void {
  r.varOff = tnumSubreg(r.varOff);
  r.umin = r.u32min;
  r.umax = r.u32max;
  r.smax = r.s32min >= 0n && r.s32max >= 0n ? r.s32max : U32_MAX;
  r.smin = r.s32min >= 0n ? r.s32min : 0n;
}

/** Truncate to the low `size` bytes, zero-extended (`coerce_reg_to_size`). */
export function coerceToSize(r: ScalarBounds, size: number): void {
  r.varOff = tnumCast(r.varOff, size);
  const mask = size >= 8 ? U64_MAX : (1n << BigInt(size * 8)) - 1n;
  if ((r.umin & ~mask) === (r.umax & ~mask)) {
    r.umin &= mask;
    r.umax &= mask;
  } else {
    r.umin = 0n;
    r.umax = mask;
  }
  r.smin = s64(r.umin);
  r.smax = s64(r.umax);
  if (size < 4) markUnbounded32(r);
  boundsSync(r);
}

const sext = (x: bigint, size: number): bigint => BigInt.asIntN(size * 8, x);

/** Sign-extend the low `size` bytes into 64 bits (`coerce_reg_to_size_sx`). */
export function coerceToSizeSx(r: ScalarBounds, size: number): void {
  const bits = BigInt(size * 8);
  if (tnumIsConst(r.varOff)) {
    markKnown(r, sext(r.varOff.value, size));
    return;
  }
  const topMax = (u64(r.smax) >> bits) << bits;
  const topMin = (u64(r.smin) >> bits) << bits;
  if (topMax === topMin) {
    const a = sext(r.smax, size);
    const b = sext(r.smin, size);
    const hi = max(a, b);
    const lo = min(a, b);
    if ((hi >= 0n) === (lo >= 0n)) {
      r.smin = r.s32min = lo;
      r.smax = r.s32max = hi;
      r.umin = u64(lo);
      r.umax = u64(hi);
      r.u32min = u32(lo);
      r.u32max = u32(hi);
      r.varOff = tnumRange(u64(lo), u64(hi));
      return;
    }
  }
  const lim = 1n << (bits - 1n);
  r.smin = r.s32min = -lim;
  r.smax = r.s32max = lim - 1n;
  r.umin = r.u32min = 0n;
  r.umax = U64_MAX;
  r.u32max = U32_MAX;
  r.varOff = TNUM_UNKNOWN;
}

/** Sign-extend the low `size` bytes into the low 32 bits (`coerce_subreg_to_size_sx`). */
export function coerceSubregToSizeSx(r: ScalarBounds, size: number): void {
  const bits = BigInt(size * 8);
  if (tnumIsConst(r.varOff)) {
    const v = u64(sext(r.varOff.value, size));
    r.varOff = tnumConst(v);
    r.s32min = r.s32max = s32(v);
    r.u32min = r.u32max = u32(v);
    return;
  }
  const topMax = (u32(r.s32max) >> bits) << bits;
  const topMin = (u32(r.s32min) >> bits) << bits;
  if (topMax === topMin) {
    const a = sext(r.s32max, size);
    const b = sext(r.s32min, size);
    const hi = max(a, b);
    const lo = min(a, b);
    if ((hi >= 0n) === (lo >= 0n)) {
      r.s32min = lo;
      r.s32max = hi;
      r.u32min = u32(lo);
      r.u32max = u32(hi);
      r.varOff = tnumSubreg(tnumRange(u64(lo), u64(hi)));
      return;
    }
  }
  const lim = 1n << (bits - 1n);
  r.s32min = -lim;
  r.s32max = lim - 1n;
  r.u32min = 0n;
  r.u32max = U32_MAX;
  r.varOff = tnumSubreg(TNUM_UNKNOWN);
}

/** Whether concrete value `x` (any bigint, taken mod 2^64) satisfies every bound. */
export function boundsContain(r: ScalarBounds, x: bigint): boolean {
  const u = u64(x);
  const s = s64(x);
  const lo = u32(x);
  const slo = s32(x);
  return (u & ~r.varOff.mask & U64_MAX) === r.varOff.value
    && s >= r.smin && s <= r.smax && u >= r.umin && u <= r.umax
    && slo >= r.s32min && slo <= r.s32max && lo >= r.u32min && lo <= r.u32max;
}
