import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AluOp } from '../../../src/isa/index.js';
import { concreteAlu, scalarAlu } from '../../../src/verifier/index.js';
import { boundsContain, boundsSync, unknownBounds } from '../../../src/verifier/scalar.js';
import { boundsWithMember } from './arbitraries.js';

const U64 = (1n << 64n) - 1n;

const OPS: AluOp[] = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'lsh', 'rsh', 'arsh', 'neg', 'div', 'mod'];

describe('scalar bound propagation is sound', () => {
  it('bounds contain their member after sync', () => {
    fc.assert(fc.property(boundsWithMember, ({ r, x }) => {
      expect(boundsContain(r, x)).toBe(true);
    }), { numRuns: 500 });
  });
  for (const width of [64, 32] as const) {
    it(`every ALU${width === 64 ? '64' : ''} op keeps the concrete result inside the output bounds`, () => {
      fc.assert(fc.property(fc.constantFrom(...OPS), boundsWithMember, boundsWithMember, fc.integer({ min: 0, max: width - 1 }), (op, a, b, sh) => {
        let src = b;
        if (op === 'lsh' || op === 'rsh' || op === 'arsh') {
          const r = unknownBounds();
          r.varOff = { value: BigInt(sh), mask: 0n };
          boundsSync(r);
          src = { r, x: BigInt(sh) };
        }
        const d = { ...a.r };
        scalarAlu(op, width, d, { ...src.r });
        const want = concreteAlu(op, width, a.x, src.x);
        expect(boundsContain(d, want)).toBe(true);
      }), { numRuns: 1500 });
    });
  }
  it('constant folding is exact', () => {
    fc.assert(fc.property(fc.constantFrom(...OPS), fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: 63n }), (op, a, b) => {
      const d = unknownBounds();
      d.varOff = { value: a, mask: 0n };
      boundsSync(d);
      const s = unknownBounds();
      s.varOff = { value: b, mask: 0n };
      boundsSync(s);
      scalarAlu(op, 64, d, s);
      if (op !== 'div' && op !== 'mod') {
        expect(d.varOff.mask).toBe(0n);
        expect(d.varOff.value).toBe(concreteAlu(op, 64, a, b));
      }
    }), { numRuns: 500 });
  });
});
