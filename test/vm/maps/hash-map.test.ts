import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BPF_MAP_TYPE_HASH,
  BPF_MAP_TYPE_LRU_HASH,
  BPF_MAP_TYPE_LRU_PERCPU_HASH,
  BPF_MAP_TYPE_PERCPU_HASH,
} from '../../../src/isa/map-types.js';
import { createMap, E2BIG, EEXIST, EINVAL, ENOENT, type HashMap } from '../../../src/vm/maps/index.js';
import { bytesOf, flagsU64, hex, updateFlags } from './bytes.js';

const KEY = 3;
const VALUE = 5;
const MAX = 4;

interface ModelEntry {
  key: string;
  values: Uint8Array[];
  used: number;
}

/** Reference hash map: a list in insertion order plus a use clock for LRU. */
class HashModel {
  entries: ModelEntry[] = [];
  clock = 0;
  constructor(
    readonly perCpu: boolean,
    readonly lru: boolean,
    readonly nCpus: number,
  ) {}
  find(key: string): ModelEntry | undefined {
    return this.entries.find((e) => e.key === key);
  }
  use(e: ModelEntry): void {
    e.used = ++this.clock;
  }
  /** Returns the return code; applies the update. `values` holds one per CPU for a host update, else one. */
  update(key: string, values: Uint8Array[], flags: bigint, cpu: number | undefined): number {
    const plainHash = !this.perCpu && !this.lru;
    if ((plainHash ? flags & ~4n : flags) > 2n) return -EINVAL;
    if (flags & 4n) return -EINVAL;
    let e = this.find(key);
    if (e && flags === 1n) return -EEXIST;
    if (!e && flags === 2n) return -ENOENT;
    if (!e) {
      if (this.entries.length === MAX) {
        if (!this.lru) return -E2BIG;
        const victim = this.entries.reduce((a, b) => (b.used < a.used ? b : a));
        this.entries = this.entries.filter((x) => x !== victim);
      }
      e = { key, values: Array.from({ length: this.perCpu ? this.nCpus : 1 }, () => new Uint8Array(VALUE)), used: 0 };
      this.entries.push(e);
    }
    if (cpu === undefined) values.forEach((v, c) => e.values[c]!.set(v));
    else e.values[this.perCpu ? cpu : 0]!.set(values[0]!);
    if (this.lru) this.use(e);
    return 0;
  }
}

type Op =
  | { op: 'lookup'; key: Uint8Array; cpu: number }
  | { op: 'update'; key: Uint8Array; value: Uint8Array; flags: number | bigint; cpu: number }
  | { op: 'updateAll'; key: Uint8Array; values: Uint8Array[]; flags: number | bigint }
  | { op: 'write'; key: Uint8Array; cpu: number; at: number; byte: number }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'next'; key: Uint8Array | undefined }
  | { op: 'clear' };

function ops(nCpus: number): fc.Arbitrary<Op[]> {
  // Few distinct keys so updates collide, fill the map and evict.
  const key = fc.integer({ min: 0, max: 6 }).map((k) => new Uint8Array([k, k === 6 ? 1 : 0, 0xaa]));
  const cpu = fc.integer({ min: 0, max: nCpus - 1 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('lookup' as const), key, cpu }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('update' as const), key, value: bytesOf(VALUE), flags: updateFlags, cpu }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('updateAll' as const), key, values: fc.array(bytesOf(VALUE), { minLength: nCpus, maxLength: nCpus }), flags: updateFlags }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('write' as const), key, cpu, at: fc.integer({ min: 0, max: VALUE - 1 }), byte: fc.integer({ min: 0, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('next' as const), key: fc.option(key, { nil: undefined }) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  );
  return fc.array(op, { maxLength: 80, size: 'max' });
}

