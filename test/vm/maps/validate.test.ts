import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MapDef } from '../../../src/isa/program.js';
import {
  BPF_MAP_TYPE_ARRAY,
  BPF_MAP_TYPE_HASH,
  BPF_MAP_TYPE_LPM_TRIE,
  BPF_MAP_TYPE_LRU_HASH,
  BPF_MAP_TYPE_LRU_PERCPU_HASH,
  BPF_MAP_TYPE_PERCPU_ARRAY,
  BPF_MAP_TYPE_PERCPU_HASH,
  BPF_MAP_TYPE_PERF_EVENT_ARRAY,
  BPF_MAP_TYPE_PROG_ARRAY,
  BPF_MAP_TYPE_QUEUE,
  BPF_MAP_TYPE_RINGBUF,
  BPF_MAP_TYPE_STACK,
} from '../../../src/isa/map-types.js';
import { bpfAvailable, createKernelMap, KernelError, possibleCpuCount } from '../../../src/loader/index.js';
import {
  BPF_F_MMAPABLE,
  BPF_F_NO_PREALLOC,
  BPF_F_RDONLY_PROG,
  BPF_F_WRONLY_PROG,
  checkMapDef,
  createMap,
  E2BIG,
  EINVAL,
  ENOTSUPP,
  MapError,
} from '../../../src/vm/maps/index.js';

function def(type: number, keySize: number, valueSize: number, maxEntries: number, flags = 0): MapDef {
  return { name: 'm', type, keySize, valueSize, maxEntries, flags };
}

/** The errno our check gives (0 when accepted). */
function ourErrno(d: MapDef, nCpus = 1): number {
  try {
    checkMapDef(d, nCpus);
    return 0;
  } catch (e) {
    if (e instanceof MapError) return e.errno;
    throw e;
  }
}

