import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_ARRAY_OF_MAPS, BPF_MAP_TYPE_BLOOM_FILTER, BPF_MAP_TYPE_HASH,
  BPF_MAP_TYPE_LPM_TRIE, BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_ARRAY,
  BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_QUEUE,
  BPF_MAP_TYPE_RINGBUF, BPF_MAP_TYPE_STACK, type MapDef,
} from '../../src/isa/index.js';
import { BPF_NOEXIST, KernelError, createKernelMap, mapInfo, possibleCpuCount } from '../../src/loader/index.js';
import { kernelAvailable, readU64, u32, u64 } from './support.js';

const canBpf = kernelAvailable('loader map tests');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe.skipIf(!canBpf)('KernelMap (real kernel)', () => {
  it('creates a named array map and reads, writes and iterates it', () => {
    using m = createKernelMap({ name: 'arr_test', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 });
    expect(m.fd).toBeGreaterThan(0);
    expect(readU64(m.lookup(u32(2))!)).toBe(0n);
    m.update(u32(2), u64(0x1122334455667788n));
    expect(readU64(m.lookup(u32(2))!)).toBe(0x1122334455667788n);
    expect(m.lookup(u32(9))).toBeUndefined();
    expect([...m.keys()].map(hex)).toEqual([0, 1, 2, 3].map((k) => hex(u32(k))));
    const info = mapInfo(m.fd);
    expect(info).toMatchObject({ type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 4, name: 'arr_test' });
    expect(() => m.update(u32(1), u32(1))).toThrow(/value is 4 bytes, expected 8/);
  });

  it('behaves like a JS Map for random hash-map operations (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), k: fc.nat(15), v: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
      fc.record({ kind: fc.constant('del' as const), k: fc.nat(15) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      using m = createKernelMap({ name: 'hash_prop', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0 });
      const model = new Map<number, bigint>();
      for (const o of ops) {
        if (o.kind === 'set') {
          m.update(u32(o.k), u64(o.v));
          model.set(o.k, o.v);
        } else {
          expect(m.delete(u32(o.k))).toBe(model.delete(o.k));
        }
      }
      const kernel = new Map([...m.entries()].map(([k, v]) => [Buffer.from(k).readUInt32LE(0), readU64(v)]));
      expect(kernel).toEqual(model);
      const again = createKernelMap({ ...m.def, name: 'hash_prop2' });
      try {
        again.updateBatch([...model].map(([k, v]) => [u32(k), u64(v)] as const));
        expect(new Map([...again.lookupBatch(5)].map(([k, v]) => [Buffer.from(k).readUInt32LE(0), readU64(v)]))).toEqual(model);
        const half = [...model.keys()].filter((k) => k % 2 === 0);
        again.deleteBatch(half.map(u32));
        expect(new Set([...again.keys()].map((k) => Buffer.from(k).readUInt32LE(0)))).toEqual(new Set([...model.keys()].filter((k) => k % 2 === 1)));
      } finally {
        again.close();
      }
      const batch = new Map([...m.lookupBatch(3)].map(([k, v]) => [Buffer.from(k).readUInt32LE(0), readU64(v)]));
      expect(batch).toEqual(model);
      for (let k = 0; k < 16; k++) {
        const v = m.lookup(u32(k));
        expect(v === undefined ? undefined : readU64(v)).toBe(model.get(k));
      }
    }), { numRuns: 40 });
  });

  it('creates every map type the VM models, with its name, as the kernel reports back', () => {
    const defs: MapDef[] = [
      { name: 'hash', type: BPF_MAP_TYPE_HASH, keySize: 8, valueSize: 16, maxEntries: 32, flags: 0 },
      { name: 'array', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 3, maxEntries: 7, flags: 0 },
      { name: 'prog_array', type: BPF_MAP_TYPE_PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 },
      { name: 'perf_events', type: BPF_MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 },
      { name: 'percpu_hash', type: BPF_MAP_TYPE_PERCPU_HASH, keySize: 4, valueSize: 8, maxEntries: 8, flags: 0 },
      { name: 'percpu_array', type: BPF_MAP_TYPE_PERCPU_ARRAY, keySize: 4, valueSize: 12, maxEntries: 8, flags: 0 },
      { name: 'lru_hash', type: BPF_MAP_TYPE_LRU_HASH, keySize: 4, valueSize: 8, maxEntries: 64, flags: 0 },
      { name: 'lru_percpu_hash', type: BPF_MAP_TYPE_LRU_PERCPU_HASH, keySize: 4, valueSize: 8, maxEntries: 64, flags: 0 },
      { name: 'lpm_trie', type: BPF_MAP_TYPE_LPM_TRIE, keySize: 8, valueSize: 4, maxEntries: 16, flags: 1 /* BPF_F_NO_PREALLOC */ },
      { name: 'queue', type: BPF_MAP_TYPE_QUEUE, keySize: 0, valueSize: 4, maxEntries: 8, flags: 0 },
      { name: 'stack', type: BPF_MAP_TYPE_STACK, keySize: 0, valueSize: 4, maxEntries: 8, flags: 0 },
      { name: 'ringbuf', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 },
      { name: 'bloom_filter', type: BPF_MAP_TYPE_BLOOM_FILTER, keySize: 0, valueSize: 4, maxEntries: 16, flags: 0 },
    ];
    for (const def of defs) {
      using m = createKernelMap(def);
      expect(mapInfo(m.fd)).toEqual({ ...def, id: expect.any(Number) });
    }
    using inner = createKernelMap({ name: 'inner', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 });
    using outer = createKernelMap({ name: 'outer', type: BPF_MAP_TYPE_ARRAY_OF_MAPS, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 }, { innerMapFd: inner.fd });
    outer.update(u32(1), u32(inner.fd));
    expect(Buffer.from(outer.lookup(u32(1))!).readUInt32LE(0)).toBe(inner.info().id);
  });

  it('sanitises map names to the 15 characters the kernel accepts', () => {
    using m = createKernelMap({ name: 'has-dash and a very long name', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 });
    expect(m.info().name).toBe('has_dash_and_a_');
  });

  it('honours BPF_NOEXIST with EEXIST', () => {
    using m = createKernelMap({ name: 'h', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 });
    m.update(u32(1), u32(1));
    expect(() => m.update(u32(1), u32(2), BPF_NOEXIST)).toThrow(/BPF_MAP_UPDATE_ELEM.*EEXIST/);
  });

  it('freezes a map: user-space writes then fail with EPERM', () => {
    using m = createKernelMap({ name: 'frozen', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 });
    m.update(u32(0), u32(7));
    m.freeze();
    let err: unknown;
    try {
      m.update(u32(0), u32(8));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).errnoName).toBe('EPERM');
    expect(Buffer.from(m.lookup(u32(0))!).readUInt32LE(0)).toBe(7);
  });

  it('sizes per-CPU values for every possible CPU', () => {
    using m = createKernelMap({ name: 'pcpu', type: BPF_MAP_TYPE_PERCPU_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 });
    expect(m.valueBytes).toBe(8 * possibleCpuCount());
    const v = new Uint8Array(m.valueBytes).map((_, i) => i);
    m.update(u32(0), v);
    const got = m.lookup(u32(0))!;
    for (let c = 0; c < possibleCpuCount(); c++) expect([...got.subarray(c * 8, c * 8 + 4)]).toEqual([...v.subarray(c * 8, c * 8 + 4)]);
  });

  it('pushes and pops a queue map with empty keys', () => {
    using m = createKernelMap({ name: 'q', type: BPF_MAP_TYPE_QUEUE, keySize: 0, valueSize: 4, maxEntries: 4, flags: 0 });
    m.update(new Uint8Array(0), u32(10));
    m.update(new Uint8Array(0), u32(20));
    expect(Buffer.from(m.lookup()!).readUInt32LE(0)).toBe(10);
    expect(Buffer.from(m.lookupAndDelete()!).readUInt32LE(0)).toBe(10);
    expect(Buffer.from(m.lookupAndDelete()!).readUInt32LE(0)).toBe(20);
    expect(m.lookupAndDelete()).toBeUndefined();
  });

  it('names the map and the command in errors', () => {
    expect(() => createKernelMap({ name: 'bad', type: BPF_MAP_TYPE_ARRAY, keySize: 3, valueSize: 4, maxEntries: 1, flags: 0 }))
      .toThrow(/bpf\(BPF_MAP_CREATE\) of map 'bad' \(array, key 3.*EINVAL/);
    using m = createKernelMap({ name: 'k', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 });
    expect(() => m.lookup(new Uint8Array(2))).toThrow(/key is 2 bytes, the map's key_size is 4/);
  });
});
