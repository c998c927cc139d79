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
import { ArrayMapImpl } from './array-map.js';
import { HashMapImpl } from './hash-map.js';
import { MapError } from './map-error.js';
import { PerfEventArrayMapImpl } from './perf-event-array-map.js';
import { ProgArrayMapImpl } from './prog-array-map.js';
import { QueueStackMapImpl } from './queue-stack-map.js';
import { RingbufMapImpl } from './ringbuf-map.js';
import type { AnyVmMap, CreateMapOptions } from './types.js';
import { checkMapDef } from './validate.js';

/**
 * Create a user-space map with the kernel's semantics for `def.type`, after checking the
 * definition as BPF_MAP_CREATE would (throws `MapError` naming the map otherwise).
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
