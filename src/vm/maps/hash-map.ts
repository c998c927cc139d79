import type { MapDef } from '../../isa/program.js';
import { E2BIG, EEXIST, EINVAL, ENOENT, EPERM } from './errno.js';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from './flags.js';
import { type KeyCode, MapBase, keyCode, smallFlags } from './map-base.js';
import { MapError } from './map-error.js';
import type { HashMap, MapFlags } from './types.js';
import { roundUp8 } from './validate.js';

/** One element: its key, its value storage (one view per CPU for per-CPU maps), its place in iteration order. */
interface Entry {
  readonly code: KeyCode;
  readonly key: Uint8Array;
  readonly values: readonly Uint8Array[];
  prev: Entry | undefined;
  next: Entry | undefined;
}

/**
 * HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH.
 *
 * Iteration order (getNextKey, entries) is insertion order; an update of an existing key
 * writes in place and keeps its position (the kernel iterates in bucket order and gives no
 * order guarantee; what holds in both is that a walk without deletions visits every key
 * once and a missing key restarts from the first).
 *
 * LRU model: an exact least-recently-used list. Program-side `lookup` and every `update`
 * make an element the most recent; inserting a new key into a full map evicts the least
 * recent one. The kernel's LRU is an approximation of this (per-CPU free lists, reference
 * bits instead of moves, eviction in batches of up to 128 from the inactive list, and it
 * can evict even when updating an existing key of a full map); BPF_F_NO_COMMON_LRU is
 * accepted and modelled as one common list.
 */
export class HashMapImpl extends MapBase implements HashMap {
  readonly kind = 'hash' as const;
  readonly lru: boolean;
  private readonly table = new Map<KeyCode, Entry>();
  /** LRU recency: JS Map order, least recent first. */
  private readonly recency = new Map<KeyCode, Entry>();
  private head: Entry | undefined;
  private tail: Entry | undefined;
  private readonly stride: number;

  constructor(def: MapDef, nCpus: number, perCpu: boolean, lru: boolean) {
    super(def, nCpus, perCpu);
    this.lru = lru;
    this.stride = roundUp8(def.valueSize);
  }

  get size(): number {
    return this.table.size;
  }

  private find(key: Uint8Array): Entry | undefined {
    this.checkKey(key);
    return this.table.get(keyCode(key));
  }

  private touch(e: Entry): void {
    this.recency.delete(e.code);
    this.recency.set(e.code, e);
  }

  private unlink(e: Entry): void {
    this.table.delete(e.code);
    if (this.lru) this.recency.delete(e.code);
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = undefined;
    e.next = undefined;
  }

  private insert(key: Uint8Array): Entry {
    const copies = this.perCpu ? this.nCpus : 1;
    const buf = new Uint8Array(this.stride * copies);
    const values: Uint8Array[] = [];
    for (let c = 0; c < copies; c++) values.push(buf.subarray(c * this.stride, c * this.stride + this.def.valueSize));
    const e: Entry = { code: keyCode(key), key: key.slice(), values, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    this.table.set(e.code, e);
    if (this.lru) this.recency.set(e.code, e);
    return e;
  }

  /**
   * The kernel's update path up to the element: flag checks, check_flags, and room for a
   * new element (-E2BIG, or an LRU eviction). Returns the existing element, 0 when a new
   * one may be inserted, or a negative errno.
   */
  private prepare(key: Uint8Array, flags: number): Entry | number {
    this.checkKey(key);
    // htab_map_update_elem allows BPF_F_LOCK (then needs a spin lock, which VM values never
    // have); the per-CPU and LRU variants reject it with the other unknown bits.
    const lockAllowed = !this.perCpu && !this.lru;
    if ((lockAllowed ? flags & ~BPF_F_LOCK : flags) > BPF_EXIST) return -EINVAL;
    if ((flags & BPF_F_LOCK) !== 0) return -EINVAL;
    const old = this.table.get(keyCode(key));
    if (old && flags === BPF_NOEXIST) return -EEXIST;
    if (!old && flags === BPF_EXIST) return -ENOENT;
    if (old) return old;
    if (this.table.size >= this.def.maxEntries) {
      if (!this.lru) return -E2BIG;
      const victim = this.recency.values().next().value;
      if (victim) this.unlink(victim);
    }
    return 0;
  }

  override lookup(key: Uint8Array, cpu = 0): Uint8Array | undefined {
    const e = this.find(key);
    if (!e) return undefined;
    if (this.lru) this.touch(e);
    if (!this.perCpu) return e.values[0];
    this.checkCpu(cpu);
    return e.values[cpu];
  }

  override update(key: Uint8Array, value: Uint8Array, flags?: MapFlags, cpu = 0): number {
    if (this.frozen) return -EPERM;
    this.checkValue(value);
    if (this.perCpu) this.checkCpu(cpu);
    const r = this.prepare(key, smallFlags(flags));
    if (typeof r === 'number' && r !== 0) return r;
    // A new per-CPU element from a program: this CPU's slot gets the value, the others
    // zeros (pcpu_init_value); an existing one changes on this CPU only.
    const e = r === 0 ? this.insert(key) : r;
    if (this.lru) this.touch(e);
    e.values[this.perCpu ? cpu : 0]!.set(value);
    return 0;
  }

  override delete(key: Uint8Array): number {
    if (this.frozen) return -EPERM;
    const e = this.find(key);
    if (!e) return -ENOENT;
    this.unlink(e);
    return 0;
  }

  override getNextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    const e = key === undefined ? undefined : this.find(key);
    const next = e ? e.next : this.head;
    return next?.key.slice();
  }

  override *entries(cpu = 0): IterableIterator<[Uint8Array, Uint8Array]> {
    if (this.perCpu) this.checkCpu(cpu);
    for (let e = this.head; e; e = e.next) yield [e.key.slice(), e.values[this.perCpu ? cpu : 0]!];
  }

  has(key: Uint8Array): boolean {
    return this.find(key) !== undefined;
  }

  lookupAllCpus(key: Uint8Array): Uint8Array[] | undefined {
    const e = this.find(key);
    return e?.values.map((v) => v.slice());
  }

  updateAllCpus(key: Uint8Array, values: readonly Uint8Array[], flags?: MapFlags): number {
    if (this.frozen) return -EPERM;
    const copies = this.perCpu ? this.nCpus : 1;
    if (values.length !== copies) throw new MapError(this.def, `${values.length} values given, expected ${copies} (one per CPU)`);
    for (const v of values) this.checkValue(v);
    const r = this.prepare(key, smallFlags(flags));
    if (typeof r === 'number' && r !== 0) return r;
    const e = r === 0 ? this.insert(key) : r;
    if (this.lru) this.touch(e);
    for (let c = 0; c < copies; c++) e.values[c]!.set(values[c]!);
    return 0;
  }

  override clear(): void {
    this.table.clear();
    this.recency.clear();
    for (let e = this.head; e; ) {
      const n = e.next;
      e.prev = undefined;
      e.next = undefined;
      e = n;
    }
    this.head = undefined;
    this.tail = undefined;
  }
}
