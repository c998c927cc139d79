/**
 * Global data in the VM: maps with an initial value (`.data`), frozen BPF_F_RDONLY_PROG
 * maps (`.rodata`) that programs read but cannot write, and BPF_MAP_FREEZE's -EPERM for
 * later updates. The kernel's side of the same programs is test/loader/global-data.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/asm/assemble.js';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, type MapDef } from '../../../src/isa/index.js';
import { Vm, VmFault } from '../../../src/vm/index.js';
import { BPF_F_RDONLY_PROG, createMap, EINVAL, EPERM, MapError, progReadOnlyValues } from '../../../src/vm/maps/index.js';
import { u32le } from './bytes.js';

const ENGINES = ['interpreter', 'compiled'] as const;
const rodata = (bytes: number[]): MapDef => ({
  name: 'rodata', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: bytes.length, maxEntries: 1,
  flags: BPF_F_RDONLY_PROG, initialValue: Uint8Array.from(bytes), frozen: true,
});

function fault(source: string, engine: (typeof ENGINES)[number]): VmFault {
  try {
    new Vm(assemble(source), { engine }).run();
  } catch (e) {
    if (e instanceof VmFault) return e;
    throw e;
  }
  throw new Error('no fault');
}

describe('createMap with initialValue and frozen', () => {
  it('element 0 starts as the initial value; the rest of the map is zero', () => {
    const m = createMap({ name: 'd', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 3, maxEntries: 2, flags: 0, initialValue: new Uint8Array([1, 2, 3]) });
    expect([...m.lookup(u32le(0))!]).toEqual([1, 2, 3]);
    expect([...m.lookup(u32le(1))!]).toEqual([0, 0, 0]);
    expect(m.frozen).toBe(false);
    expect(m.update(u32le(0), new Uint8Array([9, 9, 9]))).toBe(0);
  });

  it('clear() puts the initial value back (the host resets a map to its state at creation)', () => {
    const m = createMap({ name: 'd', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 2, maxEntries: 2, flags: 0, initialValue: new Uint8Array([4, 5]) });
    m.update(u32le(0), new Uint8Array([0, 0]));
    m.update(u32le(1), new Uint8Array([6, 6]));
    m.clear();
    expect([...m.entries()].map(([, v]) => [...v])).toEqual([[4, 5], [0, 0]]);
  });

  it('the map keeps its own copy of the initial value', () => {
    const init = new Uint8Array([7]);
    const m = createMap({ ...rodata([7]), initialValue: init });
    init[0] = 8;
    expect(m.lookup(u32le(0))![0]).toBe(7);
  });

  it('frozen: update, delete and updateAllCpus give -EPERM (bpf(2) after BPF_MAP_FREEZE); a second freeze -EPERM (as the kernel)', () => {
    const m = createMap(rodata([1, 2]));
    expect(m.frozen).toBe(true);
    expect(m.update(u32le(0), new Uint8Array([0, 0]))).toBe(-EPERM);
    expect(m.delete(u32le(0))).toBe(-EPERM);
    if (m.kind !== 'array') throw new Error('not an array');
    expect(m.updateAllCpus(u32le(0), [new Uint8Array(2)])).toBe(-EPERM);
    expect(m.freeze()).toBe(-EPERM);
    expect([...m.lookup(u32le(0))!]).toEqual([1, 2]);
  });

  it('freeze() works on any map type; an unfrozen array still answers -EINVAL to delete', () => {
    const h = createMap({ name: 'h', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 });
    expect(h.update(u32le(1), u32le(1))).toBe(0);
    expect(h.freeze()).toBe(0);
    expect(h.update(u32le(2), u32le(2))).toBe(-EPERM);
    expect(h.delete(u32le(1))).toBe(-EPERM);
    expect(createMap({ ...rodata([1]), frozen: false }).delete(u32le(0))).toBe(-EINVAL);
  });

  it('initialValue is for ARRAY maps, exactly value_size bytes', () => {
    expect(() => createMap({ ...rodata([1, 2]), initialValue: new Uint8Array(3) })).toThrow(MapError);
    expect(() => createMap({ ...rodata([1, 2]), initialValue: new Uint8Array(3) })).toThrow(/initial value of 3 bytes, expected value_size 2/);
    expect(() => createMap({ name: 'h', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 1, maxEntries: 1, flags: 0, initialValue: new Uint8Array(1) })).toThrow(/ARRAY maps only/);
  });

  it('progReadOnlyValues lists the storage of BPF_F_RDONLY_PROG arrays only', () => {
    expect(progReadOnlyValues(createMap(rodata([1])))).toHaveLength(1);
    expect(progReadOnlyValues(createMap({ ...rodata([1]), flags: 0 }))).toHaveLength(0);
  });
});

describe.each(ENGINES)('global data in programs (%s)', (engine) => {
  it('a program reads .rodata and counts in .data across runs', () => {
    const vm = new Vm(assemble(`
      .rodata fmt, "pid %d\\n", u32 0x01020304
      .data cnt, u64 5
      r1 = map_value[fmt] + 8 ll
      r0 = *(u32 *)(r1 + 0)
      r2 = map_value[cnt] ll
      r3 = *(u64 *)(r2 + 0)
      r3 += 1
      *(u64 *)(r2 + 0) = r3
      r0 += r3
      exit`), { engine });
    expect(vm.run().r0).toBe(0x01020304n + 6n);
    expect(vm.run().r0).toBe(0x01020304n + 7n);
    expect([...vm.maps.get('cnt')!.lookup(u32le(0))!]).toEqual([7, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('a store into .rodata through map_value faults, naming the read-only region', () => {
    const f = fault('.rodata fmt, "pid"\nr1 = map_value[fmt] + 1 ll\n*(u8 *)(r1 + 0) = 1\nr0 = 0\nexit', engine);
    expect(f.message).toBe('pc 2 (*(u8 *)(r1 + 0) = 0x1): write of 1 bytes at map_value(fmt)+1: map_value(fmt) is read-only');
    expect(f.kind).toBe('memory');
  });

  it('a store through bpf_map_lookup_elem\'s pointer into .rodata faults too', () => {
    const f = fault(`
      .rodata ro, u64 3
      r1 = 0
      *(u32 *)(r10 - 4) = r1
      r2 = r10
      r2 += -4
      r1 = map[ro] ll
      call bpf_map_lookup_elem
      if r0 == 0 goto out
      *(u64 *)(r0 + 0) = 1
    out:
      r0 = 0
      exit`, engine);
    expect(f.message).toMatch(/write of 8 bytes at map_value\(ro\)\+0: map_value\(ro\) is read-only/);
  });

  it('a BPF_F_RDONLY_PROG map that is not frozen: the host may update it between runs, the program sees it', () => {
    const vm = new Vm(assemble('.map ro, array, key=4, value=8, entries=1, flags=128\nr1 = map_value[ro] ll\nr0 = *(u64 *)(r1 + 0)\nexit'), { engine });
    expect(vm.run().r0).toBe(0n);
    expect(vm.maps.get('ro')!.update(u32le(0), new Uint8Array([5, 0, 0, 0, 0, 0, 0, 1]))).toBe(0);
    expect(vm.run().r0).toBe(0x0100000000000005n);
  });

  it('bpf_map_update_elem on .rodata returns -EPERM at run time (the kernel refuses the program: write into map forbidden)', () => {
    const p = assemble(`
      .rodata ro, u64 1
      r1 = 0
      *(u32 *)(r10 - 4) = r1
      *(u64 *)(r10 - 16) = r1
      r1 = map[ro] ll
      r2 = r10
      r2 += -4
      r3 = r10
      r3 += -16
      r4 = 0
      call bpf_map_update_elem
      exit`);
    expect(new Vm(p, { engine }).run().r0).toBe(BigInt.asUintN(64, BigInt(-EPERM)));
  });

  it('reads at every offset give the initial bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (init, k) => {
      const off = k % init.length;
      const p = assemble(`.rodata d, ${[...init].join(', ')}\nr1 = map_value[d] + ${off} ll\nr0 = *(u8 *)(r1 + 0)\nexit`);
      expect(new Vm(p, { engine }).run().r0).toBe(BigInt(init[off]!));
    }), { numRuns: engine === 'compiled' ? 30 : 100 });
  });
});
