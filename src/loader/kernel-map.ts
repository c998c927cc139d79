import type { MapDef } from '../isa/program.js';
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE,
  BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_PERF_EVENT_ARRAY, mapTypeName,
} from '../isa/map-types.js';
import {
  BPF_ANY, BPF_MAP_CREATE, BPF_MAP_DELETE_ELEM, BPF_MAP_FREEZE, BPF_MAP_GET_NEXT_KEY,
  BPF_MAP_LOOKUP_AND_DELETE_ELEM, BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM,
  BPF_MAP_DELETE_BATCH, BPF_MAP_UPDATE_BATCH, BPF_OBJ_NAME_LEN,
} from './bpf-cmd.js';
import { BpfAttr, bpf, bpfRaw, bpfCmdName } from './bpf-syscall.js';
import { pinObject } from './bpffs.js';
import { possibleCpuCount } from './cpus.js';
import { type MapInfo, mapInfo } from './prog-info.js';
import { KernelError } from './kernel-error.js';
import { closeFd } from './native.js';

const ENOENT = 2;

/** Options of `createKernelMap` beyond the `MapDef`. */
export interface KernelMapOptions {
  /** Inner map fd for map-in-map types. */
  readonly innerMapFd?: number;
  /** `map_extra` (bloom filter hash count, arena address). */
  readonly mapExtra?: bigint;
}

/** Keep the characters the kernel accepts in object names, at most 15 of them. */
export function kernelObjectName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, BPF_OBJ_NAME_LEN - 1);
}

