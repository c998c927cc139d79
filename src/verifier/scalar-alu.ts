/**
 * Range propagation through scalar ALU operations: the kernel's
 * adjust_scalar_min_max_vals and its scalar(32)_min_max_* helpers.
 */
import type { AluOp } from '../isa/index.js';
import {
  S32_MAX, S32_MIN, S64_MAX, S64_MIN, boundsSync, markKnown, markKnown32, markUnbounded32, markUnbounded64,
  markUnknownBounds, s32, s64, u32, u64, updateReg32Bounds, updateRegBounds, zext32To64, type ScalarBounds,
} from './scalar.js';
import {
  U32_MAX, U64_MAX, tnumAdd, tnumAnd, tnumArshift, tnumIsConst, tnumLshift, tnumMul, tnumNeg, tnumOr, tnumRshift,
  tnumSub, tnumSubreg, tnumSubregIsConst, tnumXor,
} from './tnum.js';

const minOf = (xs: bigint[]): bigint => xs.reduce((a, b) => (a < b ? a : b));
const maxOf = (xs: bigint[]): bigint => xs.reduce((a, b) => (a > b ? a : b));

function add32(d: ScalarBounds, s: ScalarBounds): void {
  const smin = d.s32min + s.s32min;
  const smax = d.s32max + s.s32max;
  if (smin !== s32(smin) || smax !== s32(smax)) [d.s32min, d.s32max] = [S32_MIN, S32_MAX];
  else [d.s32min, d.s32max] = [smin, smax];
  const umin = d.u32min + s.u32min;
  const umax = d.u32max + s.u32max;
  const minOv = umin > U32_MAX;
  const maxOv = umax > U32_MAX;
  if (!minOv && maxOv) [d.u32min, d.u32max] = [0n, U32_MAX];
  else [d.u32min, d.u32max] = [u32(umin), u32(umax)];
}

function add64(d: ScalarBounds, s: ScalarBounds): void {
  const smin = d.smin + s.smin;
  const smax = d.smax + s.smax;
  if (smin !== s64(smin) || smax !== s64(smax)) [d.smin, d.smax] = [S64_MIN, S64_MAX];
  else [d.smin, d.smax] = [smin, smax];
  const umin = d.umin + s.umin;
  const umax = d.umax + s.umax;
  const minOv = umin > U64_MAX;
  const maxOv = umax > U64_MAX;
  if (!minOv && maxOv) [d.umin, d.umax] = [0n, U64_MAX];
  else [d.umin, d.umax] = [u64(umin), u64(umax)];
}

function sub32(d: ScalarBounds, s: ScalarBounds): void {
  const smin = d.s32min - s.s32max;
  const smax = d.s32max - s.s32min;
  if (smin !== s32(smin) || smax !== s32(smax)) [d.s32min, d.s32max] = [S32_MIN, S32_MAX];
  else [d.s32min, d.s32max] = [smin, smax];
  const umin = d.u32min - s.u32max;
  const umax = d.u32max - s.u32min;
  if (umin < 0n && umax >= 0n) [d.u32min, d.u32max] = [0n, U32_MAX];
  else [d.u32min, d.u32max] = [u32(umin), u32(umax)];
}

function sub64(d: ScalarBounds, s: ScalarBounds): void {
  const smin = d.smin - s.smax;
  const smax = d.smax - s.smin;
  if (smin !== s64(smin) || smax !== s64(smax)) [d.smin, d.smax] = [S64_MIN, S64_MAX];
  else [d.smin, d.smax] = [smin, smax];
  const umin = d.umin - s.umax;
  const umax = d.umax - s.umin;
  if (umin < 0n && umax >= 0n) [d.umin, d.umax] = [0n, U64_MAX];
  else [d.umin, d.umax] = [u64(umin), u64(umax)];
}

function mul32(d: ScalarBounds, s: ScalarBounds): void {
  const umax = d.u32max * s.u32max;
  const umin = d.u32min * s.u32min;
  if (umax > U32_MAX || umin > U32_MAX) [d.u32min, d.u32max] = [0n, U32_MAX];
  else [d.u32min, d.u32max] = [umin, umax];
  const p = [d.s32min * s.s32min, d.s32min * s.s32max, d.s32max * s.s32min, d.s32max * s.s32max];
  if (p.some((x) => x !== s32(x))) [d.s32min, d.s32max] = [S32_MIN, S32_MAX];
  else [d.s32min, d.s32max] = [minOf(p), maxOf(p)];
}

function mul64(d: ScalarBounds, s: ScalarBounds): void {
  const umax = d.umax * s.umax;
  const umin = d.umin * s.umin;
  if (umax > U64_MAX || umin > U64_MAX) [d.umin, d.umax] = [0n, U64_MAX];
  else [d.umin, d.umax] = [umin, umax];
  const p = [d.smin * s.smin, d.smin * s.smax, d.smax * s.smin, d.smax * s.smax];
  if (p.some((x) => x !== s64(x))) [d.smin, d.smax] = [S64_MIN, S64_MAX];
  else [d.smin, d.smax] = [minOf(p), maxOf(p)];
}