function run(type: number, nCpus: number, list: Op[]): void {
  const perCpu = type === BPF_MAP_TYPE_PERCPU_HASH || type === BPF_MAP_TYPE_LRU_PERCPU_HASH;
  const lru = type === BPF_MAP_TYPE_LRU_HASH || type === BPF_MAP_TYPE_LRU_PERCPU_HASH;
  const map = createMap({ name: 'h', type, keySize: KEY, valueSize: VALUE, maxEntries: MAX, flags: 0 }, { nCpus });
  expect(map.kind).toBe('hash');
  const m = map as HashMap;
  expect(m.lru).toBe(lru);
  const model = new HashModel(perCpu, lru, nCpus);
  const pointers = new WeakMap<ModelEntry, Map<number, Uint8Array>>();
  for (const o of list) {
    switch (o.op) {
      case 'lookup': {
        const v = m.lookup(o.key, o.cpu);
        const e = model.find(hex(o.key));
        if (!e) expect(v).toBeUndefined();
        else {
          expect(hex(v!)).toBe(hex(e.values[perCpu ? o.cpu : 0]!));
          if (lru) model.use(e);
          // Storage is stable while the element lives (same model entry = same element).
          const seen = pointers.get(e) ?? new Map<number, Uint8Array>();
          const slot = perCpu ? o.cpu : 0;
          if (seen.has(slot)) expect(v).toBe(seen.get(slot));
          seen.set(slot, v!);
          pointers.set(e, seen);
        }
        break;
      }
      case 'update':
        expect(m.update(o.key, o.value, o.flags, o.cpu)).toBe(model.update(hex(o.key), [o.value], flagsU64(o.flags), o.cpu));
        o.value.fill(0xee);
        break;
      case 'updateAll': {
        const values = perCpu ? o.values : o.values.slice(0, 1);
        expect(m.updateAllCpus(o.key, values, o.flags)).toBe(model.update(hex(o.key), values, flagsU64(o.flags), undefined));
        break;
      }
      case 'write': {
        const e = model.find(hex(o.key));
        const v = m.lookup(o.key, o.cpu);
        expect(v === undefined).toBe(e === undefined);
        if (e && v) {
          if (lru) model.use(e);
          v[o.at] = o.byte;
          e.values[perCpu ? o.cpu : 0]![o.at] = o.byte;
        }
        break;
      }
      case 'delete': {
        const e = model.find(hex(o.key));
        expect(m.delete(o.key)).toBe(e ? 0 : -ENOENT);
        model.entries = model.entries.filter((x) => x !== e);
        break;
      }
      case 'next': {
        const next = m.getNextKey(o.key);
        const keys = model.entries.map((e) => e.key);
        const at = o.key === undefined ? -1 : keys.indexOf(hex(o.key));
        const want = at === -1 ? keys[0] : keys[at + 1];
        expect(next === undefined ? undefined : hex(next)).toBe(want);
        break;
      }
      case 'clear':
        m.clear();
        model.entries = [];
        break;
    }
    expect(m.size).toBe(model.entries.length);
  }
  // Iteration visits every key once, in insertion order; the host view matches.
  const walk: string[] = [];
  for (let k = m.getNextKey(undefined); k; k = m.getNextKey(k)) walk.push(hex(k));
  expect(walk).toEqual(model.entries.map((e) => e.key));
  expect(new Set(walk).size).toBe(walk.length);
  for (const e of model.entries) {
    const key = Uint8Array.from(Buffer.from(e.key, 'hex'));
    expect(m.has(key)).toBe(true);
    expect(m.lookupAllCpus(key)!.map(hex)).toEqual(e.values.map(hex));
  }
  expect([...m.entries(nCpus - 1)].map(([k, v]) => [hex(k), hex(v)])).toEqual(
    model.entries.map((e) => [e.key, hex(e.values[perCpu ? nCpus - 1 : 0]!)]),
  );
}

describe('hash maps against a model', () => {
  it('hash', () => fc.assert(fc.property(ops(1), (l) => run(BPF_MAP_TYPE_HASH, 1, l)), { numRuns: 300 }));
  it('percpu_hash with 3 CPUs', () => fc.assert(fc.property(ops(3), (l) => run(BPF_MAP_TYPE_PERCPU_HASH, 3, l)), { numRuns: 300 }));
  it('lru_hash: eviction of the least recently used', () =>
    fc.assert(fc.property(ops(1), (l) => run(BPF_MAP_TYPE_LRU_HASH, 1, l)), { numRuns: 300 }));
  it('lru_percpu_hash with 2 CPUs', () =>
    fc.assert(fc.property(ops(2), (l) => run(BPF_MAP_TYPE_LRU_PERCPU_HASH, 2, l)), { numRuns: 300 }));

  it('LRU: a lookup protects an element from eviction', () => {
    const m = createMap({ name: 'l', type: BPF_MAP_TYPE_LRU_HASH, keySize: 1, valueSize: 1, maxEntries: 2, flags: 0 });
    const k = (n: number): Uint8Array => new Uint8Array([n]);
    m.update(k(1), k(10));
    m.update(k(2), k(20));
    m.lookup(k(1));
    expect(m.update(k(3), k(30), 1)).toBe(0);
    expect([...m.entries()].map(([key]) => key[0])).toEqual([1, 3]);
  });

  it('a new per-CPU element from a program zeroes the other CPUs', () => {
    const m = createMap({ name: 'p', type: BPF_MAP_TYPE_PERCPU_HASH, keySize: 1, valueSize: 2, maxEntries: 2, flags: 0 }, { nCpus: 2 });
    expect(m.update(new Uint8Array([7]), new Uint8Array([1, 2]), 0, 1)).toBe(0);
    expect((m as HashMap).lookupAllCpus(new Uint8Array([7]))).toEqual([new Uint8Array(2), new Uint8Array([1, 2])]);
  });

  it('keys longer than 6 bytes compare by bytes', () => {
    const m = createMap({ name: 'big', type: BPF_MAP_TYPE_HASH, keySize: 40, valueSize: 1, maxEntries: 8, flags: 0 });
    const a = new Uint8Array(40).fill(0x80);
    const b = a.slice();
    b[39] = 0x81;
    expect(m.update(a, new Uint8Array([1]), 1)).toBe(0);
    expect(m.update(b, new Uint8Array([2]), 1)).toBe(0);
    expect(m.update(a.slice(), new Uint8Array([3]), 1)).toBe(-EEXIST);
    expect(m.lookup(b)).toEqual(new Uint8Array([2]));
  });
});

describe('key encoding', () => {
  it('distinct keys of every length stay distinct, equal keys meet', () => {
    const len = fc.integer({ min: 1, max: 20 });
    fc.assert(
      fc.property(
        len.chain((n) => fc.uniqueArray(fc.uint8Array({ minLength: n, maxLength: n }), { minLength: 1, maxLength: 12, selector: hex })),
        (keys) => {
          const m = createMap({ name: 'k', type: BPF_MAP_TYPE_HASH, keySize: keys[0]!.length, valueSize: 1, maxEntries: 16, flags: 0 });
          keys.forEach((k, i) => expect(m.update(k, new Uint8Array([i]), 1)).toBe(0));
          keys.forEach((k, i) => expect(m.lookup(k.slice())).toEqual(new Uint8Array([i])));
          expect(m.size).toBe(keys.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
