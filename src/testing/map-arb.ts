/**
 * Map contents for a `MapDef`: keys and values of the map's sizes, unique keys, never more
 * entries than `max_entries`, array keys inside the array. Feed them to a VM map or a kernel map
 * before a run.
 */
import fc, { type Arbitrary } from 'fast-check';
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_BLOOM_FILTER, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LPM_TRIE, BPF_MAP_TYPE_LRU_HASH,
  BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK,
  mapTypeName,
} from '../isa/map-types.js';
import type { MapDef } from '../isa/program.js';

/** One key/value pair (queue, stack and bloom filter entries have an empty key). */
export interface MapEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Generated contents of one map. */
export interface MapContents {
  readonly def: MapDef;
  readonly entries: readonly MapEntry[];
}

/** Options of `mapContentsArb`. */
export interface MapContentsOptions {
  /** Generate at most this many entries (default 32; never more than `max_entries`). */
  readonly maxEntries?: number;
  /** Values (default any bytes of `valueSize`). */
  readonly value?: Arbitrary<Uint8Array>;
  /** Keys of a hash map (default any bytes of `keySize`). */
  readonly key?: Arbitrary<Uint8Array>;
}

const HASH_TYPES = new Set([BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH]);
const ARRAY_TYPES = new Set([BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY]);
const VALUE_ONLY_TYPES = new Set([BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK, BPF_MAP_TYPE_BLOOM_FILTER]);

const keyText = (k: Uint8Array) => Buffer.from(k).toString('hex');

/** Little-endian u32 bytes of an array index. */
export function u32Key(i: number): Uint8Array {
  const k = new Uint8Array(4);
  new DataView(k.buffer).setUint32(0, i >>> 0, true);
  return k;
}

/**
 * Contents for a map definition: array indices in range, unique hash / LPM keys, queue/stack values.
 * Throws for map types whose contents are not plain bytes (prog arrays, perf event arrays, ring buffers...).
 * @example mapContentsArb({ name: 'counts', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0 })
 */
export function mapContentsArb(def: MapDef, opts: MapContentsOptions = {}): Arbitrary<MapContents> {
  const cap = Math.min(def.maxEntries, opts.maxEntries ?? 32);
  const where = `map '${def.name}' (${mapTypeName(def.type)})`;
  if (!(cap >= 0)) throw new Error(`${where}: maxEntries must be >= 0`);
  const value = opts.value ?? fc.uint8Array({ minLength: def.valueSize, maxLength: def.valueSize });
  const sized = value.map((v) => {
    if (v.length !== def.valueSize) throw new Error(`${where}: a generated value has ${v.length} bytes, the map wants ${def.valueSize}`);
    return v;
  });
  const pairs = (keys: Arbitrary<Uint8Array[]>) =>
    keys.chain((ks) => fc.tuple(...ks.map(() => sized)).map((vs) => ks.map((key, i) => ({ key, value: vs[i]! }))));
  let entries: Arbitrary<MapEntry[]>;
  if (ARRAY_TYPES.has(def.type)) {
    if (def.keySize !== 4) throw new Error(`${where}: array maps have 4-byte keys, not ${def.keySize}`);
    entries = pairs(fc.uniqueArray(fc.integer({ min: 0, max: def.maxEntries - 1 }), { maxLength: cap }).map((is) => is.map(u32Key)));
  } else if (HASH_TYPES.has(def.type)) {
    const key = opts.key ?? fc.uint8Array({ minLength: def.keySize, maxLength: def.keySize });
    entries = pairs(fc.uniqueArray(key, { maxLength: cap, selector: keyText }));
  } else if (def.type === BPF_MAP_TYPE_LPM_TRIE) {
    if (def.keySize < 5) throw new Error(`${where}: LPM trie keys need 4 bytes of prefix length plus data`);
    const dataBits = (def.keySize - 4) * 8;
    const key = fc
      .record({ prefix: fc.integer({ min: 0, max: dataBits }), data: fc.uint8Array({ minLength: def.keySize - 4, maxLength: def.keySize - 4 }) })
      .map(({ prefix, data }) => {
        const k = new Uint8Array(def.keySize);
        k.set(u32Key(prefix), 0);
        for (let bit = 0; bit < dataBits; bit++) {
          if (bit < prefix && (data[bit >> 3]! & (0x80 >> (bit & 7)))) k[4 + (bit >> 3)] |= 0x80 >> (bit & 7);
        }
        return k;
      });
    entries = pairs(fc.uniqueArray(key, { maxLength: cap, selector: keyText }));
  } else if (VALUE_ONLY_TYPES.has(def.type)) {
    entries = fc.array(sized, { maxLength: cap }).map((vs) => vs.map((v) => ({ key: new Uint8Array(0), value: v })));
  } else {
    throw new Error(`${where}: no generated contents for this map type (only array, hash, LRU, per-CPU, LPM trie, queue, stack, bloom filter)`);
  }
  return entries.map((es) => ({ def, entries: es }));
}
