/**
 * Tristate numbers (the kernel's `struct tnum`): a 64-bit value whose bits are each
 * known-0, known-1 or unknown. `value` holds the known-1 bits, `mask` the unknown bits;
 * `value & mask` is always 0. Values are unsigned 64-bit `bigint`s.
 */

/** A tristate number. */
export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64_MAX = (1n << 64n) - 1n;
export const U32_MAX = (1n << 32n) - 1n;

const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** A fully known constant. @example tnumConst(5n) */
export function tnumConst(value: bigint): Tnum {
  return { value: u64(value), mask: 0n };
}

/** Nothing known. */
export const TNUM_UNKNOWN: Tnum = { value: 0n, mask: U64_MAX };

/** Highest set bit position plus one (`fls64`), 0 for 0. */
function fls64(x: bigint): number {
  if (x === 0n) return 0;
  if (x > 0n && x <= 0xffffffffffffffffn) {
    // Two 32-bit halves and clz32: no string allocation on this hot path.
    const hi = Number(x >> 32n);
    return hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(Number(x));
  }
  return x.toString(2).length;
}

/** The smallest tnum holding every value of the unsigned range [min, max]. */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = u64(min ^ max);
  const bits = fls64(chi);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return { value: min & ~delta & U64_MAX, mask: delta };
}

export function tnumLshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return { value: u64(a.value << s), mask: u64(a.mask << s) };
}

export function tnumRshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return { value: a.value >> s, mask: a.mask >> s };
}

/** Arithmetic right shift in 32 or 64 bits (the 32-bit form works on the low half). */
export function tnumArshift(a: Tnum, shift: number, bits: 32 | 64): Tnum {
  const s = BigInt(shift);
  if (bits === 32) {
    return {
      value: BigInt.asUintN(32, BigInt.asIntN(32, a.value) >> s),
      mask: BigInt.asUintN(32, BigInt.asIntN(32, a.mask) >> s),
    };
  }
  return { value: u64(BigInt.asIntN(64, a.value) >> s), mask: u64(BigInt.asIntN(64, a.mask) >> s) };
}

export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = u64(a.mask + b.mask);
  const sv = u64(a.value + b.value);
  const sigma = u64(sm + sv);
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & U64_MAX, mask: mu };
}

export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = u64(a.value - b.value);
  const alpha = u64(dv + a.mask);
  const beta = u64(dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & U64_MAX, mask: mu };
}

export function tnumNeg(a: Tnum): Tnum {
  return tnumSub(tnumConst(0n), a);
}

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v & U64_MAX };
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v & U64_MAX };
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu & U64_MAX, mask: mu };
}

/** Multiplication by shift-and-add over the bits of `a` (the kernel's tnum_mul). */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  const accV = u64(a.value * b.value);
  let accM: Tnum = { value: 0n, mask: 0n };
  while (a.value !== 0n || a.mask !== 0n) {
    if ((a.value & 1n) !== 0n) accM = tnumAdd(accM, { value: 0n, mask: b.mask });
    else if ((a.mask & 1n) !== 0n) accM = tnumAdd(accM, { value: 0n, mask: b.value | b.mask });
    a = tnumRshift(a, 1);
    b = tnumLshift(b, 1);
  }
  return tnumAdd({ value: accV, mask: 0n }, accM);
}

/** Values known to be in both `a` and `b`. */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu & U64_MAX, mask: mu };
}

/** Keep the low `size` bytes. */
export function tnumCast(a: Tnum, size: number): Tnum {
  const m = size >= 8 ? U64_MAX : (1n << BigInt(size * 8)) - 1n;
  return { value: a.value & m, mask: a.mask & m };
}

export function tnumIsConst(a: Tnum): boolean {
  return a.mask === 0n;
}

export function tnumIsUnknown(a: Tnum): boolean {
  return a.mask === U64_MAX;
}

/** Whether every value of `a` is a multiple of `size`. */
export function tnumIsAligned(a: Tnum, size: number): boolean {
  if (size === 0) return true;
  return ((a.value | a.mask) & BigInt(size - 1)) === 0n;
}

/** Whether every value of `b` is also a value of `a`. */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if ((b.mask & ~a.mask & U64_MAX) !== 0n) return false;
  return a.value === (b.value & ~a.mask & U64_MAX);
}

export function tnumEquals(a: Tnum, b: Tnum): boolean {
  return a.value === b.value && a.mask === b.mask;
}

/** The low 32 bits. */
export function tnumSubreg(a: Tnum): Tnum {
  return { value: a.value & U32_MAX, mask: a.mask & U32_MAX };
}

/** The high 32 bits, low half cleared. */
export function tnumClearSubreg(a: Tnum): Tnum {
  return { value: a.value & ~U32_MAX & U64_MAX, mask: a.mask & ~U32_MAX & U64_MAX };
}

/** The high half of `a` with the low half of `sub`. */
export function tnumWithSubreg(a: Tnum, sub: Tnum): Tnum {
  return tnumOr(tnumClearSubreg(a), tnumSubreg(sub));
}

/** The high half of `a` with a known low half. */
export function tnumConstSubreg(a: Tnum, value: bigint): Tnum {
  return tnumWithSubreg(a, tnumConst(value & U32_MAX));
}

export function tnumSubregIsConst(a: Tnum): boolean {
  return (a.mask & U32_MAX) === 0n;
}

/** The kernel's `tnum_strn`: `(0x0; 0xff)`. */
export function tnumToString(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}

/** Whether concrete `x` (unsigned 64-bit) is a member of `a`. */
export function tnumContains(a: Tnum, x: bigint): boolean {
  return (u64(x) & ~a.mask & U64_MAX) === a.value;
}
