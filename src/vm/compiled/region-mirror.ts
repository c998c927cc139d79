import { PERM_READ, PERM_WRITE, type AddressSpace, type Region } from '../address-space.js';
import { MAX_CALL_FRAMES, STACK_SIZE } from '../machine.js';
import * as L from './layout.js';
import type { WasmMemory } from './wasm-api.js';

interface Mirrored {
  readonly region: Region;
  /** Offset of the copy in the WebAssembly memory. */
  readonly lin: number;
  readonly size: number;
  /** Writable when last synced in: its copy may hold newer bytes. */
  writable: boolean;
}

/**
 * Keeps the region table of the compiled code and copies of context-free regions (raw
 * memory, packets, map values, records) in the WebAssembly memory. The stacks live there
 * for good (the VM maps them from `OFF_STACKS`); other regions are copied in when the
 * compiled code starts or returns from JavaScript (`syncIn`) and copied back before any
 * JavaScript looks at memory (`syncOut`). A region is not copied when it has an access
 * hook (context), no permission, no room left, or shares bytes with a copied region;
 * accesses to it take the slow path (and, for shared bytes, sync around it).
 */
export class RegionMirror {
  private readonly u8: Uint8Array;
  private readonly i32: Int32Array;
  private list: Mirrored[] = [];
  private seen = 0;
  private top = L.OFF_POOL;
  private space: AddressSpace | undefined;
  /** Some region that is not copied shares bytes with one that is. */
  aliased = false;

  constructor(private readonly memory: WasmMemory, private readonly stackRegion0: number) {
    this.u8 = new Uint8Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    for (let d = 0; d < MAX_CALL_FRAMES; d++) this.setEntry(stackRegion0 + d, L.OFF_STACKS + d * STACK_SIZE, STACK_SIZE, PERM_READ | PERM_WRITE);
  }

  private setEntry(id: number, lin: number, size: number, perm: number): void {
    if (id >= L.TABLE_CAP) return;
    const e = (L.OFF_TABLE + id * L.TABLE_ENTRY) >> 2;
    this.i32[e] = lin;
    this.i32[e + 1] = (perm & PERM_READ) !== 0 ? size : 0;
    this.i32[e + 2] = (perm & PERM_WRITE) !== 0 ? size : 0;
  }

  private isStack(id: number): boolean {
    return id >= this.stackRegion0 && id < this.stackRegion0 + MAX_CALL_FRAMES;
  }

  /** Forget the last run's copies and copy in the regions of this one. */
  startRun(space: AddressSpace): void {
    const clear = Math.min(Math.max(this.seen, space.regions.length), L.TABLE_CAP);
    for (let id = 0; id < clear; id++) if (!this.isStack(id)) this.setEntry(id, 0, 0, 0);
    this.list = [];
    this.seen = 0;
    this.top = L.OFF_POOL;
    this.aliased = false;
    this.space = space;
    this.syncIn();
  }

  private overlaps(r: Region): boolean {
    const buf = r.bytes.buffer;
    if (buf === this.memory.buffer) return true;
    const start = r.bytes.byteOffset, end = start + r.size;
    for (const m of this.list) {
      const b = m.region.bytes;
      if (b.buffer === buf && b.byteOffset < end && start < b.byteOffset + m.size) return true;
    }
    return false;
  }

  /** Map new regions and copy every copied region's bytes in (JavaScript may have changed them). */
  syncIn(): void {
    const regions = this.space!.regions;
    for (let id = this.seen; id < regions.length; id++) {
      if (this.isStack(id)) continue;
      const r = regions[id]!;
      const size = r.size;
      const usable = r.ctx === undefined && r.perm !== 0 && size > 0 && size <= r.bytes.length;
      if (!usable) {
        if (size > 0 && this.overlaps(r)) this.aliased = true;
        continue;
      }
      if (this.overlaps(r)) {
        this.aliased = true;
        continue;
      }
      const lin = (this.top + 7) & ~7;
      if (id >= L.TABLE_CAP || lin + size > L.MEMORY_BYTES) continue;
      this.top = lin + size;
      this.list.push({ region: r, lin, size, writable: false });
    }
    this.seen = regions.length;
    for (const m of this.list) {
      const r = m.region;
      if (r.size !== m.size) {
        // resized by a helper: stop copying it (its bytes in JavaScript are current after syncOut)
        this.setEntry(r.id, 0, 0, 0);
        m.writable = false;
        continue;
      }
      this.u8.set(r.bytes.subarray(0, m.size), m.lin);
      this.setEntry(r.id, m.lin, m.size, r.perm);
      m.writable = (r.perm & PERM_WRITE) !== 0;
    }
    this.list = this.list.filter((m) => m.region.size === m.size);
  }

  /** Copy the copies of writable regions back to their bytes. */
  syncOut(): void {
    for (const m of this.list) {
      if (m.writable) m.region.bytes.set(this.u8.subarray(m.lin, m.lin + m.size));
    }
  }
}