/** s32 bounds from u32 bounds when they do not cross the sign boundary, else unbounded. */
function s32FromU32(d: ScalarBounds): void {
  if (s32(d.u32min) <= s32(d.u32max)) [d.s32min, d.s32max] = [s32(d.u32min), s32(d.u32max)];
  else [d.s32min, d.s32max] = [S32_MIN, S32_MAX];
}

function s64FromU64(d: ScalarBounds): void {
  if (s64(d.umin) <= s64(d.umax)) [d.smin, d.smax] = [s64(d.umin), s64(d.umax)];
  else [d.smin, d.smax] = [S64_MIN, S64_MAX];
}

type BitOp = 'and' | 'or' | 'xor';

function bit32(op: BitOp, d: ScalarBounds, s: ScalarBounds): void {
  const v = tnumSubreg(d.varOff);
  if (tnumSubregIsConst(s.varOff) && tnumSubregIsConst(d.varOff)) {
    markKnown32(d, v.value);
    return;
  }
  if (op === 'and') {
    d.u32min = v.value;
    d.u32max = d.u32max < s.u32max ? d.u32max : s.u32max;
  } else if (op === 'or') {
    d.u32min = d.u32min > s.u32min ? d.u32min : s.u32min;
    d.u32max = v.value | v.mask;
  } else {
    d.u32min = v.value;
    d.u32max = v.value | v.mask;
  }
  s32FromU32(d);
}

function bit64(op: BitOp, d: ScalarBounds, s: ScalarBounds): void {
  if (tnumIsConst(s.varOff) && tnumIsConst(d.varOff)) {
    markKnown(d, d.varOff.value);
    return;
  }
  const v = d.varOff;
  if (op === 'and') {
    d.umin = v.value;
    d.umax = d.umax < s.umax ? d.umax : s.umax;
  } else if (op === 'or') {
    d.umin = d.umin > s.umin ? d.umin : s.umin;
    d.umax = v.value | v.mask;
  } else {
    d.umin = v.value;
    d.umax = v.value | v.mask;
  }
  s64FromU64(d);
  updateRegBounds(d);
}

function lsh32Bounds(d: ScalarBounds, umin: bigint, umax: bigint): void {
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  if (umax > 31n || d.u32max > 1n << (31n - umax)) {
    d.u32min = 0n;
    d.u32max = U32_MAX;
  } else {
    d.u32min = u32(d.u32min << umin);
    d.u32max = u32(d.u32max << umax);
  }
}

function lsh64Bounds(d: ScalarBounds, umin: bigint, umax: bigint): void {
  d.smax = umin === 32n && umax === 32n && d.s32max >= 0n ? d.s32max << 32n : S64_MAX;
  d.smin = umin === 32n && umax === 32n && d.s32min >= 0n ? d.s32min << 32n : S64_MIN;
  if (d.umax > 1n << (63n - umax)) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = u64(d.umin << umin);
    d.umax = u64(d.umax << umax);
  }
}

/** Whether the kernel computes a range for this op (`is_safe_to_compute_dst_reg_range`). */
function safeToCompute(op: AluOp, width: 32 | 64, s: ScalarBounds): boolean {
  switch (op) {
    case 'add': case 'sub': case 'neg': case 'and': case 'xor': case 'or': case 'mul':
      return true;
    case 'lsh': case 'rsh': case 'arsh': {
      const known = width === 32
        ? tnumSubregIsConst(s.varOff) && s.s32min === s.s32max && s.u32min === s.u32max
        : tnumIsConst(s.varOff) && s.smin === s.smax && s.umin === s.umax;
      return known && s.umax < BigInt(width);
    }
    default:
      return false;
  }
}

/**
 * `dst = dst op src` on scalar bounds, in place on `d` (the kernel's adjust_scalar_min_max_vals).
 * @example const d = constBounds(3n); scalarAlu('add', 64, d, constBounds(4n)) // d is 7
 */
