import type { MapDef } from '../../isa/program.js';

/**
 * The families of map the VM implements; per-CPU variants share a family and set `perCpu`.
 *
 * | kind               | BPF_MAP_TYPE_*                                |
 * |--------------------|-----------------------------------------------|
 * | `array`            | ARRAY, PERCPU_ARRAY                           |
 * | `hash`             | HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH  |
 * | `queue` / `stack`  | QUEUE, STACK                                  |
 * | `prog_array`       | PROG_ARRAY                                    |
 * | `perf_event_array` | PERF_EVENT_ARRAY                              |
 * | `ringbuf`          | RINGBUF                                       |
 */
export type MapKind = 'array' | 'hash' | 'queue' | 'stack' | 'prog_array' | 'perf_event_array' | 'ringbuf';

/** Flags as a program passes them (a 64-bit register) or as a host passes them. */
export type MapFlags = number | bigint;

/**
 * Result of `pop`/`peek`: `err` 0 with `value` (a copy), or a negative errno. When `value` is
 * defined, write it to the program's buffer: an empty QUEUE/STACK gives -ENOENT with zeros,
 * because the kernel clears the buffer; other maps give -EINVAL and no value.
 */
export interface ElemResult {
  readonly err: number;
  readonly value: Uint8Array | undefined;
}

/** Options of `createMap`. */
export interface CreateMapOptions<P = unknown> {
  /** Number of simulated CPUs (per-CPU maps hold one value per CPU; perf event arrays open one slot per CPU). Default 1. */
  readonly nCpus?: number;
  /** PROG_ARRAY: turns the u32 "fd" of a byte-level `update` into a program; undefined means a bad fd (-EBADF). */
  readonly resolveProgFd?: (fd: number) => P | undefined;
  /** PERF_EVENT_ARRAY: bytes of each slot's perf ring (data pages), default 8 pages = 32768. */
  readonly perfBufferSize?: number;
}

/**
 * The operations every map has. The program-side calls (`lookup`, `update`, `delete`,
 * `push`, `pop`, `peek`) behave as the kernel's map ops reached through the helpers
 * (bpf_map_lookup_elem and friends) and return what those helpers return: 0 or a negative
 * errno. A type that does not support an operation answers as the kernel's op would
 * (`lookup` undefined, the others -EINVAL, ringbuf -ENOTSUPP).
 *
 * Keys and values are little-endian byte strings of exactly `def.keySize` / `def.valueSize`
 * bytes; a wrong length from the host throws `MapError`. `update` copies the caller's
 * bytes; `lookup` never copies.
 */
