import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_PROG_TYPE_SOCKET_FILTER, FP, R0, R1, R2,
  add64, atomic, call, exit, jeq, ldMapFd, ldMapValue, ldxdw, ldxw, mov64, stw, type Program,
} from '../../src/isa/index.js';
import { createKernelMap, loadProgram, mapReferences, relocateMaps } from '../../src/loader/index.js';
import { kernelAvailable, readU64, u32, u64 } from './support.js';

const canBpf = kernelAvailable('loader relocation tests');
const packet = new Uint8Array(64);

/** counts[0] += 1 via bpf_map_lookup_elem + atomic add; returns 0. */
const counter: Program = {
  insns: [
    stw(FP, -4, 0), ldMapFd(R1, 'counts'), mov64(R2, FP), add64(R2, -4), call(1),
    jeq(R0, 0, 2), mov64(R1, 1), atomic(8, 'add', R0, 0, R1),
    mov64(R0, 0), exit(),
  ],
  maps: [{ name: 'counts', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }],
  symbols: [],
  progType: BPF_PROG_TYPE_SOCKET_FILTER,
};

describe('relocateMaps', () => {
  it('puts the fd in the low 32 bits and keeps the value offset in the high 32 bits', () => {
    fc.assert(fc.property(fc.nat(0x7fffffff), fc.nat(0xffff), (fd, off) => {
      const p: Program = {
        insns: [ldMapValue(R1, 'b', off, 1), ldMapFd(R2, 'a'), exit()],
        maps: [
          { name: 'a', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
          { name: 'b', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
        ],
        symbols: [],
      };
      expect(mapReferences(p)).toEqual([{ insn: 0, name: 'b' }, { insn: 1, name: 'a' }]);
      const out = relocateMaps(p, (name) => (name === 'b' ? fd : fd + 1));
      expect(out[0]).toEqual({ kind: 'lddw', dst: 1, src: 2, imm: (BigInt(off) << 32n) | BigInt(fd) });
      expect(out[1]).toEqual({ kind: 'lddw', dst: 2, src: 1, imm: BigInt(fd + 1) });
    }));
  });

  it('resolves an lddw without a name by its index in program.maps', () => {
    const p: Program = {
      insns: [{ kind: 'lddw', dst: 1, src: 1, imm: 1n }, exit()],
      maps: [
        { name: 'x', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
        { name: 'y', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
      ],
      symbols: [],
    };
    expect(mapReferences(p)).toEqual([{ insn: 0, name: 'y' }]);
    expect(() => mapReferences({ ...p, insns: [{ kind: 'lddw', dst: 1, src: 1, imm: 5n }] })).toThrow(/insn 0: lddw refers to map index 5/);
  });
});

describe.skipIf(!canBpf)('map relocation at load (real kernel)', () => {
  it('creates the program maps, relocates lddw and counts every run', () => {
    using prog = loadProgram(counter);
    expect(prog.testRun({ data: packet, repeat: 5 }).retval).toBe(0);
    prog.testRun({ data: packet });
    expect(readU64(prog.map('counts').lookup(u32(0))!)).toBe(6n);
    expect(prog.info().mapIds).toEqual([expect.any(Number)]);
  });

  it('uses a caller-supplied map by name and leaves it open on close', () => {
    using counts = createKernelMap(counter.maps[0]!);
    const prog = loadProgram(counter, { maps: new Map([['counts', counts]]) });
    prog.testRun({ data: packet, repeat: 3 });
    prog.close();
    expect(readU64(counts.lookup(u32(0))!)).toBe(3n);
  });

  it('relocates BPF_PSEUDO_MAP_VALUE with its offset', () => {
    const p: Program = {
      insns: [ldMapValue(R1, 'vals', 8), ldxdw(R0, R1, 0), exit()],
      maps: [{ name: 'vals', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0 }],
      symbols: [],
    };
    using prog = loadProgram(p, { progType: BPF_PROG_TYPE_SOCKET_FILTER });
    const v = new Uint8Array(16);
    v.set(u64(0x1111111122222222n), 0);
    v.set(u64(0x33333333deadbeefn), 8);
    prog.map('vals').update(u32(0), v);
    expect(prog.testRun({ data: packet }).retval).toBe(0xdeadbeef);
  });

  it('resolves BPF_PSEUDO_MAP_IDX and BPF_PSEUDO_MAP_IDX_VALUE through fd_array in program.maps order', () => {
    const p: Program = {
      insns: [{ kind: 'lddw', dst: 1, src: 6, imm: (4n << 32n) | 1n }, ldxw(R0, R1, 0), { kind: 'lddw', dst: 2, src: 5, imm: 0n }, exit()],
      maps: [
        { name: 'first', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
        { name: 'second', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
      ],
      symbols: [],
    };
    using prog = loadProgram(p, { progType: BPF_PROG_TYPE_SOCKET_FILTER });
    prog.map('second').update(u32(0), u64(0x1234567800000000n));
    expect(prog.testRun({ data: packet }).retval).toBe(0x12345678);
    expect([...prog.info().mapIds].sort()).toEqual([prog.map('first').info().id, prog.map('second').info().id].sort());
  });

  it('closes the maps it created when the kernel rejects the program', () => {
    const bad: Program = { ...counter, insns: [ldMapFd(R1, 'counts'), exit()] };
    expect(() => loadProgram(bad)).toThrow(/R0 !read_ok/);
    expect(() => loadProgram({ ...counter, insns: [ldMapFd(R1, 'nope'), mov64(R0, 0), exit()] })).toThrow(/map 'nope', which the program does not define/);
    expect(() => loadProgram({ ...counter, maps: [{ ...counter.maps[0]!, type: BPF_MAP_TYPE_HASH, keySize: 0 }] })).toThrow(/BPF_MAP_CREATE/);
  });
});
