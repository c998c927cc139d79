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
import { E2BIG, EINVAL, ENOMEM, ENOTSUPP } from './errno.js';
import {
  BPF_F_INNER_MAP,
  BPF_F_MMAPABLE,
  BPF_F_NO_COMMON_LRU,
  BPF_F_NO_PREALLOC,
  BPF_F_NUMA_NODE,
  BPF_F_PRESERVE_ELEMS,
  BPF_F_RDONLY,
  BPF_F_RDONLY_PROG,
  BPF_F_WRONLY,
  BPF_F_WRONLY_PROG,
  BPF_F_ZERO_SEED,
} from './flags.js';
import { MapError } from './map-error.js';

/** BPF_F_ACCESS_MASK of the kernel: the read/write-only flags for syscall and program side. */
const BPF_F_ACCESS_MASK = BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG;
const ARRAY_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_ACCESS_MASK | BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP;
const HTAB_CREATE_FLAG_MASK = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED;
const QUEUE_STACK_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK;
const RINGBUF_CREATE_FLAG_MASK = BPF_F_NUMA_NODE;
/** PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
const PCPU_MIN_UNIT_SIZE = 32768;
/** KMALLOC_MAX_SIZE on x86_64 (4 MiB). */
const KMALLOC_MAX_SIZE = 4 * 1024 * 1024;
/** sizeof(struct htab_elem) on x86_64. */
const HTAB_ELEM_SIZE = 48;
const INT_MAX = 0x7fffffff;
/** sizeof(struct bucket) of the hash table on x86_64. */
const BUCKET_SIZE = 16;
const PAGE_SIZE = 4096;
/** Largest eagerly allocated storage (array data, queue ring) the VM accepts. */
export const VM_MAP_MAX_BYTES = 256 * 1024 * 1024;

/** Round `n` up to a multiple of 8 (the kernel's per-element value stride). */
export function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function fail(def: MapDef, message: string, errno: number): never {
  throw new MapError(def, message, errno);
}

/** bpf_map_flags_access_ok: a program cannot be both read-only and write-only. */
function checkAccess(def: MapDef): void {
  if ((def.flags & BPF_F_RDONLY_PROG) !== 0 && (def.flags & BPF_F_WRONLY_PROG) !== 0) {
    fail(def, 'map_flags cannot have both BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG', EINVAL);
  }
}

function checkFlagMask(def: MapDef, mask: number): void {
  const extra = def.flags & ~mask;
  if (extra !== 0) fail(def, `map_flags 0x${(extra >>> 0).toString(16)} not allowed for this map type`, EINVAL);
}

function checkArray(def: MapDef, perCpu: boolean): void {
  checkFlagMask(def, ARRAY_CREATE_FLAG_MASK);
  if (def.maxEntries === 0) fail(def, 'max_entries must be > 0', EINVAL);
  if (def.keySize !== 4) fail(def, `key_size must be 4, got ${def.keySize}`, EINVAL);
  if (def.valueSize === 0) fail(def, 'value_size must be > 0', EINVAL);
  checkAccess(def);
  if (perCpu && (def.flags & BPF_F_NUMA_NODE) !== 0) fail(def, 'BPF_F_NUMA_NODE is not allowed for per-CPU maps', EINVAL);
  if (def.type !== BPF_MAP_TYPE_ARRAY && (def.flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)) !== 0) {
    fail(def, 'BPF_F_MMAPABLE and BPF_F_INNER_MAP are for BPF_MAP_TYPE_ARRAY only', EINVAL);
  }
  if (def.type !== BPF_MAP_TYPE_PERF_EVENT_ARRAY && (def.flags & BPF_F_PRESERVE_ELEMS) !== 0) {
    fail(def, 'BPF_F_PRESERVE_ELEMS is for BPF_MAP_TYPE_PERF_EVENT_ARRAY only', EINVAL);
  }
  if (def.valueSize > INT_MAX) fail(def, `value_size ${def.valueSize} too large`, E2BIG);
  if (perCpu && roundUp8(def.valueSize) > PCPU_MIN_UNIT_SIZE) {
    fail(def, `per-CPU value_size ${def.valueSize} exceeds ${PCPU_MIN_UNIT_SIZE}`, E2BIG);
  }
  // array_map_alloc rounds max_entries up to a power of two for its index mask.
  if (def.maxEntries > 2 ** 31) fail(def, `max_entries ${def.maxEntries} too large`, E2BIG);
}