export interface VmMap {
  readonly def: MapDef;
  readonly kind: MapKind;
  /** True for PERCPU_ARRAY, PERCPU_HASH and LRU_PERCPU_HASH. */
  readonly perCpu: boolean;
  /** Simulated CPUs (`options.nCpus`). */
  readonly nCpus: number;
  /** Current number of elements (ARRAY: always max_entries; ringbuf: records not yet drained). */
  readonly size: number;
  /**
   * The element's own storage for `key`, or undefined. Stable for the element's lifetime
   * (until it is deleted or evicted; updates write in place): the program reads and
   * writes through it like a kernel map value pointer. Per-CPU maps: the slot of `cpu`
   * (default 0). LRU maps: marks the element as recently used (a program-side lookup).
   */
  lookup(key: Uint8Array, cpu?: number): Uint8Array | undefined;
  /**
   * Copy `value` into the element for `key` with BPF_ANY / BPF_NOEXIST / BPF_EXIST
   * semantics (per-CPU: only the slot of `cpu`, a new element's other slots zeroed, as
   * the helper). Returns 0 or -ENOENT, -EEXIST, -E2BIG, -EINVAL.
   */
  update(key: Uint8Array, value: Uint8Array, flags?: MapFlags, cpu?: number): number;
  /** Remove `key`: 0 or -ENOENT (ARRAY: -EINVAL, as the kernel). */
  delete(key: Uint8Array): number;
  /** The key after `key` in iteration order (undefined or a missing key: the first); undefined at the end. A copy. */
  getNextKey(key: Uint8Array | undefined): Uint8Array | undefined;
  /** bpf_map_push_elem: QUEUE/STACK only; BPF_EXIST on a full map drops the oldest. 0, -E2BIG (full), -EINVAL. */
  push(value: Uint8Array, flags?: MapFlags): number;
  /** bpf_map_pop_elem: QUEUE front / STACK top, removed. -ENOENT (with a zeroed value) when empty. */
  pop(): ElemResult;
  /** bpf_map_peek_elem: as `pop` without removing. */
  peek(): ElemResult;
  /**
   * Host view, no LRU side effects: `[key copy, value storage]` in iteration order (per-CPU:
   * the slot of `cpu`). QUEUE/STACK: `[empty key, value copy]` in pop order. Other kinds: nothing.
   */
  entries(cpu?: number): IterableIterator<[Uint8Array, Uint8Array]>;
  /** Remove every element (ARRAY: zero every value, element 0 back to `def.initialValue`; ringbuf: drop records and reset positions). Frozen maps too. */
  clear(): void;
  /** Frozen by `freeze()` (or `def.frozen` at creation). */
  readonly frozen: boolean;
  /**
   * BPF_MAP_FREEZE: 0, or -EPERM when already frozen (a frozen map has lost write permission,
   * which map_freeze checks first, as measured on 6.18). From then on `update`, `delete`,
   * `updateAllCpus`, `push` and `pop` return -EPERM, as bpf(2) does for a frozen map. (The
   * kernel still lets a program write a frozen map that lacks BPF_F_RDONLY_PROG; the VM's
   * helpers go through the same methods, so they get -EPERM too.)
   */
  freeze(): number;
}

/** ARRAY and PERCPU_ARRAY: max_entries zero-initialised values indexed by a u32 key. */
export interface ArrayMap extends VmMap {
  readonly kind: 'array';
  /** Host view of one element: one copy per CPU (non-per-CPU maps: one). Undefined if out of range. */
  lookupAllCpus(key: Uint8Array): Uint8Array[] | undefined;
  /** Host update (BPF_MAP_UPDATE_ELEM): one value per CPU (non-per-CPU maps: one), each `valueSize` bytes. */
  updateAllCpus(key: Uint8Array, values: readonly Uint8Array[], flags?: MapFlags): number;
}

/** HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH. */
export interface HashMap extends VmMap {
  readonly kind: 'hash';
  /** LRU_HASH / LRU_PERCPU_HASH. */
  readonly lru: boolean;
  /** Whether `key` is present (no LRU side effect). */
  has(key: Uint8Array): boolean;
  /** Host view of one element (no LRU side effect): one copy per CPU (non-per-CPU maps: one). */
  lookupAllCpus(key: Uint8Array): Uint8Array[] | undefined;
  /** Host update (BPF_MAP_UPDATE_ELEM): one value per CPU (non-per-CPU maps: one). */
  updateAllCpus(key: Uint8Array, values: readonly Uint8Array[], flags?: MapFlags): number;
}

/** QUEUE (FIFO) and STACK (LIFO): key_size 0, use push/pop/peek. */
export interface QueueStackMap extends VmMap {
  readonly kind: 'queue' | 'stack';
}

/**
 * PROG_ARRAY: slots holding programs for bpf_tail_call. The VM stores whatever value it
 * uses for a program (`P`); the byte-level `update` takes a u32 "fd" and resolves it with
 * `options.resolveProgFd`. `lookup` returns undefined (programs cannot look it up).
 */
export interface ProgArrayMap<P = unknown> extends VmMap {
  readonly kind: 'prog_array';
  /** The tail-call target at `index`, or undefined (out of range or empty: the tail call falls through). */
  getProg(index: number | bigint): P | undefined;
  /** Put `prog` at `index`: 0, or -E2BIG when out of range. */
  setProg(index: number, prog: P): number;
  /** Empty slot `index`: 0, -E2BIG (out of range), -ENOENT (already empty). */
  deleteProg(index: number): number;
}

