import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { JmpOp } from '../../../src/isa/index.js';
import { concreteCond, refineCond, scalarBranchTaken, type CondOp } from '../../../src/verifier/index.js';
import { boundsContain, boundsSync } from '../../../src/verifier/scalar.js';
import { boundsWithMember } from './arbitraries.js';

const OPS: JmpOp[] = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset'];
const REV: Record<JmpOp, CondOp> = {
  jeq: 'jne', jne: 'jeq', jgt: 'jle', jle: 'jgt', jge: 'jlt', jlt: 'jge', jsgt: 'jsle', jsle: 'jsgt', jsge: 'jslt', jslt: 'jsge', jset: 'jset_x',
};

describe('branch refinement is sound', () => {
  for (const w32 of [false, true]) {
    it(`is_branch_taken never contradicts a concrete comparison (${w32 ? 'JMP32' : 'JMP'})`, () => {
      fc.assert(fc.property(fc.constantFrom(...OPS), boundsWithMember, boundsWithMember, (op, a, b) => {
        const pred = scalarBranchTaken(a.r, b.r, op, w32);
        const truth = concreteCond(op, a.x, b.x, w32);
        if (pred === 1) expect(truth).toBe(true);
        if (pred === 0) expect(truth).toBe(false);
      }), { numRuns: 1500 });
    });
    it(`the refined side that holds keeps both concrete values (${w32 ? 'JMP32' : 'JMP'})`, () => {
      fc.assert(fc.property(fc.constantFrom(...OPS), boundsWithMember, boundsWithMember, (op, a, b) => {
        const truth = concreteCond(op, a.x, b.x, w32);
        const r1 = { ...a.r };
        const r2 = { ...b.r };
        refineCond(r1, r2, truth ? op : REV[op], w32);
        boundsSync(r1);
        boundsSync(r2);
        expect(boundsContain(r1, a.x)).toBe(true);
        expect(boundsContain(r2, b.x)).toBe(true);
      }), { numRuns: 1500 });
    });
  }
});
