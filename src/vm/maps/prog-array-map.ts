import type { MapDef } from '../../isa/program.js';
import { E2BIG, EBADF, EINVAL, ENOENT, EPERM } from './errno.js';
import { BPF_ANY } from './flags.js';
import { MapBase, smallFlags } from './map-base.js';
import { nextIndexKey, readU32 } from './array-map.js';
import type { MapFlags, ProgArrayMap } from './types.js';

/**
 * PROG_ARRAY: max_entries slots, each empty or holding a program value `P` chosen by the VM.
 * Byte-level `update` is the syscall's fd form (value = u32 fd, resolved by `resolveFd`):
 * only BPF_ANY, index < max_entries (-E2BIG), a resolvable fd (-EBADF).
 */
export class ProgArrayMapImpl<P> extends MapBase implements ProgArrayMap<P> {
  readonly kind = 'prog_array' as const;
  private readonly slots: (P | undefined)[] = [];
  private count = 0;

  constructor(
    def: MapDef,
    nCpus: number,
    private readonly resolveFd: ((fd: number) => P | undefined) | undefined,
  ) {
    super(def, nCpus, false);
  }

  get size(): number {
    return this.count;
  }

  private index(key: Uint8Array): number {
    this.checkKey(key);
    return (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0;
  }

  getProg(index: number | bigint): P | undefined {
    const i = typeof index === 'bigint' ? BigInt.asUintN(64, index) : index;
    if (typeof i === 'number' ? !Number.isInteger(i) || i < 0 || i >= this.def.maxEntries : i >= BigInt(this.def.maxEntries)) {
      return undefined;
    }
    return this.slots[Number(i)];
  }

  setProg(index: number, prog: P): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.def.maxEntries) return -E2BIG;
    if (this.slots[index] === undefined) this.count++;
    this.slots[index] = prog;
    return 0;
  }

  deleteProg(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.def.maxEntries) return -E2BIG;
    if (this.slots[index] === undefined) return -ENOENT;
    this.slots[index] = undefined;
    this.count--;
    return 0;
  }

  override update(key: Uint8Array, value: Uint8Array, flags?: MapFlags): number {
    if (this.frozen) return -EPERM;
    this.checkValue(value);
    const index = this.index(key);
    if (smallFlags(flags) !== BPF_ANY) return -EINVAL;
    if (index >= this.def.maxEntries) return -E2BIG;
    const fd = readU32(value);
    const prog = this.resolveFd?.(fd);
    if (prog === undefined) return -EBADF;
    return this.setProg(index, prog);
  }

  override delete(key: Uint8Array): number {
    if (this.frozen) return -EPERM;
    return this.deleteProg(this.index(key));
  }

  override getNextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return nextIndexKey(key === undefined ? undefined : this.index(key), this.def.maxEntries);
  }

  override clear(): void {
    this.slots.length = 0;
    this.count = 0;
  }
}
