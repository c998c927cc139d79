import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  tnumAdd, tnumAnd, tnumArshift, tnumContains, tnumIn, tnumIntersect, tnumLshift, tnumMul, tnumNeg, tnumOr, tnumRange,
  tnumRshift, tnumSub, tnumXor, type Tnum,
} from '../../../src/verifier/index.js';

const U64 = (1n << 64n) - 1n;
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** A tnum together with one concrete member: random known bits and a random unknown mask. */
const tnumWithMember = fc.tuple(fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }))
  .map(([v, m, pick]) => {
    // Sparse masks keep the tnums interesting (not almost fully unknown).
    const mask = m & (m >> 3n) & (m >> 7n);
    const t: Tnum = { value: v & ~mask & U64, mask };
    const x = t.value | (pick & mask);
    return { t, x };
  });

const binary: [string, (a: Tnum, b: Tnum) => Tnum, (a: bigint, b: bigint) => bigint][] = [
  ['add', tnumAdd, (a, b) => u64(a + b)],
  ['sub', tnumSub, (a, b) => u64(a - b)],
  ['and', tnumAnd, (a, b) => a & b],
  ['or', tnumOr, (a, b) => a | b],
  ['xor', tnumXor, (a, b) => a ^ b],
  ['mul', tnumMul, (a, b) => u64(a * b)],
];

describe('tnum arithmetic is sound against concrete values', () => {
  for (const [name, op, concrete] of binary) {
    it(name, () => {
      fc.assert(fc.property(tnumWithMember, tnumWithMember, (a, b) => {
        const r = op(a.t, b.t);
        expect((r.value & r.mask) === 0n).toBe(true);
        expect(tnumContains(r, concrete(a.x, b.x))).toBe(true);
      }), { numRuns: 300 });
    });
  }
  it('shifts and negation', () => {
    fc.assert(fc.property(tnumWithMember, fc.integer({ min: 0, max: 63 }), (a, s) => {
      const sh = BigInt(s);
      expect(tnumContains(tnumLshift(a.t, s), u64(a.x << sh))).toBe(true);
      expect(tnumContains(tnumRshift(a.t, s), a.x >> sh)).toBe(true);
      expect(tnumContains(tnumArshift(a.t, s, 64), u64(BigInt.asIntN(64, a.x) >> sh))).toBe(true);
      expect(tnumContains(tnumNeg(a.t), u64(-a.x))).toBe(true);
    }), { numRuns: 300 });
  });
  it('32-bit arithmetic shift works on the low half', () => {
    fc.assert(fc.property(tnumWithMember, fc.integer({ min: 0, max: 31 }), (a, s) => {
      const lo = { value: a.t.value & 0xffffffffn, mask: a.t.mask & 0xffffffffn };
      const x = a.x & 0xffffffffn;
      const want = BigInt.asUintN(32, BigInt.asIntN(32, x) >> BigInt(s));
      expect(tnumContains(tnumArshift(lo, s, 32), want)).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('tnum range, intersect and containment', () => {
  it('tnumRange holds every value of the range', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }), (a, b, c) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const x = lo + (hi > lo ? c % (hi - lo + 1n) : 0n);
      expect(tnumContains(tnumRange(lo, hi), x)).toBe(true);
    }), { numRuns: 300 });
  });
  it('intersect keeps members of both; tnumIn agrees with membership', () => {
    fc.assert(fc.property(tnumWithMember, fc.bigInt({ min: 0n, max: U64 }), (a, extra) => {
      const wider: Tnum = { value: a.t.value & ~extra & U64, mask: a.t.mask | extra };
      expect(tnumIn(wider, a.t)).toBe(true);
      expect(tnumContains(tnumIntersect(wider, a.t), a.x)).toBe(true);
    }), { numRuns: 300 });
  });
  it('exact examples from the kernel', () => {
    expect(tnumRange(0n, 3n)).toEqual({ value: 0n, mask: 3n });
    expect(tnumAdd({ value: 0n, mask: 0xff0n }, { value: 8n, mask: 0n })).toEqual({ value: 8n, mask: 0xff0n });
    expect(tnumAnd({ value: 0n, mask: U64 }, { value: 0xff0n, mask: 0n })).toEqual({ value: 0n, mask: 0xff0n });
  });
});