describe('map definition validation', () => {
  const refused: [string, MapDef, number, string][] = [
    ['array key_size 8', def(BPF_MAP_TYPE_ARRAY, 8, 8, 4), EINVAL, 'key_size must be 4, got 8'],
    ['array value_size 0', def(BPF_MAP_TYPE_ARRAY, 4, 0, 4), EINVAL, 'value_size must be > 0'],
    ['array max_entries 0', def(BPF_MAP_TYPE_ARRAY, 4, 8, 0), EINVAL, 'max_entries must be > 0'],
    ['percpu_array mmapable', def(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, BPF_F_MMAPABLE), EINVAL, 'BPF_F_MMAPABLE'],
    ['percpu_array big value', def(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32769, 1), E2BIG, 'exceeds 32768'],
    ['hash key_size 0', def(BPF_MAP_TYPE_HASH, 0, 8, 4), EINVAL, 'key_size must be > 0'],
    ['hash huge max_entries', def(BPF_MAP_TYPE_HASH, 4, 8, 2 ** 27 + 1), E2BIG, 'too large'],
    ['lru no_prealloc', def(BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, BPF_F_NO_PREALLOC), ENOTSUPP, 'BPF_F_NO_PREALLOC'],
    ['hash rdonly+wronly prog', def(BPF_MAP_TYPE_HASH, 4, 8, 4, BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG), EINVAL, 'both'],
    ['queue key_size 4', def(BPF_MAP_TYPE_QUEUE, 4, 8, 4), EINVAL, 'key_size must be 0, got 4'],
    ['stack value_size 0', def(BPF_MAP_TYPE_STACK, 0, 0, 4), EINVAL, 'value_size must be > 0'],
    ['ringbuf not a power of 2', def(BPF_MAP_TYPE_RINGBUF, 0, 0, 12288), EINVAL, 'power of 2'],
    ['ringbuf below a page', def(BPF_MAP_TYPE_RINGBUF, 0, 0, 2048), EINVAL, 'page size'],
    ['ringbuf with value', def(BPF_MAP_TYPE_RINGBUF, 0, 4, 4096), EINVAL, 'value_size must be 0'],
    ['perf_event_array value 8', def(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 8, 4), EINVAL, 'value_size must be 4, got 8'],
    ['prog_array key 8', def(BPF_MAP_TYPE_PROG_ARRAY, 8, 4, 4), EINVAL, 'key_size must be 4, got 8'],
    ['array flags', def(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 1 << 20), EINVAL, 'map_flags 0x100000'],
  ];
  it.each(refused)('refuses %s', (_what, d, errno, text) => {
    expect(() => createMap(d)).toThrow(MapError);
    expect(() => createMap(d)).toThrow(text);
    expect(() => createMap(d)).toThrow("map 'm' (");
    expect(ourErrno(d)).toBe(errno);
  });

  it('accepts the usual shapes', () => {
    for (const d of [
      def(BPF_MAP_TYPE_ARRAY, 4, 1, 1),
      def(BPF_MAP_TYPE_HASH, 1, 1, 1),
      def(BPF_MAP_TYPE_LRU_PERCPU_HASH, 16, 64, 1024),
      def(BPF_MAP_TYPE_QUEUE, 0, 8, 16),
      def(BPF_MAP_TYPE_RINGBUF, 0, 0, 1 << 20),
      def(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2),
      def(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8),
    ]) {
      expect(() => createMap(d, { nCpus: 2 })).not.toThrow();
    }
  });

  it('names unsupported types and bad fields', () => {
    expect(() => createMap(def(BPF_MAP_TYPE_LPM_TRIE, 8, 8, 4, 1))).toThrow("map 'm' (lpm_trie): map type is not supported by the VM");
    expect(() => createMap(def(BPF_MAP_TYPE_ARRAY, 4, 8, -1))).toThrow('maxEntries must be a u32');
    expect(() => createMap(def(BPF_MAP_TYPE_ARRAY, 4, 8, 1), { nCpus: 0 })).toThrow('nCpus');
  });

  const bpf = bpfAvailable();
  if (!bpf.ok) console.log(`skip: kernel map validation differential: ${bpf.reason}`);
  describe.skipIf(!bpf.ok)('against BPF_MAP_CREATE', () => {
    const types = [
      BPF_MAP_TYPE_ARRAY,
      BPF_MAP_TYPE_PERCPU_ARRAY,
      BPF_MAP_TYPE_HASH,
      BPF_MAP_TYPE_PERCPU_HASH,
      BPF_MAP_TYPE_LRU_HASH,
      BPF_MAP_TYPE_LRU_PERCPU_HASH,
      BPF_MAP_TYPE_QUEUE,
      BPF_MAP_TYPE_STACK,
      BPF_MAP_TYPE_PROG_ARRAY,
      BPF_MAP_TYPE_PERF_EVENT_ARRAY,
      BPF_MAP_TYPE_RINGBUF,
    ];
    const size = fc.oneof(fc.constantFrom(0, 1, 4, 8, 16), fc.integer({ min: 0, max: 600 }));
    const valueSize = fc.oneof(fc.constantFrom(0, 4, 8, 32768, 32769), fc.integer({ min: 0, max: 600 }));
    const entries = fc.oneof(fc.constantFrom(0, 1, 2, 4096, 8192, 12288, 65536), fc.integer({ min: 0, max: 100 }));
    const flags = fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 12 }).map((b) => 1 << b) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: (1 << 13) - 1 }) },
    );
    const defArb = fc
      .record({ type: fc.constantFrom(...types), keySize: size, valueSize, maxEntries: entries, flags })
      .map((r): MapDef => ({ name: 'vdiff', ...r }))
      // Keep the kernel's allocations small (no ENOMEM from memory pressure), and leave out
      // perf_event_array with max_entries 0, which the loader turns into the CPU count.
      .filter((d) => d.maxEntries * Math.max(d.valueSize + d.keySize, 8) * 64 <= 16 << 20)
      .filter((d) => !(d.type === BPF_MAP_TYPE_PERF_EVENT_ARRAY && d.maxEntries === 0));

    it('agrees at the size limits', () => {
      const K = 4 * 1024 * 1024; // KMALLOC_MAX_SIZE
      const edges: MapDef[] = [
        def(BPF_MAP_TYPE_HASH, 4, K - 48 - 4 - 1, 1),
        def(BPF_MAP_TYPE_HASH, 4, K - 48 - 4, 1),
        def(BPF_MAP_TYPE_HASH, 100000, 8, 1),
        def(BPF_MAP_TYPE_HASH, 4, 8, 2 ** 27 + 1),
        def(BPF_MAP_TYPE_QUEUE, 0, K, 1),
        def(BPF_MAP_TYPE_QUEUE, 0, K + 1, 1),
        def(BPF_MAP_TYPE_PERCPU_HASH, 4, 32768, 1),
        def(BPF_MAP_TYPE_PERCPU_HASH, 4, 32769, 1),
        def(BPF_MAP_TYPE_RINGBUF, 0, 0, 1 << 24),
      ];
      for (const d of edges) {
        let kernel = 0;
        try {
          createKernelMap(d).close();
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          kernel = e.errno;
        }
        expect(ourErrno(d, possibleCpuCount()), JSON.stringify(d)).toBe(kernel);
      }
    });

    it('accepts and refuses the same definitions with the same errno', () => {
      const nCpus = possibleCpuCount();
      fc.assert(
        fc.property(defArb, (d) => {
          let kernel = 0;
          try {
            createKernelMap(d).close();
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
            kernel = e.errno;
          }
          expect(ourErrno(d, nCpus), JSON.stringify(d)).toBe(kernel);
        }),
        { numRuns: Number(process.env.TSBPF_MAP_RUNS ?? 600) },
      );
    });
  });
});