/** fd_array_map_alloc_check: PROG_ARRAY and PERF_EVENT_ARRAY hold u32 fds. */
function checkFdArray(def: MapDef): void {
  if (def.valueSize !== 4) fail(def, `value_size must be 4, got ${def.valueSize}`, EINVAL);
  if ((def.flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !== 0) {
    fail(def, 'BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG are not allowed for fd arrays', EINVAL);
  }
  checkArray(def, false);
}

function checkHash(def: MapDef, perCpu: boolean, lru: boolean): void {
  const percpuLru = (def.flags & BPF_F_NO_COMMON_LRU) !== 0;
  const prealloc = (def.flags & BPF_F_NO_PREALLOC) === 0;
  checkFlagMask(def, HTAB_CREATE_FLAG_MASK);
  checkAccess(def);
  if (!lru && percpuLru) fail(def, 'BPF_F_NO_COMMON_LRU is for LRU maps only', EINVAL);
  if (lru && !prealloc) fail(def, 'LRU maps cannot have BPF_F_NO_PREALLOC', ENOTSUPP);
  if ((def.flags & BPF_F_NUMA_NODE) !== 0 && (perCpu || percpuLru)) {
    fail(def, 'BPF_F_NUMA_NODE is not allowed for per-CPU maps or per-CPU LRU lists', EINVAL);
  }
  if (def.maxEntries === 0) fail(def, 'max_entries must be > 0', EINVAL);
  if (def.keySize === 0) fail(def, 'key_size must be > 0', EINVAL);
  if (def.valueSize === 0) fail(def, 'value_size must be > 0', EINVAL);
  if (def.keySize + def.valueSize >= KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE) {
    fail(def, `key_size + value_size = ${def.keySize + def.valueSize} too large`, E2BIG);
  }
  if (perCpu && roundUp8(def.valueSize) > PCPU_MIN_UNIT_SIZE) {
    fail(def, `per-CPU value_size ${def.valueSize} exceeds ${PCPU_MIN_UNIT_SIZE}`, E2BIG);
  }
  // htab_map_alloc: a power-of-two bucket count whose array size must fit in a u32.
  let buckets = 1;
  while (buckets < def.maxEntries) buckets *= 2;
  if (buckets > Math.floor(0xffffffff / BUCKET_SIZE)) fail(def, `max_entries ${def.maxEntries} too large`, E2BIG);
}

function checkQueueStack(def: MapDef): void {
  checkFlagMask(def, QUEUE_STACK_CREATE_FLAG_MASK);
  if (def.maxEntries === 0) fail(def, 'max_entries must be > 0', EINVAL);
  if (def.keySize !== 0) fail(def, `key_size must be 0, got ${def.keySize}`, EINVAL);
  if (def.valueSize === 0) fail(def, 'value_size must be > 0', EINVAL);
  checkAccess(def);
  if (def.valueSize > KMALLOC_MAX_SIZE) fail(def, `value_size ${def.valueSize} too large`, E2BIG);
}

function checkRingbuf(def: MapDef): void {
  checkFlagMask(def, RINGBUF_CREATE_FLAG_MASK);
  if (def.keySize !== 0) fail(def, `key_size must be 0, got ${def.keySize}`, EINVAL);
  if (def.valueSize !== 0) fail(def, `value_size must be 0, got ${def.valueSize}`, EINVAL);
  const n = def.maxEntries;
  if (n === 0 || (n & (n - 1)) !== 0 || n % PAGE_SIZE !== 0) {
    fail(def, `max_entries must be a power of 2 and a multiple of the page size ${PAGE_SIZE}, got ${n}`, EINVAL);
  }
}

function checkU32(def: MapDef, field: 'keySize' | 'valueSize' | 'maxEntries' | 'flags'): void {
  const v = def[field];
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(def, `${field} must be a u32, got ${String(v)}`, EINVAL);
}

/**
 * Check a definition as BPF_MAP_CREATE does (map_create + the type's map_alloc_check) and
 * throw `MapError` with the kernel's errno when it would refuse it; also refuse types the
 * VM does not implement and eager storage beyond `VM_MAP_MAX_BYTES` (ENOMEM).
 * @example checkMapDef({ name: 'm', type: BPF_MAP_TYPE_ARRAY, keySize: 8, valueSize: 8, maxEntries: 1, flags: 0 }) // throws: key_size must be 4
 */
export function checkMapDef(def: MapDef, nCpus = 1): void {
  checkU32(def, 'keySize');
  checkU32(def, 'valueSize');
  checkU32(def, 'maxEntries');
  checkU32(def, 'flags');
  if ((def.flags & BPF_F_RDONLY) !== 0 && (def.flags & BPF_F_WRONLY) !== 0) {
    fail(def, 'map_flags cannot have both BPF_F_RDONLY and BPF_F_WRONLY', EINVAL);
  }
  switch (def.type) {
    case BPF_MAP_TYPE_ARRAY:
    case BPF_MAP_TYPE_PERCPU_ARRAY: {
      const perCpu = def.type === BPF_MAP_TYPE_PERCPU_ARRAY;
      checkArray(def, perCpu);
      const bytes = def.maxEntries * roundUp8(def.valueSize) * (perCpu ? nCpus : 1);
      if (bytes > VM_MAP_MAX_BYTES) fail(def, `${bytes} bytes of values exceed the VM's limit of ${VM_MAP_MAX_BYTES}`, ENOMEM);
      return;
    }
    case BPF_MAP_TYPE_PROG_ARRAY:
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
      checkFdArray(def);
      return;
    case BPF_MAP_TYPE_HASH:
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      checkHash(
        def,
        def.type === BPF_MAP_TYPE_PERCPU_HASH || def.type === BPF_MAP_TYPE_LRU_PERCPU_HASH,
        def.type === BPF_MAP_TYPE_LRU_HASH || def.type === BPF_MAP_TYPE_LRU_PERCPU_HASH,
      );
      return;
    case BPF_MAP_TYPE_QUEUE:
    case BPF_MAP_TYPE_STACK: {
      checkQueueStack(def);
      const bytes = (def.maxEntries + 1) * def.valueSize;
      if (bytes > VM_MAP_MAX_BYTES) fail(def, `${bytes} bytes of values exceed the VM's limit of ${VM_MAP_MAX_BYTES}`, ENOMEM);
      return;
    }
    case BPF_MAP_TYPE_RINGBUF:
      checkRingbuf(def);
      return;
    default:
      fail(def, 'map type is not supported by the VM', 0);
  }
}
