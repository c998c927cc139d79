import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MapDef } from '../../../src/isa/program.js';
import {
  BPF_MAP_TYPE_ARRAY,
  BPF_MAP_TYPE_HASH,
  BPF_MAP_TYPE_LRU_HASH,
  BPF_MAP_TYPE_LRU_PERCPU_HASH,
  BPF_MAP_TYPE_PERCPU_ARRAY,
  BPF_MAP_TYPE_PERCPU_HASH,
  BPF_MAP_TYPE_QUEUE,
  BPF_MAP_TYPE_STACK,
} from '../../../src/isa/map-types.js';
import { bpfAvailable, createKernelMap, type KernelMap, KernelError, possibleCpuCount } from '../../../src/loader/index.js';
import { type ArrayMap, createMap, type HashMap, roundUp8 } from '../../../src/vm/maps/index.js';
import { hex } from './bytes.js';

const VALUE = 6;

/** Return code of a kernel call as a map op would give it: 0 or -errno. */
function code(f: () => unknown): number {
  try {
    f();
    return 0;
  } catch (e) {
    if (e instanceof KernelError) return -e.errno;
    throw e;
  }
}

/** Per-CPU values as the syscall sees them: each rounded up to 8 bytes, concatenated. */
function pack(values: readonly Uint8Array[]): Uint8Array {
  const stride = roundUp8(VALUE);
  const out = new Uint8Array(stride * values.length);
  values.forEach((v, i) => out.set(v, i * stride));
  return out;
}

type KeyedOp =
  | { op: 'update'; key: number; fill: number; flags: number }
  | { op: 'lookup'; key: number }
  | { op: 'delete'; key: number }
  | { op: 'walk' };

const keyedOps = (keys: number): fc.Arbitrary<KeyedOp[]> =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('update' as const), key: fc.integer({ min: 0, max: keys - 1 }), fill: fc.integer({ min: 0, max: 255 }), flags: fc.constantFrom(0, 1, 2, 3, 8) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('lookup' as const), key: fc.integer({ min: 0, max: keys - 1 }) }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: keys - 1 }) }) },
      { weight: 1, arbitrary: fc.constant({ op: 'walk' as const }) },
    ),
    { maxLength: 40, size: 'max' },
  );

/** Run the same host-side operations on a kernel map and on ours; compare codes and contents. */
function compareKeyed(def: MapDef, list: KeyedOp[]): void {
  const nCpus = possibleCpuCount();
  const ours = createMap(def, { nCpus }) as ArrayMap | HashMap;
  const kernel: KernelMap = createKernelMap(def);
  try {
    const copies = ours.perCpu ? nCpus : 1;
    const key = (k: number): Uint8Array => {
      const b = new Uint8Array(def.keySize);
      b[0] = k;
      return b;
    };
    for (const o of list) {
      switch (o.op) {
        case 'update': {
          const values = Array.from({ length: copies }, (_, c) => new Uint8Array(VALUE).fill((o.fill + c) & 0xff));
          const k = code(() => kernel.update(key(o.key), ours.perCpu ? pack(values) : values[0]!, o.flags));
          expect(ours.updateAllCpus(key(o.key), values, o.flags), JSON.stringify(o)).toBe(k);
          break;
        }
        case 'lookup': {
          const k = kernel.lookup(key(o.key));
          const v = ours.lookupAllCpus(key(o.key));
          expect(v === undefined ? undefined : hex(ours.perCpu ? pack(v) : v[0]!)).toBe(k === undefined ? undefined : hex(k));
          break;
        }
        case 'delete': {
          const k = code(() => {
            if (!kernel.delete(key(o.key))) throw new KernelError('bpf(BPF_MAP_DELETE_ELEM)', 2);
          });
          expect(ours.delete(key(o.key))).toBe(k);
          break;
        }
        case 'walk': {
          const k = [...kernel.keys()].map(hex);
          const w: string[] = [];
          for (let n = ours.getNextKey(undefined); n; n = ours.getNextKey(n)) w.push(hex(n));
          // Arrays iterate by index in both; hash order is the kernel's bucket order.
          if (ours.kind === 'array') expect(w).toEqual(k);
          else expect([...w].sort()).toEqual([...k].sort());
          break;
        }
      }
    }
  } finally {
    kernel.close();
  }
}