/** One drained slot of a perf event array. */
export interface PerfDrain {
  /** Raw sample payloads in output order (copies). */
  readonly records: Uint8Array[];
  /** Samples dropped since the last drain because the slot's ring was full. */
  readonly lost: number;
}

/**
 * PERF_EVENT_ARRAY: slot i is a perf event bound to CPU i (slots 0..min(nCpus, max_entries)-1
 * open at creation), each with a ring of `perfBufferSize` bytes that the host drains.
 * A sample takes 8 (perf_event_header) + round_up(4 + size, 8) bytes of its ring.
 */
export interface PerfEventArrayMap extends VmMap {
  readonly kind: 'perf_event_array';
  readonly perfBufferSize: number;
  /**
   * bpf_perf_event_output from `cpu`: `flags` low 32 bits are the index or BPF_F_CURRENT_CPU.
   * 0, -EINVAL (other flag bits), -E2BIG (index >= max_entries), -ENOENT (slot closed),
   * -EOPNOTSUPP (slot bound to another CPU), -ENOSPC (ring full: counted as lost).
   */
  output(flags: MapFlags, cpu: number, data: Uint8Array): number;
  /** Host: open slot `index` as an event on `cpu` (default `index`). 0 or -E2BIG. */
  openSlot(index: number, cpu?: number): number;
  /** Host: close slot `index` (delete of the fd). 0, -E2BIG or -ENOENT. */
  closeSlot(index: number): number;
  /** Host consumer: take every sample of slot `index` and its lost count, freeing the ring. */
  drain(index: number): PerfDrain;
}

/** A ring buffer reservation: write the payload into `data`, then submit or discard by `id`. */
export interface RingbufSample {
  /** Unique per reservation (the record's producer position). */
  readonly id: number;
  /** The record's payload storage, `size` bytes. */
  readonly data: Uint8Array;
}

/**
 * RINGBUF: the BPF ring buffer (max_entries = data size in bytes). Space is accounted
 * exactly as the kernel does: each record takes round_up(8 + size, 8) bytes and the
 * producer may run at most ring size - 1 bytes ahead of both the consumer and the oldest
 * uncommitted record. The consumer sees records in reservation order and stops at the
 * first one still reserved (busy), as libbpf's consumer does.
 */
export interface RingbufMap extends VmMap {
  readonly kind: 'ringbuf';
  /** Data area size (max_entries). */
  readonly ringSize: number;
  /** Wakeups the kernel would have signalled to a poller (submit/output rules of bpf_ringbuf_commit). */
  readonly wakeups: number;
  /** bpf_ringbuf_reserve: undefined when `flags` != 0, size is too large, or there is no room. */
  reserve(size: number | bigint, flags?: MapFlags): RingbufSample | undefined;
  /** bpf_ringbuf_submit: commit a reservation. 0, or -EINVAL when `id` is not a live reservation. */
  submit(id: number, flags?: MapFlags): number;
  /** bpf_ringbuf_discard: drop a reservation (the consumer skips it). 0 or -EINVAL. */
  discard(id: number, flags?: MapFlags): number;
  /** bpf_ringbuf_output: reserve + copy + submit. 0, -EINVAL (bad flags), -EAGAIN (no room). */
  output(data: Uint8Array, flags?: MapFlags): number;
  /** bpf_ringbuf_query: BPF_RB_AVAIL_DATA / RING_SIZE / CONS_POS / PROD_POS, 0 for other flags. */
  query(flags: MapFlags): bigint;
  /** Consumer: payloads (copies) of committed records in order, skipping discarded ones; advances the consumer position. */
  drain(max?: number): Uint8Array[];
}

/** Every concrete map `createMap` can return; narrow on `kind`. */
export type AnyVmMap<P = unknown> =
  | ArrayMap
  | HashMap
  | QueueStackMap
  | ProgArrayMap<P>
  | PerfEventArrayMap
  | RingbufMap;
