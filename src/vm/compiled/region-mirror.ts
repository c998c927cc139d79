import { BASE_LO, PERM_READ, PERM_WRITE, type AddressSpace, type Region } from '../address-space.js';
import { MAX_CALL_FRAMES, STACK_SIZE } from '../machine.js';
import * as L from './layout.js';
import type { WasmMemory } from './wasm-api.js';

interface Mirrored {
  readonly id: number;
  /** The region object copied (a remap replaces it). */
  readonly region: Region;
  /** Offset of the copy in the WebAssembly memory. */
  readonly lin: number;
  readonly size: number;
  /** The copy in the WebAssembly memory and the region's bytes it mirrors (views made once). */
  readonly copy: Uint8Array;
  readonly bytes: Uint8Array;
  /** `region.bytes` when copied (a helper may replace it). */
  readonly orig: Uint8Array;
  /** Writable when last synced in: its copy may hold newer bytes. */
  writable: boolean;
}

/** Windows must start below this offset from BASE_LO and be smaller than this to be copied. */
const MAX_WINDOW = 1 << 30;

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
    for (let d = 0; d < MAX_CALL_FRAMES; d++) this.setEntry(stackRegion0 + d, L.OFF_STACKS + d * STACK_SIZE, 0, STACK_SIZE, PERM_READ | PERM_WRITE);
  }

  private setEntry(id: number, lin: number, start: number, size: number, perm: number): void {
    if (id >= L.TABLE_CAP) return;
    const e = (L.OFF_TABLE + id * L.TABLE_ENTRY) >> 2;
    this.i32[e] = lin - start;
    this.i32[e + 1] = (perm & PERM_READ) !== 0 ? size : 0;
    this.i32[e + 2] = (perm & PERM_WRITE) !== 0 ? size : 0;
    this.i32[e + 3] = start;
  }

  private isStack(id: number): boolean {
    return id >= this.stackRegion0 && id < this.stackRegion0 + MAX_CALL_FRAMES;
  }

  /** Forget the last run's copies and copy in the regions of this one. */
  startRun(space: AddressSpace): void {
    const clear = Math.min(Math.max(this.seen, space.regions.length), L.TABLE_CAP);
    for (let id = 0; id < clear; id++) if (!this.isStack(id)) this.setEntry(id, 0, 0, 0, 0);
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

  /** Copy region `id` if it can be; otherwise it takes the slow path. */
  private consider(id: number, r: Region): void {
    const size = r.size;
    const start = (r.baseLo - BASE_LO) | 0;
    const usable = r.ctx === undefined && r.perm !== 0 && size > 0 && size <= r.bytes.length && size < MAX_WINDOW && start >= 0 && start < MAX_WINDOW;
    if (!usable) {
      if (size > 0 && this.overlaps(r)) this.aliased = true;
      return;
    }
    if (this.overlaps(r)) {
      this.aliased = true;
      return;
    }
    const lin = (this.top + 7) & ~7;
    if (id >= L.TABLE_CAP || lin + size > L.MEMORY_BYTES) return;
    this.top = lin + size;
    const bytes = r.bytes.length === size ? r.bytes : r.bytes.subarray(0, size);
    this.list.push({ id, region: r, lin, size, copy: this.u8.subarray(lin, lin + size), bytes, orig: r.bytes, writable: (r.perm & PERM_WRITE) !== 0 });
    this.u8.set(bytes, lin);
    this.setEntry(id, lin, start, size, r.perm);
  }

  /** Map new (or remapped) regions and copy every copied region's bytes in (JavaScript may have changed them). */
  syncIn(): void {
    const regions = this.space!.regions;
    const kept: Mirrored[] = [];
    const again: number[] = [];
    for (const m of this.list) {
      const r = regions[m.id];
      if (r !== m.region || r.size !== m.size || r.bytes !== m.orig) {
        // remapped or resized by a helper (its bytes in JavaScript are current after syncOut)
        this.setEntry(m.id, 0, 0, 0, 0);
        if (r !== undefined) again.push(m.id);
        continue;
      }
      this.u8.set(m.bytes, m.lin);
      this.setEntry(m.id, m.lin, (r.baseLo - BASE_LO) | 0, m.size, r.perm);
      m.writable = (r.perm & PERM_WRITE) !== 0;
      kept.push(m);
    }
    this.list = kept;
    for (const id of again) this.consider(id, regions[id]!);
    for (let id = this.seen; id < regions.length; id++) {
      if (!this.isStack(id)) this.consider(id, regions[id]!);
    }
    this.seen = regions.length;
  }

  /** Copy the copies of writable regions back to their bytes. */
  syncOut(): void {
    for (const m of this.list) {
      if (m.writable) m.bytes.set(m.copy);
    }
  }
}
