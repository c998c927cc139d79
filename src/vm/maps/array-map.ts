import type { MapDef } from '../../isa/program.js';
import { E2BIG, EEXIST, EINVAL, EPERM } from './errno.js';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from './flags.js';
import { MapBase, smallFlags } from './map-base.js';
import { MapError } from './map-error.js';
import type { ArrayMap, MapFlags } from './types.js';
import { roundUp8 } from './validate.js';

/**
 * ARRAY and PERCPU_ARRAY. Values live in one buffer, `round_up(value_size, 8)` bytes per
 * element (per CPU), zero at creation; a value's view never changes, so a program's
 * pointer stays valid for the map's lifetime. Keys are little-endian u32 indexes.
 */
export class ArrayMapImpl extends MapBase implements ArrayMap {
  readonly kind = 'array' as const;
  private readonly data: Uint8Array;
  private readonly stride: number;
  /** Views created on first use, then kept: views[cpu * maxEntries + index]. */
  private readonly views: (Uint8Array | undefined)[] = [];

  constructor(def: MapDef, nCpus: number, perCpu: boolean) {
    super(def, nCpus, perCpu);
    this.stride = roundUp8(def.valueSize);
    const copies = perCpu ? nCpus : 1;
    this.data = new Uint8Array(def.maxEntries * this.stride * copies);
  }

  get size(): number {
    return this.def.maxEntries;
  }

  private index(key: Uint8Array): number {
    this.checkKey(key);
    return (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  }

  private slot(index: number, cpu: number): Uint8Array {
    const at = (this.perCpu ? cpu * this.def.maxEntries : 0) + index;
    let view = this.views[at];
    if (view === undefined) {
      const off = at * this.stride;
      view = this.data.subarray(off, off + this.def.valueSize);
      this.views[at] = view;
    }
    return view;
  }

  override lookup(key: Uint8Array, cpu = 0): Uint8Array | undefined {
    const index = this.index(key);
    if (index >= this.def.maxEntries) return undefined;
    if (this.perCpu) this.checkCpu(cpu);
    return this.slot(index, cpu);
  }

  /** array_map_update_elem's checks, in the kernel's order. */
  private checkUpdate(key: Uint8Array, flags: number, lockAllowed: boolean): number {
    const index = this.index(key);
    if ((lockAllowed ? flags & ~BPF_F_LOCK : flags) > BPF_EXIST) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    if ((flags & BPF_NOEXIST) !== 0) return -EEXIST;
    // BPF_F_LOCK needs a bpf_spin_lock in the value's BTF; VM maps have none.
    if ((flags & BPF_F_LOCK) !== 0) return -EINVAL;
    return index;
  }

  override update(key: Uint8Array, value: Uint8Array, flags?: MapFlags, cpu = 0): number {
    if (this.frozen) return -EPERM;
    this.checkValue(value);
    const index = this.checkUpdate(key, smallFlags(flags), true);
    if (index < 0) return index;
    if (this.perCpu) this.checkCpu(cpu);
    this.slot(index, cpu).set(value);
    return 0;
  }

  override delete(key: Uint8Array): number {
    if (this.frozen) return -EPERM;
    this.checkKey(key);
    return -EINVAL;
  }

  override getNextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextIndexKey(key === undefined ? undefined : this.index(key), this.def.maxEntries);
  }

  override *entries(cpu = 0): IterableIterator<[Uint8Array, Uint8Array]> {
    if (this.perCpu) this.checkCpu(cpu);
    for (let i = 0; i < this.def.maxEntries; i++) yield [u32Key(i), this.slot(i, cpu)];
  }

  lookupAllCpus(key: Uint8Array): Uint8Array[] | undefined {
    const index = this.index(key);
    if (index >= this.def.maxEntries) return undefined;
    const out: Uint8Array[] = [];
    for (let c = 0; c < (this.perCpu ? this.nCpus : 1); c++) out.push(this.slot(index, c).slice());
    return out;
  }

  updateAllCpus(key: Uint8Array, values: readonly Uint8Array[], flags?: MapFlags): number {
    if (this.frozen) return -EPERM;
    const copies = this.perCpu ? this.nCpus : 1;
    if (values.length !== copies) throw new MapError(this.def, `${values.length} values given, expected ${copies} (one per CPU)`);
    for (const v of values) this.checkValue(v);
    // bpf_percpu_array_update accepts no BPF_F_LOCK at all.
    const index = this.checkUpdate(key, smallFlags(flags), !this.perCpu);
    if (index < 0) return index;
    for (let c = 0; c < copies; c++) this.slot(index, c).set(values[c]!);
    return 0;
  }

  /** Every value back to its state at creation: zero, element 0 the definition's initial value. */
  override clear(): void {
    this.data.fill(0);
    if (this.def.initialValue !== undefined) this.slot(0, 0).set(this.def.initialValue);
  }
}

/** A little-endian u32 key. */
/**
 * The key after `index` in an index-keyed map (array, prog array, perf event array), as the
 * kernel's get_next_key: a missing or out-of-range index gives the first key, the last gives none.
 * @example nextIndexKey(undefined, 4) // u32Key(0)
 */
export function nextIndexKey(index: number | undefined, maxEntries: number): Uint8Array | undefined {
  if (index === undefined || index >= maxEntries) return u32Key(0);
  if (index === maxEntries - 1) return undefined;
  return u32Key(index + 1);
}

/** The little-endian u32 at the start of `bytes` (a map value holding an fd or a CPU). */
export function readU32(bytes: Uint8Array): number {
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
}

export function u32Key(index: number): Uint8Array {
  const k = new Uint8Array(4);
  k[0] = index & 0xff;
  k[1] = (index >>> 8) & 0xff;
  k[2] = (index >>> 16) & 0xff;
  k[3] = (index >>> 24) & 0xff;
  return k;
}
