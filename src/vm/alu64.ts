/**
 * 64-bit arithmetic on registers kept as two int32 halves (`lo[r]`, `hi[r]`), the way the
 * interpreter stores them. Each function writes register `d` from its current value and
 * the operand `(bl, bh)`; the results are the kernel's (wrap-around, masked shifts,
 * division by zero and INT_MIN / -1 as in kernel/bpf/core.c).
 */


/** High 32 bits of the unsigned 64-bit product of two uint32 values, as int32. */
export function mulHiU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  // every partial product is below 2^32, so `>>> 16` is exact
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** `d *= (bl, bh)` modulo 2^64. */
export function mul64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number): void {
  const al = lo[d]!, ah = hi[d]!;
  hi[d] = (mulHiU32(al >>> 0, bl >>> 0) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  lo[d] = Math.imul(al, bl);
}

/** Register `d` as an unsigned bigint. */
export function toU64(lo: Int32Array, hi: Int32Array, d: number): bigint {
  return (BigInt(hi[d]! >>> 0) << 32n) | BigInt(lo[d]! >>> 0);
}

/** Store a bigint (taken modulo 2^64) into register `d`. */
export function setU64(lo: Int32Array, hi: Int32Array, d: number, v: bigint): void {
  lo[d] = Number(BigInt.asIntN(32, v));
  hi[d] = Number(BigInt.asIntN(32, v >> 32n));
}

const u64 = (l: number, h: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);

/** Unsigned `d /= b`; division by zero gives 0. */
export function div64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number): void {
  if (bh === 0 && hi[d] === 0) {
    const b = bl >>> 0;
    lo[d] = b === 0 ? 0 : Math.floor((lo[d]! >>> 0) / b) | 0;
    return;
  }
  const b = u64(bl, bh);
  setU64(lo, hi, d, b === 0n ? 0n : toU64(lo, hi, d) / b);
}

/** Unsigned `d %= b`; modulo by zero leaves `d`. */
export function mod64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number): void {
  if (bh === 0 && hi[d] === 0) {
    const b = bl >>> 0;
    if (b !== 0) lo[d] = ((lo[d]! >>> 0) % b) | 0;
    return;
  }
  const b = u64(bl, bh);
  if (b !== 0n) setU64(lo, hi, d, toU64(lo, hi, d) % b);
}

/** Signed `d s/= b`; by zero gives 0, INT64_MIN / -1 gives INT64_MIN. */
export function sdiv64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number): void {
  const b = BigInt.asIntN(64, u64(bl, bh));
  if (b === 0n) {
    lo[d] = 0;
    hi[d] = 0;
    return;
  }
  setU64(lo, hi, d, BigInt.asIntN(64, u64(lo[d]!, hi[d]!)) / b);
}

/** Signed `d s%= b` (sign of the dividend); by zero leaves `d`; INT64_MIN % -1 is 0. */
export function smod64(lo: Int32Array, hi: Int32Array, d: number, bl: number, bh: number): void {
  const b = BigInt.asIntN(64, u64(bl, bh));
  if (b === 0n) return;
  setU64(lo, hi, d, BigInt.asIntN(64, u64(lo[d]!, hi[d]!)) % b);
}

/** `d <<= n & 63`. */
export function lsh64(lo: Int32Array, hi: Int32Array, d: number, n: number): void {
  const s = n & 63;
  if (s === 0) return;
  const l = lo[d]!;
  if (s < 32) {
    hi[d] = (hi[d]! << s) | (l >>> (32 - s));
    lo[d] = l << s;
  } else {
    hi[d] = l << (s - 32);
    lo[d] = 0;
  }
}

/** `d >>= n & 63` (logical). */
export function rsh64(lo: Int32Array, hi: Int32Array, d: number, n: number): void {
  const s = n & 63;
  if (s === 0) return;
  const h = hi[d]!;
  if (s < 32) {
    lo[d] = (lo[d]! >>> s) | (h << (32 - s));
    hi[d] = h >>> s;
  } else {
    lo[d] = h >>> (s - 32);
    hi[d] = 0;
  }
}

/** `d s>>= n & 63` (arithmetic). */
export function arsh64(lo: Int32Array, hi: Int32Array, d: number, n: number): void {
  const s = n & 63;
  if (s === 0) return;
  const h = hi[d]!;
  if (s < 32) {
    lo[d] = (lo[d]! >>> s) | (h << (32 - s));
    hi[d] = h >> s;
  } else {
    lo[d] = h >> (s - 32);
    hi[d] = h >> 31;
  }
}

/** Unsigned 32-bit division, by zero gives 0 (result as int32). */
export function div32(a: number, b: number): number {
  const bu = b >>> 0;
  return bu === 0 ? 0 : Math.floor((a >>> 0) / bu) | 0;
}

/** Unsigned 32-bit modulo, by zero leaves `a`. */
export function mod32(a: number, b: number): number {
  const bu = b >>> 0;
  return bu === 0 ? a : ((a >>> 0) % bu) | 0;
}

/** Signed 32-bit division: by zero 0, INT32_MIN / -1 = INT32_MIN. */
export function sdiv32(a: number, b: number): number {
  if (b === 0) return 0;
  if (b === -1) return -a | 0;
  return Math.trunc(a / b) | 0;
}

/** Signed 32-bit modulo: by zero leaves `a`, by -1 gives 0. */
export function smod32(a: number, b: number): number {
  if (b === 0) return a;
  if (b === -1) return 0;
  return a % b | 0;
}

/** Byte-swap the low 16 bits. */
export function bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}

/** Byte-swap 32 bits (int32 result). */
export function bswap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

/** Unsigned 64-bit a < b on halves. */
export function ltU64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? al >>> 0 < bl >>> 0 : ah >>> 0 < bh >>> 0;
}

/** Signed 64-bit a < b. */
export function ltS64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? al >>> 0 < bl >>> 0 : ah < bh;
}
