/**
 * Map helpers from inside programs, VM against kernel: random sequences of
 * bpf_map_update_elem / lookup / delete (hash, array) and push / pop / peek (queue, stack)
 * with every flag, folding each return code and looked-up value into r0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Insn } from '../../src/isa/insn.js';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK } from '../../src/isa/map-types.js';
import { BPF_PROG_TYPE_SOCKET_FILTER } from '../../src/isa/prog-types.js';
import { programOf, type MapDef } from '../../src/isa/program.js';
import { bpfAvailable, loadProgram } from '../../src/loader/index.js';
import { Vm } from '../../src/vm/index.js';

const avail = bpfAvailable();
if (!avail.ok) console.log(`skip: map helper differential: ${avail.reason}`);

type Op =
  | { op: 'update'; key: number; value: number; flags: number }
  | { op: 'lookup'; key: number }
  | { op: 'delete'; key: number }
  | { op: 'push'; value: number; flags: number }
  | { op: 'pop' | 'peek' };

const I = {
  mov: (dst: number, imm: number): Insn => ({ kind: 'alu', width: 64, op: 'mov', dst: dst as 0, src: null, imm }),
  movr: (dst: number, src: number): Insn => ({ kind: 'alu', width: 64, op: 'mov', dst: dst as 0, src: src as 0, imm: 0 }),
  add: (dst: number, imm: number): Insn => ({ kind: 'alu', width: 64, op: 'add', dst: dst as 0, src: null, imm }),
  stw: (off: number, imm: number): Insn => ({ kind: 'st', size: 4, dst: 10, off, imm }),
  call: (id: number): Insn => ({ kind: 'call', target: 'helper', imm: id, off: 0 }),
  map: (dst: number): Insn => ({ kind: 'lddw', dst: dst as 0, src: 1, imm: 0n, map: 'm' }),
};

/** r9 = r9 * 31 + r0 (32-bit) */
const fold: Insn[] = [
  { kind: 'alu', width: 32, op: 'mul', dst: 9, src: null, imm: 31 },
  { kind: 'alu', width: 32, op: 'add', dst: 9, src: 0, imm: 0 },
];

function compile(ops: Op[]): Insn[] {
  const out: Insn[] = [I.mov(9, 7)];
  for (const o of ops) {
    switch (o.op) {
      case 'update':
        out.push(I.stw(-4, o.key), I.stw(-8, o.value), I.map(1), I.movr(2, 10), I.add(2, -4), I.movr(3, 10), I.add(3, -8), I.mov(4, o.flags), I.call(2), ...fold);
        break;
      case 'delete':
        out.push(I.stw(-4, o.key), I.map(1), I.movr(2, 10), I.add(2, -4), I.call(3), ...fold);
        break;
      case 'lookup':
        out.push(I.stw(-4, o.key), I.map(1), I.movr(2, 10), I.add(2, -4), I.call(1),
          { kind: 'jmp', width: 64, op: 'jeq', dst: 0, src: null, imm: 0, off: 2 },
          { kind: 'ldx', size: 4, sx: false, dst: 0, src: 0, off: 0 },
          { kind: 'ja', off: 1 },
          I.mov(0, -1), ...fold);
        break;
      case 'push':
        out.push(I.stw(-8, o.value), I.map(1), I.movr(2, 10), I.add(2, -8), I.mov(3, o.flags), I.call(87), ...fold);
        break;
      case 'pop':
      case 'peek':
        out.push(I.stw(-8, 0), I.map(1), I.movr(2, 10), I.add(2, -8), I.call(o.op === 'pop' ? 88 : 89), ...fold,
          { kind: 'ldx', size: 4, sx: false, dst: 0, src: 10, off: -8 }, ...fold);
        break;
    }
  }
  out.push(I.movr(0, 9), { kind: 'exit' });
  return out;
}

const flags = fc.constantFrom(0, 1, 2, 3, 4);
const key = fc.integer({ min: 0, max: 5 });
const keyed = fc.oneof(
  fc.record({ op: fc.constant('update' as const), key, value: fc.integer({ min: 1, max: 1000 }), flags }),
  fc.record({ op: fc.constant('lookup' as const), key }),
  fc.record({ op: fc.constant('delete' as const), key }),
);
const queued = fc.oneof(
  fc.record({ op: fc.constant('push' as const), value: fc.integer({ min: 1, max: 1000 }), flags }),
  fc.record({ op: fc.constantFrom('pop' as const, 'peek' as const) }),
);

const cases: { name: string; def: MapDef; ops: fc.Arbitrary<Op> }[] = [
  { name: 'hash', def: { name: 'm', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 4, maxEntries: 3, flags: 0 }, ops: keyed },
  { name: 'hash (no prealloc)', def: { name: 'm', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 4, maxEntries: 3, flags: 1 }, ops: keyed },
  { name: 'array', def: { name: 'm', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 }, ops: keyed },
  { name: 'queue', def: { name: 'm', type: BPF_MAP_TYPE_QUEUE, keySize: 0, valueSize: 4, maxEntries: 3, flags: 0 }, ops: queued },
  { name: 'stack', def: { name: 'm', type: BPF_MAP_TYPE_STACK, keySize: 0, valueSize: 4, maxEntries: 3, flags: 0 }, ops: queued },
];

describe.skipIf(!avail.ok)('map helpers inside programs: VM vs kernel', () => {
  for (const c of cases) {
    it(`${c.name}: return codes and values of random operation sequences`, () => {
      fc.assert(fc.property(fc.array(c.ops, { minLength: 1, maxLength: 14 }), (ops) => {
        const program = programOf(compile(ops), { progType: BPF_PROG_TYPE_SOCKET_FILTER, license: 'GPL', maps: [c.def] });
        const packet = new Uint8Array(64);
        const kp = loadProgram(program, { logLevel: 0 });
        let kernel: number;
        try {
          kernel = kp.testRun({ data: packet }).retval;
        } finally {
          kp.close();
        }
        const vm = Number(new Vm(program).run({ packet }).r0 & 0xffffffffn);
        expect(vm, JSON.stringify(ops)).toBe(kernel);
      }), { numRuns: 120 });
    });
  }
});
