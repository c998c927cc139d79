import type { MapDef } from '../../isa/program.js';
import { E2BIG, EINVAL, ENOENT, ENOSPC, EOPNOTSUPP, EPERM } from './errno.js';
import { BPF_ANY, BPF_F_CURRENT_CPU } from './flags.js';
import { MapBase, smallFlags, u64Flags } from './map-base.js';
import { MapError } from './map-error.js';
import { nextIndexKey, readU32 } from './array-map.js';
import type { MapFlags, PerfDrain, PerfEventArrayMap } from './types.js';
import { roundUp8 } from './validate.js';

/** Bytes of a PERF_RECORD_LOST record (header, id, lost). */
const LOST_RECORD_SIZE = 24;

/** One slot: a perf event bound to a CPU and its ring. */
interface Slot {
  cpu: number;
  records: Uint8Array[];
  used: number;
  /** Samples dropped and not yet reported by a PERF_RECORD_LOST in the ring. */
  pendingLost: number;
  /** Samples dropped, reported or not, since the last drain. */
  lost: number;
}

/** Bytes a raw sample of `size` bytes takes in a perf ring: header + u32 size + data, padded to 8. */
export function perfSampleSize(size: number): number {
  return 8 + roundUp8(4 + size);
}

/**
 * PERF_EVENT_ARRAY: slot i holds a simulated perf event bound to a CPU, with a ring of
 * `perfBufferSize` bytes (power-of-two pages). A sample fits while the ring keeps one byte
 * free (CIRC_SPACE); a dropped sample counts as lost, and the next sample that fits is
 * preceded by a 24-byte PERF_RECORD_LOST, as the kernel writes it. There are no perf fds:
 * the byte-level `update` opens a slot on the CPU given by its u32 value, `delete` closes it.
 */
export class PerfEventArrayMapImpl extends MapBase implements PerfEventArrayMap {
  readonly kind = 'perf_event_array' as const;
  readonly perfBufferSize: number;
  private readonly slots: (Slot | undefined)[] = [];

  constructor(def: MapDef, nCpus: number, perfBufferSize = 8 * 4096) {
    super(def, nCpus, false);
    const pages = perfBufferSize / 4096;
    if (!Number.isInteger(pages) || pages < 1 || (pages & (pages - 1)) !== 0) {
      throw new MapError(def, `perf buffer size ${perfBufferSize} must be a power-of-two number of 4096-byte pages`);
    }
    this.perfBufferSize = perfBufferSize;
    for (let i = 0; i < Math.min(nCpus, def.maxEntries); i++) this.openSlot(i, i);
  }

  get size(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  private index(key: Uint8Array): number {
    this.checkKey(key);
    return (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  }

  output(flags: MapFlags, cpu: number, data: Uint8Array): number {
    this.checkCpu(cpu);
    const f = u64Flags(flags);
    if (f > 0xffffffffn) return -EINVAL;
    const index = f === BigInt(BPF_F_CURRENT_CPU) ? cpu : Number(f);
    if (index >= this.def.maxEntries) return -E2BIG;
    const slot = this.slots[index];
    if (!slot) return -ENOENT;
    if (slot.cpu !== cpu) return -EOPNOTSUPP;
    const need = perfSampleSize(data.length) + (slot.pendingLost > 0 ? LOST_RECORD_SIZE : 0);
    if (slot.used + need > this.perfBufferSize - 1) {
      slot.pendingLost++;
      slot.lost++;
      return -ENOSPC;
    }
    slot.pendingLost = 0;
    slot.used += need;
    slot.records.push(data.slice());
    return 0;
  }

  openSlot(index: number, cpu = index): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.def.maxEntries) return -E2BIG;
    this.checkCpu(cpu);
    this.slots[index] = { cpu, records: [], used: 0, pendingLost: 0, lost: 0 };
    return 0;
  }

  closeSlot(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.def.maxEntries) return -E2BIG;
    if (!this.slots[index]) return -ENOENT;
    this.slots[index] = undefined;
    return 0;
  }

  drain(index: number): PerfDrain {
    if (!Number.isInteger(index) || index < 0 || index >= this.def.maxEntries) {
      throw new MapError(this.def, `perf event array index ${index} out of range 0..${this.def.maxEntries - 1}`);
    }
    const slot = this.slots[index];
    if (!slot) return { records: [], lost: 0 };
    const out: PerfDrain = { records: slot.records, lost: slot.lost };
    slot.records = [];
    slot.used = 0;
    slot.pendingLost = 0;
    slot.lost = 0;
    return out;
  }

  override update(key: Uint8Array, value: Uint8Array, flags?: MapFlags): number {
    if (this.frozen) return -EPERM;
    this.checkValue(value);
    const index = this.index(key);
    if (smallFlags(flags) !== BPF_ANY) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    const cpu = readU32(value);
    if (cpu >= this.nCpus) return -EINVAL;
    return this.openSlot(index, cpu);
  }

  override delete(key: Uint8Array): number {
    if (this.frozen) return -EPERM;
    return this.closeSlot(this.index(key));
  }

  override getNextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextIndexKey(key === undefined ? undefined : this.index(key), this.def.maxEntries);
  }

  override clear(): void {
    for (const s of this.slots) {
      if (s) {
        s.records = [];
        s.used = 0;
        s.pendingLost = 0;
        s.lost = 0;
      }
    }
  }
}
