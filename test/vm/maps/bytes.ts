import fc from 'fast-check';

/** Hex of bytes, for model keys and readable failures. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Little-endian u32 as 4 bytes. */
export function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

/** Read a little-endian u32. */
export function readU32(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
}

/** Bytes of exactly `n`. */
export function bytesOf(n: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ minLength: n, maxLength: n });
}

/** Update flags a program might pass: the valid ones, BPF_F_LOCK mixes, junk, and 64-bit values. */
export const updateFlags: fc.Arbitrary<number | bigint> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0, 1, 2) },
  { weight: 2, arbitrary: fc.constantFrom(3, 4, 5, 6, 7, 8, 16) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, 2n, 4n, 2n ** 64n - 1n, 2n ** 32n, -1n) },
);

/** The u64 value of flags, as the kernel sees the register. */
export function flagsU64(f: number | bigint): bigint {
  return BigInt.asUintN(64, BigInt(f));
}
