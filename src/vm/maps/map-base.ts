import type { MapDef } from '../../isa/program.js';
import { EINVAL, EPERM } from './errno.js';
import { MapError } from './map-error.js';
import type { ElemResult, MapFlags, MapKind, VmMap } from './types.js';

/**
 * A key as a Map key: a number for keys up to 6 bytes, else a string of 16-bit code units
 * (two key bytes each, a last odd byte alone). Equal bytes give equal codes for one key size.
 */
export type KeyCode = number | string;

/** Encode key bytes as a `KeyCode`. */
export function keyCode(key: Uint8Array): KeyCode {
  const n = key.length;
  if (n <= 6) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + key[i]!;
    return v;
  }
  if (n === 8) {
    return String.fromCharCode(key[0]! | (key[1]! << 8), key[2]! | (key[3]! << 8), key[4]! | (key[5]! << 8), key[6]! | (key[7]! << 8));
  }
  let s = '';
  let i = 0;
  for (; i + 1 < n; i += 2) s += String.fromCharCode(key[i]! | (key[i + 1]! << 8));
  if (i < n) s += String.fromCharCode(key[i]!);
  return s;
}

/**
 * Update flags reduced to a small number: the u64 value when it is 0..7, else 8 (any larger
 * u64 fails every kernel flag check the same way: some bit above BPF_F_LOCK is set).
 */
export function smallFlags(flags: MapFlags | undefined): number {
  if (flags === undefined) return 0;
  if (typeof flags === 'bigint') return flags >= 0n && flags <= 7n ? Number(flags) : 8;
  return Number.isInteger(flags) && flags >= 0 && flags <= 7 ? flags : 8;
}

/** Flags as an unsigned 64-bit bigint. */
export function u64Flags(flags: MapFlags | undefined): bigint {
  if (flags === undefined) return 0n;
  if (typeof flags === 'bigint') return BigInt.asUintN(64, flags);
  if (!Number.isInteger(flags)) return 2n ** 64n - 1n;
  return BigInt.asUintN(64, BigInt(flags));
}

const noValue: ElemResult = { err: -EINVAL, value: undefined };

/** Shared behaviour: size checks, and the kernel's answers for operations a type lacks. */
export abstract class MapBase implements VmMap {
  abstract readonly kind: MapKind;
  abstract readonly size: number;
  readonly perCpu: boolean;
  private frozenState = false;

  constructor(
    readonly def: MapDef,
    readonly nCpus: number,
    perCpu: boolean,
  ) {
    this.perCpu = perCpu;
  }

  get frozen(): boolean {
    return this.frozenState;
  }

  /** BPF_MAP_FREEZE: 0, or -EPERM when already frozen (the kernel's answer). Writes then return -EPERM. */
  freeze(): number {
    if (this.frozenState) return -EPERM;
    this.frozenState = true;
    return 0;
  }

  /** Throw unless `key` has key_size bytes (host misuse). */
  protected checkKey(key: Uint8Array): void {
    if (key.length !== this.def.keySize) {
      throw new MapError(this.def, `key of ${key.length} bytes, expected key_size ${this.def.keySize}`);
    }
  }

  /** Throw unless `value` has value_size bytes (host misuse). */
  protected checkValue(value: Uint8Array): void {
    if (value.length !== this.def.valueSize) {
      throw new MapError(this.def, `value of ${value.length} bytes, expected value_size ${this.def.valueSize}`);
    }
  }

  /** Throw unless `cpu` is a simulated CPU. */
  protected checkCpu(cpu: number): void {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.nCpus) {
      throw new MapError(this.def, `cpu ${cpu} out of range 0..${this.nCpus - 1}`);
    }
  }

  lookup(_key: Uint8Array, _cpu?: number): Uint8Array | undefined {
    return undefined;
  }

  update(_key: Uint8Array, _value: Uint8Array, _flags?: MapFlags, _cpu?: number): number {
    return -EINVAL;
  }

  delete(_key: Uint8Array): number {
    return -EINVAL;
  }

  getNextKey(_key: Uint8Array | undefined): Uint8Array | undefined {
    return undefined;
  }

  push(_value: Uint8Array, _flags?: MapFlags): number {
    return -EINVAL;
  }

  pop(): ElemResult {
    return noValue;
  }

  peek(): ElemResult {
    return noValue;
  }

  *entries(_cpu?: number): IterableIterator<[Uint8Array, Uint8Array]> {
    // Nothing to iterate for this kind.
  }

  abstract clear(): void;
}