function isPerCpu(type: number): boolean {
  return type === BPF_MAP_TYPE_PERCPU_HASH || type === BPF_MAP_TYPE_PERCPU_ARRAY
    || type === BPF_MAP_TYPE_LRU_PERCPU_HASH || type === BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/**
 * A kernel map: an fd plus typed access. Keys and values are raw bytes in the kernel's layout;
 * per-CPU maps read and write `possibleCpuCount()` values, each padded to 8 bytes.
 */
export class KernelMap implements Disposable {
  readonly def: MapDef;
  /** Bytes of one value as the syscalls see it (per-CPU: all CPUs' slots). */
  readonly valueBytes: number;
  private fdValue: number;

  /** Wrap an fd the caller hands over (it is closed by `close()`). */
  constructor(fd: number, def: MapDef) {
    this.fdValue = fd;
    this.def = def;
    this.valueBytes = isPerCpu(def.type) ? Math.ceil(def.valueSize / 8) * 8 * possibleCpuCount() : def.valueSize;
  }

  /** The map fd; throws once closed. */
  get fd(): number {
    if (this.fdValue < 0) throw new Error(`map '${this.def.name}' is closed`);
    return this.fdValue;
  }

  get closed(): boolean {
    return this.fdValue < 0;
  }

  private checkKey(key: Uint8Array | undefined, what: string): void {
    const n = key?.byteLength ?? 0;
    if (n !== this.def.keySize) throw new RangeError(`map '${this.def.name}': ${what} is ${n} bytes, the map's key_size is ${this.def.keySize}`);
  }

  private elemCall(cmd: number, key: Uint8Array | undefined, value: Uint8Array | undefined, flags: number): { ret: number; errno: number } {
    const attr = new BpfAttr().u32(0, this.fd).ptr(8, key).ptr(16, value).u64(24, BigInt(flags));
    return bpfRaw(cmd, attr);
  }

  private fail(cmd: number, errno: number): never {
    throw new KernelError(`bpf(${bpfCmdName(cmd)})`, errno, `on map '${this.def.name}'`);
  }

  /** The value at `key`, or undefined when absent (queue/stack: peek with an empty key). */
  lookup(key: Uint8Array = new Uint8Array(0)): Uint8Array | undefined {
    this.checkKey(key, 'key');
    const value = new Uint8Array(this.valueBytes);
    const { ret, errno } = this.elemCall(BPF_MAP_LOOKUP_ELEM, key, value, 0);
    if (ret < 0) {
      if (errno === ENOENT) return undefined;
      this.fail(BPF_MAP_LOOKUP_ELEM, errno);
    }
    return value;
  }

  /** Look up and delete (queue/stack: pop). Undefined when absent or empty. */
  lookupAndDelete(key: Uint8Array = new Uint8Array(0)): Uint8Array | undefined {
    this.checkKey(key, 'key');
    const value = new Uint8Array(this.valueBytes);
    const { ret, errno } = this.elemCall(BPF_MAP_LOOKUP_AND_DELETE_ELEM, key, value, 0);
    if (ret < 0) {
      if (errno === ENOENT) return undefined;
      this.fail(BPF_MAP_LOOKUP_AND_DELETE_ELEM, errno);
    }
    return value;
  }

  /** Set `key` to `value` (`flags`: BPF_ANY, BPF_NOEXIST, BPF_EXIST). Queue/stack: push with an empty key. */
  update(key: Uint8Array, value: Uint8Array, flags = BPF_ANY): void {
    this.checkKey(key, 'key');
    if (value.byteLength !== this.valueBytes) {
      throw new RangeError(`map '${this.def.name}': value is ${value.byteLength} bytes, expected ${this.valueBytes}`);
    }
    const { ret, errno } = this.elemCall(BPF_MAP_UPDATE_ELEM, key, value, flags);
    if (ret < 0) this.fail(BPF_MAP_UPDATE_ELEM, errno);
  }

  /** Delete `key`; false when it was absent. */
  delete(key: Uint8Array): boolean {
    this.checkKey(key, 'key');
    const { ret, errno } = this.elemCall(BPF_MAP_DELETE_ELEM, key, undefined, 0);
    if (ret < 0) {
      if (errno === ENOENT) return false;
      this.fail(BPF_MAP_DELETE_ELEM, errno);
    }
    return true;
  }

  /** The key after `key` (the first key when `key` is undefined), or undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    if (key) this.checkKey(key, 'key');
    const next = new Uint8Array(this.def.keySize);
    const { ret, errno } = this.elemCall(BPF_MAP_GET_NEXT_KEY, key, next, 0);
    if (ret < 0) {
      if (errno === ENOENT) return undefined;
      this.fail(BPF_MAP_GET_NEXT_KEY, errno);
    }
    return next;
  }

  /** Every key, by BPF_MAP_GET_NEXT_KEY. */
  *keys(): Generator<Uint8Array> {
    let k = this.nextKey();
    while (k) {
      yield k;
      k = this.nextKey(k);
    }
  }

  /** Every `[key, value]` pair, by get_next_key + lookup (entries deleted meanwhile are skipped). */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    for (const k of this.keys()) {
      const v = this.lookup(k);
      if (v) yield [k, v];
    }
  }

  /**
   * Every `[key, value]` pair by BPF_MAP_LOOKUP_BATCH, `batchSize` entries per call.
   * Throws `KernelError` (EINVAL/ENOTSUPP) for map types without batch support.
   */
  *lookupBatch(batchSize = 64): Generator<[Uint8Array, Uint8Array]> {
    const ks = this.def.keySize;
    const vs = this.valueBytes;
    const keys = new Uint8Array(ks * batchSize);
    const values = new Uint8Array(vs * batchSize);
    const tokenSize = Math.max(ks, 8);
    let inBatch: Uint8Array | undefined;
    let outBatch = new Uint8Array(tokenSize);
    for (;;) {
      const attr = new BpfAttr().ptr(0, inBatch).ptr(8, outBatch).ptr(16, keys).ptr(24, values)
        .u32(32, batchSize).u32(36, this.fd);
      const { ret, errno } = bpfRaw(BPF_MAP_LOOKUP_BATCH, attr);
      if (ret < 0 && errno !== ENOENT) this.fail(BPF_MAP_LOOKUP_BATCH, errno);
      const count = attr.readU32(32);
      for (let i = 0; i < count; i++) {
        yield [keys.slice(i * ks, (i + 1) * ks), values.slice(i * vs, (i + 1) * vs)];
      }
      if (ret < 0) return;
      inBatch = outBatch;
      outBatch = new Uint8Array(tokenSize);
    }
  }

  /** BPF_MAP_UPDATE_BATCH: set every `[key, value]` in one call (`elemFlags`: BPF_ANY, ...). */
  updateBatch(entries: readonly (readonly [Uint8Array, Uint8Array])[], elemFlags = BPF_ANY): void {
    if (entries.length === 0) return;
    const ks = this.def.keySize;
    const vs = this.valueBytes;
    const keys = new Uint8Array(ks * entries.length);
    const values = new Uint8Array(vs * entries.length);
    entries.forEach(([k, v], i) => {
      this.checkKey(k, `key ${i}`);
      if (v.byteLength !== vs) throw new RangeError(`map '${this.def.name}': value ${i} is ${v.byteLength} bytes, expected ${vs}`);
      keys.set(k, i * ks);
      values.set(v, i * vs);
    });
    const attr = new BpfAttr().ptr(16, keys).ptr(24, values).u32(32, entries.length).u32(36, this.fd).u64(40, BigInt(elemFlags));
    const { ret, errno } = bpfRaw(BPF_MAP_UPDATE_BATCH, attr);
    if (ret < 0) this.fail(BPF_MAP_UPDATE_BATCH, errno);
  }

  /** BPF_MAP_DELETE_BATCH: delete every key in one call (all must exist: ENOENT otherwise). */
  deleteBatch(keys: readonly Uint8Array[]): void {
    if (keys.length === 0) return;
    const ks = this.def.keySize;
    const buf = new Uint8Array(ks * keys.length);
    keys.forEach((k, i) => {
      this.checkKey(k, `key ${i}`);
      buf.set(k, i * ks);
    });
    const attr = new BpfAttr().ptr(16, buf).u32(32, keys.length).u32(36, this.fd);
    const { ret, errno } = bpfRaw(BPF_MAP_DELETE_BATCH, attr);
    if (ret < 0) this.fail(BPF_MAP_DELETE_BATCH, errno);
  }

  /** BPF_MAP_FREEZE: the map becomes read-only for user space. */
  freeze(): void {
    bpf(BPF_MAP_FREEZE, new BpfAttr().u32(0, this.fd), `on map '${this.def.name}'`);
  }

  /** Pin in bpffs (mounting it if absent). */
  pin(path: string): void {
    pinObject(this.fd, path);
  }

  /** Map info from the kernel (id, name, sizes). */
  info(): MapInfo {
    return mapInfo(this.fd);
  }

  /** Close the fd (idempotent). */
  close(): void {
    if (this.fdValue >= 0) {
      closeFd(this.fdValue);
      this.fdValue = -1;
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * BPF_MAP_CREATE from a map definition; then, for global data as libbpf does it, the
 * definition's `initialValue` written to element 0 (BPF_MAP_UPDATE_ELEM) and, when
 * `frozen`, BPF_MAP_FREEZE (the map is closed again if either fails).
 * @example using m = createKernelMap({ name: 'counts', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 })
 */
export function createKernelMap(def: MapDef, options: KernelMapOptions = {}): KernelMap {
  if (def.initialValue !== undefined) {
    if (def.type !== BPF_MAP_TYPE_ARRAY) throw new RangeError(`map '${def.name}': an initial value is for BPF_MAP_TYPE_ARRAY maps only, not ${mapTypeName(def.type)}`);
    if (def.initialValue.byteLength !== def.valueSize) {
      throw new RangeError(`map '${def.name}': initial value of ${def.initialValue.byteLength} bytes, the map's value_size is ${def.valueSize}`);
    }
  }
  let maxEntries = def.maxEntries;
  if (def.type === BPF_MAP_TYPE_PERF_EVENT_ARRAY && maxEntries === 0) maxEntries = possibleCpuCount();
  const attr = new BpfAttr()
    .u32(0, def.type).u32(4, def.keySize).u32(8, def.valueSize).u32(12, maxEntries).u32(16, def.flags)
    .u32(20, options.innerMapFd ?? 0)
    .chars(28, BPF_OBJ_NAME_LEN, kernelObjectName(def.name))
    .u64(64, options.mapExtra ?? 0n);
  const fd = bpf(BPF_MAP_CREATE, attr,
    `of map '${def.name}' (${mapTypeName(def.type)}, key ${def.keySize}, value ${def.valueSize}, max_entries ${maxEntries})`);
  const map = new KernelMap(fd, maxEntries === def.maxEntries ? def : { ...def, maxEntries });
  try {
    if (def.initialValue !== undefined) map.update(new Uint8Array(4), def.initialValue);
    if (def.frozen === true) map.freeze();
  } catch (e) {
    map.close();
    throw e;
  }
  return map;
}
