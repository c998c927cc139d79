import type { AddressSpace } from './address-space.js';
import type { MemoryAccess } from './helpers/types.js';

/** Helpers' checked view of the address space (faults are thrown as `PendingFault`). */
export function makeMemoryAccess(space: AddressSpace): MemoryAccess {
  const view = (addr: bigint, len: number, write = false): Uint8Array => {
    if (!Number.isInteger(len) || len < 0) throw new RangeError(`bad length ${len}`);
    const hit = space.checkRange(addr, len, write);
    if (hit === undefined) return new Uint8Array(0);
    return hit.region.bytes.subarray(hit.off, hit.off + len);
  };
  return {
    view,
    read: (addr, len) => view(addr, len).slice(),
    write: (addr, bytes) => view(addr, bytes.length, true).set(bytes),
    readCString(addr, max = 4096) {
      const out: number[] = [];
      for (let i = 0; i < max; i++) {
        const c = view(addr + BigInt(i), 1)[0]!;
        if (c === 0) break;
        out.push(c);
      }
      return Uint8Array.from(out);
    },
    canAccess(addr, len, write = false) {
      try {
        space.checkRange(addr, len, write);
        return true;
      } catch {
        return false;
      }
    },
  };
}
