import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERCPU_ARRAY } from '../../../src/isa/map-types.js';
import { type ArrayMap, createMap, E2BIG, EEXIST, EINVAL } from '../../../src/vm/maps/index.js';
import { bytesOf, flagsU64, hex, readU32, u32le, updateFlags } from './bytes.js';

const VALUE = 12;
const MAX = 5;

/** Reference: the kernel's array rules, written from the uapi description. */
class ArrayModel {
  readonly values: Uint8Array[][];
  constructor(
    readonly perCpu: boolean,
    readonly nCpus: number,
  ) {
    this.values = Array.from({ length: perCpu ? nCpus : 1 }, () => Array.from({ length: MAX }, () => new Uint8Array(VALUE)));
  }
  /** Program-side update (array_map_update_elem); `host` = BPF_MAP_UPDATE_ELEM on a per-CPU array. */
  updateCode(index: number, flags: bigint, host: boolean): number {
    const lockOk = !(host && this.perCpu);
    const rest = lockOk ? flags & ~4n : flags;
    if (rest > 2n) return -EINVAL;
    if (index >= MAX) return -E2BIG;
    if (flags & 1n) return -EEXIST;
    if (flags & 4n) return -EINVAL; // no spin lock in the value
    return 0;
  }
}

type Op =
  | { op: 'lookup'; index: number; cpu: number }
  | { op: 'update'; index: number; value: Uint8Array; flags: number | bigint; cpu: number }
  | { op: 'updateAll'; index: number; values: Uint8Array[]; flags: number | bigint }
  | { op: 'write'; index: number; cpu: number; at: number; byte: number }
  | { op: 'delete'; index: number }
  | { op: 'next'; index: number | undefined }
  | { op: 'clear' };

function ops(nCpus: number): fc.Arbitrary<Op[]> {
  const index = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: MAX + 1 }) }, { weight: 1, arbitrary: fc.constantFrom(0xffffffff, 0x80000000, 256) });
  const cpu = fc.integer({ min: 0, max: nCpus - 1 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('lookup' as const), index, cpu }),
    fc.record({ op: fc.constant('update' as const), index, value: bytesOf(VALUE), flags: updateFlags, cpu }),
    fc.record({ op: fc.constant('updateAll' as const), index, values: fc.array(bytesOf(VALUE), { minLength: nCpus, maxLength: nCpus }), flags: updateFlags }),
    fc.record({ op: fc.constant('write' as const), index: fc.integer({ min: 0, max: MAX - 1 }), cpu, at: fc.integer({ min: 0, max: VALUE - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant('delete' as const), index }),
    fc.record({ op: fc.constant('next' as const), index: fc.option(index, { nil: undefined }) }),
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  );
  return fc.array(op, { maxLength: 60, size: 'max' });
}

function run(perCpu: boolean, nCpus: number, list: Op[]): void {
  const map = createMap({ name: 'arr', type: perCpu ? BPF_MAP_TYPE_PERCPU_ARRAY : BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: VALUE, maxEntries: MAX, flags: 0 }, { nCpus });
  expect(map.kind).toBe('array');
  const m = map as ArrayMap;
  const model = new ArrayModel(perCpu, nCpus);
  const slot = (i: number, c: number): Uint8Array => model.values[perCpu ? c : 0]![i]!;
  for (const o of list) {
    switch (o.op) {
      case 'lookup': {
        const v = m.lookup(u32le(o.index), o.cpu);
        if (o.index >= MAX) expect(v).toBeUndefined();
        else {
          expect(hex(v!)).toBe(hex(slot(o.index, o.cpu)));
          expect(m.lookup(u32le(o.index), o.cpu)).toBe(v); // the same storage, never a copy
        }
        break;
      }
      case 'update': {
        const want = model.updateCode(o.index, flagsU64(o.flags), false);
        expect(m.update(u32le(o.index), o.value, o.flags, o.cpu)).toBe(want);
        if (want === 0) slot(o.index, o.cpu).set(o.value);
        o.value.fill(0xee); // the map copied the caller's bytes
        break;
      }
      case 'updateAll': {
        const want = model.updateCode(o.index, flagsU64(o.flags), true);
        const values = perCpu ? o.values : o.values.slice(0, 1);
        expect(m.updateAllCpus(u32le(o.index), values, o.flags)).toBe(want);
        if (want === 0) values.forEach((v, c) => slot(o.index, c).set(v));
        break;
      }
      case 'write': {
        // A program writes through the pointer lookup gave it.
        m.lookup(u32le(o.index), o.cpu)![o.at] = o.byte;
        slot(o.index, o.cpu)[o.at] = o.byte;
        break;
      }
      case 'delete':
        expect(m.delete(u32le(o.index))).toBe(-EINVAL);
        break;
      case 'next': {
        const next = m.getNextKey(o.index === undefined ? undefined : u32le(o.index));
        const start = o.index === undefined || o.index >= MAX ? 0 : o.index + 1;
        if (o.index !== undefined && o.index === MAX - 1) expect(next).toBeUndefined();
        else expect(readU32(next!)).toBe(start);
        break;
      }
      case 'clear':
        m.clear();
        model.values.forEach((cpu) => cpu.forEach((v) => v.fill(0)));
        break;
    }
  }
  // Host view and iteration agree with the model.
  for (let i = 0; i < MAX; i++) {
    const all = m.lookupAllCpus(u32le(i))!;
    expect(all.map(hex)).toEqual(model.values.map((cpu) => hex(cpu[i]!)));
  }
  const seen: number[] = [];
  for (let k = m.getNextKey(undefined); k; k = m.getNextKey(k)) seen.push(readU32(k));
  expect(seen).toEqual([...Array(MAX).keys()]);
  expect([...m.entries(nCpus - 1)].map(([k, v]) => [readU32(k), hex(v)])).toEqual(
    [...Array(MAX).keys()].map((i) => [i, hex(slot(i, nCpus - 1))]),
  );
}

describe('ARRAY / PERCPU_ARRAY against a model', () => {
  it('array: return codes, contents, pointers, iteration', () => {
    fc.assert(fc.property(ops(1), (list) => run(false, 1, list)), { numRuns: 300 });
  });
  it('percpu_array with 3 CPUs', () => {
    fc.assert(fc.property(ops(3), (list) => run(true, 3, list)), { numRuns: 300 });
  });
  it('values are zero at creation and per-CPU slots are independent', () => {
    const m = createMap({ name: 'pc', type: BPF_MAP_TYPE_PERCPU_ARRAY, keySize: 4, valueSize: 3, maxEntries: 2, flags: 0 }, { nCpus: 2 });
    expect(m.lookup(u32le(1), 1)).toEqual(new Uint8Array(3));
    expect(m.update(u32le(1), new Uint8Array([1, 2, 3]), 0, 1)).toBe(0);
    expect(m.lookup(u32le(1), 0)).toEqual(new Uint8Array(3));
    expect(m.lookup(u32le(1), 1)).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => m.lookup(u32le(1), 2)).toThrow('cpu 2 out of range');
    expect(() => m.lookup(new Uint8Array(8))).toThrow('key of 8 bytes, expected key_size 4');
  });
});
