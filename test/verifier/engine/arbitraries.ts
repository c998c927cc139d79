/** fast-check generators shared by the engine tests. */
import fc from 'fast-check';
import { tnumRange, type ScalarBounds } from '../../../src/verifier/index.js';
import { boundsSync, unknownBounds } from '../../../src/verifier/scalar.js';

const U64 = (1n << 64n) - 1n;

/** Random bounds (a random interval, optionally a tnum) with a random member. */
export const boundsWithMember = fc.record({
  lo: fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: U64 })),
  span: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 64n }), fc.bigInt({ min: 0n, max: U64 })),
  pick: fc.bigInt({ min: 0n, max: U64 }),
  signed: fc.boolean(),
}).map(({ lo, span, pick, signed }) => {
  const r: ScalarBounds = unknownBounds();
  let x: bigint;
  if (signed) {
    const slo = BigInt.asIntN(64, lo);
    const shi = slo + span > (1n << 63n) - 1n ? (1n << 63n) - 1n : slo + span;
    r.smin = slo;
    r.smax = shi;
    x = slo + (shi > slo ? pick % (shi - slo + 1n) : 0n);
  } else {
    const hi = lo + span > U64 ? U64 : lo + span;
    r.umin = lo;
    r.umax = hi;
    r.varOff = tnumRange(lo, hi);
    x = lo + (hi > lo ? pick % (hi - lo + 1n) : 0n);
  }
  boundsSync(r);
  return { r, x: BigInt.asUintN(64, x) };
});

