import type { MapDef } from '../../isa/program.js';
import {
  BPF_MAP_TYPE_ARRAY,
  BPF_MAP_TYPE_HASH,
  BPF_MAP_TYPE_LRU_HASH,
  BPF_MAP_TYPE_LRU_PERCPU_HASH,
  BPF_MAP_TYPE_PERCPU_ARRAY,
  BPF_MAP_TYPE_PERCPU_HASH,
  BPF_MAP_TYPE_PERF_EVENT_ARRAY,
  BPF_MAP_TYPE_PROG_ARRAY,
  BPF_MAP_TYPE_QUEUE,
  BPF_MAP_TYPE_RINGBUF,
  BPF_MAP_TYPE_STACK,
} from '../../isa/map-types.js';
import { ArrayMapImpl, u32Key } from './array-map.js';
import { BPF_F_RDONLY_PROG } from './flags.js';
import { HashMapImpl } from './hash-map.js';
import { MapError } from './map-error.js';
import { PerfEventArrayMapImpl } from './perf-event-array-map.js';
import { ProgArrayMapImpl } from './prog-array-map.js';
import { QueueStackMapImpl } from './queue-stack-map.js';
import { RingbufMapImpl } from './ringbuf-map.js';
import type { AnyVmMap, CreateMapOptions, VmMap } from './types.js';
import { checkMapDef } from './validate.js';

/**
 * Create a user-space map with the kernel's semantics for `def.type`, after checking the
 * definition as BPF_MAP_CREATE would (throws `MapError` naming the map otherwise); then,
 * as libbpf does for global data, write `def.initialValue` to element 0 and freeze the map
 * when `def.frozen`.
 * @example
 * const m = createMap({ name: 'counts', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 8, maxEntries: 64, flags: 0 });
 * m.update(new Uint8Array(4), new Uint8Array(8), BPF_NOEXIST); // 0
 */
export function createMap<P = unknown>(def: MapDef, options: CreateMapOptions<P> = {}): AnyVmMap<P> {
  const nCpus = options.nCpus ?? 1;
  if (!Number.isInteger(nCpus) || nCpus < 1 || nCpus > 4096) {
    throw new MapError(def, `nCpus must be an integer in 1..4096, got ${nCpus}`);
  }
  checkMapDef(def, nCpus);
  checkInitialValue(def);
  const map = createEmpty(def, nCpus, options);
  if (def.initialValue !== undefined) map.update(new Uint8Array(4), def.initialValue);
  if (def.frozen === true) map.freeze();
  return map;
}

/** `initialValue` is element 0 of an ARRAY map: exactly value_size bytes (host misuse otherwise). */
function checkInitialValue(def: MapDef): void {
  const v = def.initialValue;
  if (v === undefined) return;
  if (def.type !== BPF_MAP_TYPE_ARRAY) throw new MapError(def, 'an initial value is for BPF_MAP_TYPE_ARRAY maps only');
  if (!(v instanceof Uint8Array) || v.length !== def.valueSize) {
    throw new MapError(def, `initial value of ${v instanceof Uint8Array ? v.length : String(v)} bytes, expected value_size ${def.valueSize}`);
  }
}

function createEmpty<P>(def: MapDef, nCpus: number, options: CreateMapOptions<P>): AnyVmMap<P> {
  switch (def.type) {
    case BPF_MAP_TYPE_ARRAY:
      return new ArrayMapImpl(def, nCpus, false);
    case BPF_MAP_TYPE_PERCPU_ARRAY:
      return new ArrayMapImpl(def, nCpus, true);
    case BPF_MAP_TYPE_HASH:
      return new HashMapImpl(def, nCpus, false, false);
    case BPF_MAP_TYPE_PERCPU_HASH:
      return new HashMapImpl(def, nCpus, true, false);
    case BPF_MAP_TYPE_LRU_HASH:
      return new HashMapImpl(def, nCpus, false, true);
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      return new HashMapImpl(def, nCpus, true, true);
    case BPF_MAP_TYPE_QUEUE:
      return new QueueStackMapImpl(def, nCpus, 'queue');
    case BPF_MAP_TYPE_STACK:
      return new QueueStackMapImpl(def, nCpus, 'stack');
    case BPF_MAP_TYPE_PROG_ARRAY:
      return new ProgArrayMapImpl<P>(def, nCpus, options.resolveProgFd);
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
      return new PerfEventArrayMapImpl(def, nCpus, options.perfBufferSize);
    case BPF_MAP_TYPE_RINGBUF:
      return new RingbufMapImpl(def, nCpus);
    default:
      throw new MapError(def, 'map type is not supported by the VM');
  }
}

/**
 * Create every map of a program, by name (duplicate names throw `MapError`).
 * @example const maps = createMaps(program.maps, { nCpus: 2 }); maps.get('events')
 */
export function createMaps<P = unknown>(defs: readonly MapDef[], options: CreateMapOptions<P> = {}): Map<string, AnyVmMap<P>> {
  const out = new Map<string, AnyVmMap<P>>();
  for (const def of defs) {
    if (out.has(def.name)) throw new MapError(def, 'duplicate map name');
    out.set(def.name, createMap(def, options));
  }
  return out;
}

/**
 * The element storage of an array map that programs may only read (BPF_F_RDONLY_PROG: the
 * kernel's verifier refuses stores into it), for the VM to map read-only; empty otherwise.
 * Only the first 1024 elements (global data maps have one).
 * @example progReadOnlyValues(createMap({ name: 'rodata', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: BPF_F_RDONLY_PROG })).length // 1
 */
export function progReadOnlyValues(map: VmMap): Uint8Array[] {
  if (map.kind !== 'array' || (map.def.flags & BPF_F_RDONLY_PROG) === 0) return [];
  const out: Uint8Array[] = [];
  const n = Math.min(map.def.maxEntries, 1024);
  for (let cpu = 0; cpu < (map.perCpu ? map.nCpus : 1); cpu++) {
    for (let i = 0; i < n; i++) out.push(map.lookup(u32Key(i), cpu)!);
  }
  return out;
}
