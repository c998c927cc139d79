import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, IsaError, type Insn } from '../../src/isa/index.js';

/** Bytes of one or more slots from `[code, regs, off, imm]` tuples. */
function slots(...s: [number, number, number, number][]): Uint8Array {
  const out = new Uint8Array(s.length * 8);
  const v = new DataView(out.buffer);
  s.forEach(([code, regs, off, imm], i) => {
    v.setUint8(i * 8, code);
    v.setUint8(i * 8 + 1, regs);
    v.setInt16(i * 8 + 2, off, true);
    v.setInt32(i * 8 + 4, imm, true);
  });
  return out;
}

function decodeError(bytes: Uint8Array): IsaError {
  try {
    decode(bytes);
  } catch (e) {
    if (e instanceof IsaError) return e;
    throw e;
  }
  throw new Error('decode accepted the bytes');
}

describe('decode', () => {
  it('decodes every kind from known encodings', () => {
    const cases: [Uint8Array, Insn][] = [
      [slots([0x07, 0x01, 0, 22]), { kind: 'alu', width: 64, op: 'add', dst: 1, src: null, imm: 22 }],
      [slots([0x3c, 0x21, 1, 0]), { kind: 'alu', width: 32, op: 'sdiv', dst: 1, src: 2, imm: 0 }],
      [slots([0xbf, 0x10, 8, 0]), { kind: 'alu', width: 64, op: 'movsx8', dst: 0, src: 1, imm: 0 }],
      [slots([0x87, 0x00, 0, 0]), { kind: 'alu', width: 64, op: 'neg', dst: 0, src: null, imm: 0 }],
      [slots([0xdc, 0x00, 0, 16]), { kind: 'end', order: 'be', bits: 16, dst: 0 }],
      [slots([0xd7, 0x03, 0, 64]), { kind: 'end', order: 'swap', bits: 64, dst: 3 }],
      [slots([0x65, 0x01, 2, 3]), { kind: 'jmp', width: 64, op: 'jsgt', dst: 1, src: null, imm: 3, off: 2 }],
      [slots([0x4e, 0x21, -3, 0]), { kind: 'jmp', width: 32, op: 'jset', dst: 1, src: 2, imm: 0, off: -3 }],
      [slots([0x05, 0, -1, 0]), { kind: 'ja', off: -1 }],
      [slots([0x06, 0, 0, 100000]), { kind: 'gotol', imm: 100000 }],
      [slots([0xe5, 0, 4, 0]), { kind: 'may_goto', off: 4 }],
      [slots([0x85, 0, 0, 1]), { kind: 'call', target: 'helper', imm: 1, off: 0 }],
      [slots([0x85, 0x10, 0, 5]), { kind: 'call', target: 'local', imm: 5, off: 0 }],
      [slots([0x85, 0x20, 3, 1234]), { kind: 'call', target: 'kfunc', imm: 1234, off: 3 }],
      [slots([0x8d, 0x02, 0, 0]), { kind: 'callx', reg: 2 }],
      [slots([0x95, 0, 0, 0]), { kind: 'exit' }],
      [slots([0x18, 0x00, 0, 0x55667788], [0, 0, 0, 0x11223344]), { kind: 'lddw', dst: 0, src: 0, imm: 0x1122334455667788n }],
      [slots([0x18, 0x11, 0, 3], [0, 0, 0, 0]), { kind: 'lddw', dst: 1, src: 1, imm: 3n }],
      [slots([0x61, 0x10, 4, 0]), { kind: 'ldx', size: 4, sx: false, dst: 0, src: 1, off: 4 }],
      [slots([0x91, 0x10, 0, 0]), { kind: 'ldx', size: 1, sx: true, dst: 0, src: 1, off: 0 }],
      [slots([0x62, 0x0a, -8, 5]), { kind: 'st', size: 4, dst: 10, off: -8, imm: 5 }],
      [slots([0x7b, 0x1a, -8, 0]), { kind: 'stx', size: 8, dst: 10, src: 1, off: -8 }],
      [slots([0xdb, 0x1a, -8, 0x01]), { kind: 'atomic', size: 8, op: 'add', fetch: true, dst: 10, src: 1, off: -8 }],
      [slots([0xc3, 0x1a, -8, 0xf1]), { kind: 'atomic', size: 4, op: 'cmpxchg', fetch: true, dst: 10, src: 1, off: -8 }],
      [slots([0xd3, 0x10, 0, 0x100]), { kind: 'atomic', size: 1, op: 'load_acq', fetch: false, dst: 0, src: 1, off: 0 }],
      [slots([0x30, 0, 0, 14]), { kind: 'ldabs', size: 1, imm: 14 }],
      [slots([0x48, 0x20, 0, 2]), { kind: 'ldind', size: 2, src: 2, imm: 2 }],
    ];
    for (const [bytes, insn] of cases) {
      expect(decode(bytes)).toEqual([insn]);
      expect(encode([insn])).toEqual(bytes);
    }
  });

  it.each([
    ['unknown opcode', slots([0xff, 0, 0, 0]), 'opcode', 'unknown opcode ff'],
    ['reserved off in add', slots([0x07, 0x01, 2, 1]), 'off', 'BPF_ALU uses reserved fields'],
    ['reserved imm in reg add', slots([0x0f, 0x21, 0, 7]), 'imm', 'BPF_ALU uses reserved fields'],
    ['src in mov imm', slots([0xb7, 0x10, 0, 7]), 'src', 'BPF_MOV uses reserved fields'],
    ['exit with imm', slots([0x95, 0, 0, 1]), 'imm', 'BPF_EXIT uses reserved fields'],
    ['ja with imm', slots([0x05, 0, 1, 1]), 'imm', 'BPF_JA uses reserved fields'],
    ['register 11', slots([0xb7, 0x0b, 0, 0]), 'dst', 'R11 is invalid'],
    ['bad byte-swap width', slots([0xd4, 0, 0, 8]), 'imm', 'BPF_END uses reserved fields'],
    ['lddw missing second slot', slots([0x18, 0, 0, 0]), 'imm', 'invalid bpf_ld_imm64 insn'],
    ['lddw second slot opcode', slots([0x18, 0, 0, 0], [0x95, 0, 0, 0]), 'code', 'invalid bpf_ld_imm64 insn'],
    ['lddw pseudo 7', slots([0x18, 0x70, 0, 0], [0, 0, 0, 0]), 'src', 'unrecognized bpf_ld_imm64 insn'],
    ['atomic opcode', slots([0xdb, 0x1a, 0, 0x02]), 'imm', 'BPF_ATOMIC uses invalid atomic opcode 02'],
    ['atomic byte add', slots([0xd3, 0x1a, 0, 0x00]), 'size', 'invalid atomic operand size'],
    ['ldx with imm', slots([0x61, 0x10, 0, 1]), 'imm', 'BPF_LDX uses reserved fields'],
    ['helper call with off', slots([0x85, 0, 1, 1]), 'off', 'BPF_CALL uses reserved fields'],
    ['movsx32 in ALU32', slots([0xbc, 0x10, 32, 0]), 'off', 'BPF_MOV uses reserved fields'],
  ])('rejects %s naming the field', (_name, bytes, field, kernel) => {
    const e = decodeError(bytes);
    expect(e.field).toBe(field);
    expect(e.kernelMessage).toBe(kernel);
    expect(e.message).toMatch(/^insn \d+: /);
  });

  it('names the slot index of the bad instruction', () => {
    const e = decodeError(slots([0x18, 0, 0, 1], [0, 0, 0, 0], [0xb7, 0, 0, 0], [0x95, 0, 0, 7]));
    expect(e.index).toBe(3);
  });

  it('rejects a length that is not a multiple of 8', () => {
    expect(() => decode(new Uint8Array(12))).toThrow(/12 bytes is not a whole number/);
  });

  it('encode(decode(b)) = b for every slot sequence that decodes', () => {
    const slot = fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x18, 0x07, 0x0f, 0x61, 0x7b, 0xdb, 0xc3, 0x85, 0x95, 0xd4, 0xdc, 0xbf)),
      fc.oneof(fc.integer({ min: 0, max: 255 }), fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })).map(([d, s]) => (s << 4) | d), fc.constant(0)),
      fc.oneof(fc.integer({ min: -32768, max: 32767 }), fc.constant(0), fc.constantFrom(1, 8, 16, 32)),
      fc.oneof(fc.integer(), fc.constant(0), fc.constantFrom(1, 16, 32, 64, 0xe1, 0xf1, 0x100, 0x110)),
    );
    let decoded = 0;
    fc.assert(
      fc.property(fc.array(slot, { minLength: 1, maxLength: 2 }), (s) => {
        const bytes = slots(...s);
        let insns: Insn[];
        try {
          insns = decode(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(IsaError);
          return;
        }
        decoded++;
        expect(encode(insns)).toEqual(bytes);
        expect(decode(encode(insns))).toEqual(insns);
      }),
      { numRuns: 20000 },
    );
    expect(decoded).toBeGreaterThan(1000);
  });
});
