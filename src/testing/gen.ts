/**
 * Small shared pieces for the arbitraries: a value-or-arbitrary option type and deterministic
 * byte filling (so big payloads are cheap to generate and shrink to zeros).
 */
import fc, { type Arbitrary } from 'fast-check';

/** An option that is either a fixed value or an arbitrary of values. */
export type Gen<T> = T | Arbitrary<T>;

/** The arbitrary behind a `Gen` option, or `fallback` when the option is absent. */
export function genArb<T>(option: Gen<T> | undefined, fallback: Arbitrary<T>): Arbitrary<T> {
  if (option === undefined) return fallback;
  return isArbitrary(option) ? option : fc.constant(option);
}

/** True for a fast-check arbitrary (duck-typed, so a second copy of fast-check also works). */
export function isArbitrary<T>(x: unknown): x is Arbitrary<T> {
  return typeof x === 'object' && x !== null && typeof (x as { generate?: unknown }).generate === 'function'
    && typeof (x as { shrink?: unknown }).shrink === 'function';
}

/**
 * `length` bytes from a xorshift32 stream seeded by `seed`; seed 0 gives zeros.
 * @example seededBytes(4, 0) // Uint8Array [0, 0, 0, 0]
 */
export function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  if (seed === 0) return out;
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bytes of a length in `[min, max]`, shrinking towards shorter and then all-zero. */
export function bytesArb(min: number, max: number): Arbitrary<Uint8Array> {
  return fc
    .record({ length: fc.integer({ min, max }), seed: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0x7fffffff })) })
    .map(({ length, seed }) => seededBytes(length, seed));
}
