/** LEB128 encodings of the WebAssembly writer against an independent bigint decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmWriter } from '../../../src/vm/compiled/wasm-writer.js';

/** Decode one LEB128 number from `b` (signed or not) as a bigint. */
function leb(b: Uint8Array, signed: boolean): { value: bigint; length: number } {
  let v = 0n;
  let shift = 0n;
  let i = 0;
  for (;;) {
    const byte = b[i++]!;
    v |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if (signed && (byte & 0x40) !== 0) v -= 1n << shift;
      return { value: v, length: i };
    }
  }
}

describe('WasmWriter LEB128', () => {
  it('u32, s32 and s64 decode back to their values, in as few bytes as possible', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (u, s, big) => {
      const w1 = new WasmWriter(1).u32(u).finish();
      expect(leb(w1, false)).toEqual({ value: BigInt(u), length: w1.length });
      expect(w1.length).toBe(Math.max(1, Math.ceil(u.toString(2).length / 7)));
      const w2 = new WasmWriter(1).s32(s).finish();
      expect(leb(w2, true)).toEqual({ value: BigInt(s), length: w2.length });
      const lo = Number(BigInt.asIntN(32, big)), hi = Number(BigInt.asIntN(32, big >> 32n));
      const w3 = new WasmWriter(1).s64(lo, hi).finish();
      expect(leb(w3, true)).toEqual({ value: big, length: w3.length });
      const bits = big < 0n ? (-big - 1n).toString(2).length + 1 : big.toString(2).length + 1;
      expect(w3.length).toBe(Math.ceil(bits / 7));
    }), { numRuns: 2000 });
  });
});
