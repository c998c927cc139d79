import { bpfAvailable } from '../../src/loader/index.js';

/** Whether bpf(2) works here; prints the one skip line when it does not. */
export function kernelAvailable(suite: string): boolean {
  const a = bpfAvailable();
  if (!a.ok) console.log(`skip: ${suite}: ${a.reason}`);
  return a.ok;
}

/** A little-endian u32 as 4 bytes. */
export function u32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return new Uint8Array(b);
}

/** A little-endian u64 as 8 bytes. */
export function u64(v: bigint): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return new Uint8Array(b);
}

/** Read a little-endian u64. */
export function readU64(b: Uint8Array, off = 0): bigint {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigUInt64LE(off);
}