export function scalarAlu(op: AluOp, width: 32 | 64, d: ScalarBounds, s: ScalarBounds): void {
  // Fast path: both operands known exactly, so the result is the constant itself.
  if (d.varOff.mask === 0n && s.varOff.mask === 0n && op !== 'div' && op !== 'sdiv' && op !== 'mod' && op !== 'smod'
    && d.umin === d.umax && s.umin === s.umax && d.smin === d.smax && s.smin === s.smax
    && (!(op === 'lsh' || op === 'rsh' || op === 'arsh') || s.umax < BigInt(width))) {
    markKnown(d, concreteAlu(op, width, d.varOff.value, s.varOff.value));
    return;
  }
  if (!safeToCompute(op, width, s)) {
    markUnknownBounds(d);
    return;
  }
  const alu32 = width === 32;
  switch (op) {
    case 'add':
      add32(d, s);
      add64(d, s);
      d.varOff = tnumAdd(d.varOff, s.varOff);
      break;
    case 'sub':
      sub32(d, s);
      sub64(d, s);
      d.varOff = tnumSub(d.varOff, s.varOff);
      break;
    case 'neg': {
      const old = { ...d };
      markKnown(d, 0n);
      sub32(d, old);
      sub64(d, old);
      d.varOff = tnumNeg(old.varOff);
      break;
    }
    case 'mul':
      d.varOff = tnumMul(d.varOff, s.varOff);
      mul32(d, s);
      mul64(d, s);
      break;
    case 'and': case 'or': case 'xor':
      d.varOff = op === 'and' ? tnumAnd(d.varOff, s.varOff) : op === 'or' ? tnumOr(d.varOff, s.varOff) : tnumXor(d.varOff, s.varOff);
      bit32(op, d, s);
      bit64(op, d, s);
      break;
    case 'lsh':
      if (alu32) {
        const sub = tnumSubreg(d.varOff);
        lsh32Bounds(d, s.u32min, s.u32max);
        d.varOff = tnumSubreg(tnumLshift(sub, Number(s.u32min)));
        markUnbounded64(d);
        updateReg32Bounds(d);
      } else {
        lsh64Bounds(d, s.umin, s.umax);
        lsh32Bounds(d, s.umin, s.umax);
        d.varOff = tnumLshift(d.varOff, Number(s.umin));
        updateRegBounds(d);
      }
      break;
    case 'rsh':
      if (alu32) {
        const sub = tnumSubreg(d.varOff);
        d.s32min = S32_MIN;
        d.s32max = S32_MAX;
        d.varOff = tnumRshift(sub, Number(s.u32min));
        d.u32min >>= s.u32max;
        d.u32max >>= s.u32min;
        markUnbounded64(d);
        updateReg32Bounds(d);
      } else {
        d.smin = S64_MIN;
        d.smax = S64_MAX;
        d.varOff = tnumRshift(d.varOff, Number(s.umin));
        d.umin >>= s.umax;
        d.umax >>= s.umin;
        markUnbounded32(d);
        updateRegBounds(d);
      }
      break;
    case 'arsh':
      if (alu32) {
        const sh = s.u32min;
        d.s32min = s32(d.s32min >> sh);
        d.s32max = s32(d.s32max >> sh);
        d.varOff = tnumArshift(tnumSubreg(d.varOff), Number(sh), 32);
        d.u32min = 0n;
        d.u32max = U32_MAX;
        markUnbounded64(d);
        updateReg32Bounds(d);
      } else {
        const sh = s.umin;
        d.smin >>= sh;
        d.smax >>= sh;
        d.varOff = tnumArshift(d.varOff, Number(sh), 64);
        d.umin = 0n;
        d.umax = U64_MAX;
        markUnbounded32(d);
        updateRegBounds(d);
      }
      break;
    default:
      markUnknownBounds(d);
      return;
  }
  if (alu32) zext32To64(d);
  boundsSync(d);
}

/** Concrete semantics of an ALU op on 64-bit values (the oracle for tests and constant folding). */
export function concreteAlu(op: AluOp, width: 32 | 64, a: bigint, b: bigint): bigint {
  const bits = BigInt(width);
  const W = (x: bigint): bigint => BigInt.asUintN(width, x);
  const S = (x: bigint): bigint => BigInt.asIntN(width, x);
  a = W(a);
  b = W(b);
  let r: bigint;
  switch (op) {
    case 'add': r = a + b; break;
    case 'sub': r = a - b; break;
    case 'mul': r = a * b; break;
    case 'div': r = b === 0n ? 0n : a / b; break;
    case 'sdiv': r = b === 0n ? 0n : S(a) / S(b); break;
    case 'mod': r = b === 0n ? a : a % b; break;
    case 'smod': r = b === 0n ? a : S(a) % S(b); break;
    case 'or': r = a | b; break;
    case 'and': r = a & b; break;
    case 'xor': r = a ^ b; break;
    case 'lsh': r = a << (b & (bits - 1n)); break;
    case 'rsh': r = a >> (b & (bits - 1n)); break;
    case 'arsh': r = S(a) >> (b & (bits - 1n)); break;
    case 'neg': r = -a; break;
    case 'mov': r = b; break;
    case 'movsx8': r = BigInt.asIntN(8, b); break;
    case 'movsx16': r = BigInt.asIntN(16, b); break;
    case 'movsx32': r = BigInt.asIntN(32, b); break;
  }
  return W(r);
}
