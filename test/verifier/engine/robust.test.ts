import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { verifyBytes } from '../../../src/verifier/index.js';

// Opcodes the verifier sees most: ALU/ALU64, jumps, loads/stores, calls and exit.
const OPCODES = [
  0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77, 0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf,
  0xb7, 0xbf, 0xc7, 0xcf, 0x04, 0x0c, 0xb4, 0xbc, 0xdc, 0xd4, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x55, 0x5d, 0x65,
  0x6d, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd, 0x16, 0x26, 0x56, 0x85, 0x95, 0x18, 0x61, 0x69, 0x71, 0x79, 0x62, 0x6a,
  0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xdb, 0xc3, 0x20, 0x28, 0x30, 0x40, 0x81, 0x89, 0x91,
];

const slot = fc.record({
  code: fc.constantFrom(...OPCODES),
  regs: fc.integer({ min: 0, max: 0xaa }),
  off: fc.integer({ min: -8, max: 8 }),
  imm: fc.oneof(fc.integer({ min: -16, max: 16 }), fc.constantFrom(1, 4, 5, 7, 12, 14, 130, 131, 132, 0x7fffffff)),
});

function bytesOf(slots: { code: number; regs: number; off: number; imm: number }[]): Uint8Array {
  const out = new Uint8Array(slots.length * 8);
  const v = new DataView(out.buffer);
  slots.forEach((s, i) => {
    v.setUint8(i * 8, s.code);
    v.setUint8(i * 8 + 1, s.regs);
    v.setInt16(i * 8 + 2, s.off, true);
    v.setInt32(i * 8 + 4, s.imm, true);
  });
  return out;
}

describe('bad input never crashes or hangs', () => {
  it('random instruction bytes give a verdict with a message, at every log level', () => {
    fc.assert(fc.property(fc.array(slot, { minLength: 1, maxLength: 24 }), fc.constantFrom(1, 5, 6), fc.constantFrom(0, 1, 2), (slots, progType, logLevel) => {
      const r = verifyBytes(bytesOf(slots), { progType, logLevel: logLevel as 0 | 1 | 2, maxInsns: 20_000 });
      expect(['accepted', 'rejected']).toContain(r.verdict);
      if (r.verdict === 'rejected') expect(r.error?.message.length).toBeGreaterThan(0);
      else expect(r.error).toBeNull();
      expect(r.processed).toBeLessThanOrEqual(20_001);
      if (logLevel > 0) expect(r.log).toMatch(/processed \d+ insns \(limit 20000\)/);
    }), { numRuns: 400 });
  });
  it('truncated input is a located rejection', () => {
    const r = verifyBytes(new Uint8Array([0xb7, 0, 0]));
    expect(r.verdict).toBe('rejected');
    expect(r.error?.message).toMatch(/not a whole number/);
  });
});