type QueueOp = { op: 'push'; fill: number; flags: number } | { op: 'pop' } | { op: 'peek' };

const queueOps: fc.Arbitrary<QueueOp[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('push' as const), fill: fc.integer({ min: 0, max: 255 }), flags: fc.constantFrom(0, 1, 2, 3) }) },
    { weight: 2, arbitrary: fc.constant({ op: 'pop' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
  ),
  { maxLength: 40, size: 'max' },
);

function compareQueue(def: MapDef, list: QueueOp[]): void {
  const ours = createMap(def);
  const kernel = createKernelMap(def);
  const none = new Uint8Array(0);
  try {
    for (const o of list) {
      if (o.op === 'push') {
        const v = new Uint8Array(VALUE).fill(o.fill);
        expect(ours.push(v, o.flags)).toBe(code(() => kernel.update(none, v, o.flags)));
      } else {
        const k = o.op === 'pop' ? kernel.lookupAndDelete(none) : kernel.lookup(none);
        const r = o.op === 'pop' ? ours.pop() : ours.peek();
        expect(r.err === 0 ? hex(r.value!) : undefined).toBe(k === undefined ? undefined : hex(k));
      }
    }
  } finally {
    kernel.close();
  }
}

const bpf = bpfAvailable();
if (!bpf.ok) console.log(`skip: kernel map differential: ${bpf.reason}`);

describe.skipIf(!bpf.ok)('maps against the kernel (bpf(2) syscall side)', () => {
  const keyed: [string, MapDef, number][] = [
    ['array', { name: 'd_array', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: VALUE, maxEntries: 4, flags: 0 }, 6],
    ['percpu_array', { name: 'd_pcarray', type: BPF_MAP_TYPE_PERCPU_ARRAY, keySize: 4, valueSize: VALUE, maxEntries: 4, flags: 0 }, 6],
    ['hash', { name: 'd_hash', type: BPF_MAP_TYPE_HASH, keySize: 2, valueSize: VALUE, maxEntries: 4, flags: 0 }, 7],
    ['percpu_hash', { name: 'd_pchash', type: BPF_MAP_TYPE_PERCPU_HASH, keySize: 2, valueSize: VALUE, maxEntries: 4, flags: 0 }, 7],
    // The kernel's LRU evicts in batches from per-CPU lists: compare with room to spare only.
    ['lru_hash (never full)', { name: 'd_lru', type: BPF_MAP_TYPE_LRU_HASH, keySize: 8, valueSize: VALUE, maxEntries: 1024, flags: 0 }, 7],
    ['lru_percpu_hash (never full)', { name: 'd_pclru', type: BPF_MAP_TYPE_LRU_PERCPU_HASH, keySize: 8, valueSize: VALUE, maxEntries: 1024, flags: 0 }, 7],
  ];
  it.each(keyed)('%s: return codes and contents', (_name, def, keys) => {
    fc.assert(fc.property(keyedOps(keys), (list) => compareKeyed(def, list)), { numRuns: Number(process.env.TSBPF_MAP_RUNS ?? 100) });
  });
  it.each([
    ['queue', BPF_MAP_TYPE_QUEUE],
    ['stack', BPF_MAP_TYPE_STACK],
  ])('%s: push codes and pop/peek order', (_name, type) => {
    const def: MapDef = { name: 'd_qs', type, keySize: 0, valueSize: VALUE, maxEntries: 4, flags: 0 };
    fc.assert(fc.property(queueOps, (list) => compareQueue(def, list)), { numRuns: Number(process.env.TSBPF_MAP_RUNS ?? 100) });
  });
});
