/**
 * Every ALU, byte-order and jump operation against an independent bigint model of the
 * kernel's semantics (RFC 9669 with the kernel's answers for division by zero, INT_MIN / -1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exit, lddw, mov64, R0, R1, R2 } from '../../src/isa/builders.js';
import type { AluOp, Insn, JmpOp, Reg } from '../../src/isa/insn.js';
import { programOf } from '../../src/isa/program.js';
import { Vm } from '../../src/vm/index.js';

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const u32 = (v: bigint) => BigInt.asUintN(32, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);

/** Interesting 64-bit values plus uniform ones. */
const edge = [0n, 1n, 2n, 7n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, M64, M64 - 1n, 0xffffffff80000000n];
const val64 = fc.oneof(fc.constantFrom(...edge), fc.bigInt({ min: 0n, max: M64 }), fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.bigInt({ min: -100n, max: 100n }).map(u64));
const imm32 = fc.oneof(fc.constantFrom(0, 1, -1, 2, 31, 32, 63, 64, -2147483648, 2147483647, -7, 7), fc.integer({ min: -2147483648, max: 2147483647 }));

/** The reference: result of `dst op= src` on 64-bit values (width 32 uses the low halves). */
function refAlu(op: AluOp, width: 32 | 64, dst: bigint, src: bigint): bigint {
  if (width === 64) {
    const sh = src & 63n;
    switch (op) {
      case 'add': return u64(dst + src);
      case 'sub': return u64(dst - src);
      case 'mul': return u64(dst * src);
      case 'div': return src === 0n ? 0n : dst / src;
      case 'mod': return src === 0n ? dst : dst % src;
      case 'sdiv': return src === 0n ? 0n : u64(s64(dst) / s64(src));
      case 'smod': return src === 0n ? dst : u64(s64(dst) % s64(src));
      case 'or': return dst | src;
      case 'and': return dst & src;
      case 'xor': return dst ^ src;
      case 'lsh': return u64(dst << sh);
      case 'rsh': return dst >> sh;
      case 'arsh': return u64(s64(dst) >> sh);
      case 'mov': return src;
      case 'neg': return u64(-dst);
      case 'movsx8': return u64(BigInt.asIntN(8, src));
      case 'movsx16': return u64(BigInt.asIntN(16, src));
      case 'movsx32': return u64(BigInt.asIntN(32, src));
    }
  }
  const a = u32(dst), b = u32(src), sh = b & 31n;
  switch (op) {
    case 'add': return u32(a + b);
    case 'sub': return u32(a - b);
    case 'mul': return u32(a * b);
    case 'div': return b === 0n ? 0n : a / b;
    case 'mod': return b === 0n ? a : a % b;
    case 'sdiv': return b === 0n ? 0n : u32(s32(a) / s32(b));
    case 'smod': return b === 0n ? a : u32(s32(a) % s32(b));
    case 'or': return a | b;
    case 'and': return a & b;
    case 'xor': return a ^ b;
    case 'lsh': return u32(a << sh);
    case 'rsh': return a >> sh;
    case 'arsh': return u32(s32(a) >> sh);
    case 'mov': return b;
    case 'neg': return u32(-a);
    case 'movsx8': return u32(BigInt.asIntN(8, b));
    case 'movsx16': return u32(BigInt.asIntN(16, b));
    case 'movsx32': throw new Error('no movsx32 in ALU32');
  }
}

function refJmp(op: JmpOp, width: 32 | 64, a: bigint, b: bigint): boolean {
  const [ua, ub] = width === 64 ? [a, b] : [u32(a), u32(b)];
  const [sa, sb] = width === 64 ? [s64(a), s64(b)] : [s32(a), s32(b)];
  switch (op) {
    case 'jeq': return ua === ub;
    case 'jne': return ua !== ub;
    case 'jgt': return ua > ub;
    case 'jge': return ua >= ub;
    case 'jlt': return ua < ub;
    case 'jle': return ua <= ub;
    case 'jset': return (ua & ub) !== 0n;
    case 'jsgt': return sa > sb;
    case 'jsge': return sa >= sb;
    case 'jslt': return sa < sb;
    case 'jsle': return sa <= sb;
  }
}

function run(insns: Insn[]): bigint {
  return new Vm(programOf(insns)).run().r0;
}

const BINARY: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMPS: JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];
const RUNS = { numRuns: 150 };

describe('ALU against a bigint model', () => {
  for (const width of [64, 32] as const) {
    for (const op of BINARY) {
      it(`${op}${width} register form`, () => {
        fc.assert(fc.property(val64, val64, (a, b) => {
          const r0 = run([lddw(R1, a), lddw(R2, b), { kind: 'alu', width, op, dst: 1, src: 2, imm: 0 }, mov64(R0, R1), exit()]);
          expect(r0).toBe(refAlu(op, width, a, b));
        }), RUNS);
      });
      it(`${op}${width} immediate form`, () => {
        fc.assert(fc.property(val64, imm32, (a, imm) => {
          const src = width === 64 ? u64(BigInt(imm)) : u32(BigInt(imm));
          const r0 = run([lddw(R1, a), { kind: 'alu', width, op, dst: 1, src: null, imm }, mov64(R0, R1), exit()]);
          expect(r0).toBe(refAlu(op, width, a, src));
        }), RUNS);
      });
    }
    const unary: AluOp[] = width === 64 ? ['neg', 'movsx8', 'movsx16', 'movsx32'] : ['neg', 'movsx8', 'movsx16'];
    for (const op of unary) {
      it(`${op}${width}`, () => {
        fc.assert(fc.property(val64, val64, (a, b) => {
          const insn: Insn = op === 'neg'
            ? { kind: 'alu', width, op, dst: 1, src: null, imm: 0 }
            : { kind: 'alu', width, op, dst: 1, src: 2, imm: 0 };
          const r0 = run([lddw(R1, a), lddw(R2, b), insn, mov64(R0, R1), exit()]);
          expect(r0).toBe(refAlu(op, width, a, op === 'neg' ? 0n : b));
        }), RUNS);
      });
    }
  }

  it('the same register as source and destination', () => {
    fc.assert(fc.property(fc.constantFrom(...BINARY), fc.constantFrom(32 as const, 64 as const), val64, (op, width, a) => {
      const r0 = run([lddw(R1, a), { kind: 'alu', width, op, dst: 1, src: 1, imm: 0 }, mov64(R0, R1), exit()]);
      expect(r0).toBe(refAlu(op, width, a, a));
    }), RUNS);
  });
});

describe('byte order against a bigint model', () => {
  const swap = (v: bigint, bytes: number): bigint => {
    let out = 0n;
    for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
    return out;
  };
  for (const order of ['le', 'be', 'swap'] as const) {
    for (const bits of [16, 32, 64] as const) {
      it(`${order}${bits}`, () => {
        fc.assert(fc.property(val64, (a) => {
          const r0 = run([lddw(R0, a), { kind: 'end', order, bits, dst: 0 }, exit()]);
          const low = BigInt.asUintN(bits, a);
          expect(r0).toBe(order === 'le' ? low : swap(low, bits / 8));
        }), RUNS);
      });
    }
  }
});

describe('jumps against a bigint model', () => {
  /** Operand pairs that are often equal or adjacent (in 64 or in the low 32 bits), so every edge is tested. */
  const near = (b: bigint) => fc.oneof(
    val64,
    fc.constant(b),
    fc.constantFrom(1n, -1n).map((d) => u64(b + d)),
    fc.bigInt({ min: 0n, max: 0xffffffffn }).map((h) => (h << 32n) | (b & 0xffffffffn)),
    fc.constantFrom(1n, -1n).map((d) => (b & ~0xffffffffn) | u32(b + d)),
  );
  const regPair = val64.chain((b) => near(b).map((a) => [a, b] as const));
  const immPair = imm32.chain((imm) => near(u64(BigInt(imm))).map((a) => [a, imm] as const));
  for (const width of [64, 32] as const) {
    for (const op of JMPS) {
      const name = `${op}${width === 32 ? '32' : ''}`;
      const prog = (cond: Insn) => [lddw(R1, 0n), lddw(R2, 0n), mov64(R0, 0), cond, mov64(R0, 2), exit(), mov64(R0, 1), exit()];
      it(`${name} register form`, () => {
        fc.assert(fc.property(regPair, ([a, b]) => {
          const insns = prog({ kind: 'jmp', width, op, dst: 1, src: 2, imm: 0, off: 2 });
          insns[0] = lddw(R1, a);
          insns[1] = lddw(R2, b);
          expect(run(insns)).toBe(refJmp(op, width, a, b) ? 1n : 2n);
        }), RUNS);
      });
      it(`${name} immediate form`, () => {
        fc.assert(fc.property(immPair, ([a, imm]) => {
          const insns = prog({ kind: 'jmp', width, op, dst: 1, src: null, imm, off: 2 });
          insns[0] = lddw(R1, a);
          expect(run(insns)).toBe(refJmp(op, width, a, u64(BigInt(imm))) ? 1n : 2n);
        }), RUNS);
      });
    }
  }
});

describe('memory widths and sign extension', () => {
  it('stores then loads every size, zero- and sign-extending', () => {
    fc.assert(fc.property(val64, fc.constantFrom(1, 2, 4, 8), fc.boolean(), fc.integer({ min: 1, max: 64 }), (v, size, sx, slot) => {
      const off = -8 * slot;
      const sxOk = sx && size !== 8;
      const r0 = run([
        lddw(R1, v),
        { kind: 'stx', size: size as 1 | 2 | 4 | 8, dst: 10, src: 1, off },
        { kind: 'ldx', size: size as 1 | 2 | 4 | 8, sx: sxOk, dst: 0, src: 10, off },
        exit(),
      ]);
      const low = BigInt.asUintN(size * 8, v);
      expect(r0).toBe(sxOk ? u64(BigInt.asIntN(size * 8, low)) : low);
    }), RUNS);
  });

  it('st stores a sign-extended immediate', () => {
    fc.assert(fc.property(imm32, fc.constantFrom(1, 2, 4, 8), (imm, size) => {
      const r0 = run([
        lddw(R0, M64),
        { kind: 'stx', size: 8, dst: 10, src: 0, off: -8 },
        { kind: 'st', size: size as 1 | 2 | 4 | 8, dst: 10, off: -8, imm },
        { kind: 'ldx', size: 8, sx: false, dst: 0, src: 10, off: -8 },
        exit(),
      ]);
      const mask = (1n << BigInt(size * 8)) - 1n;
      expect(r0).toBe((M64 & ~mask) | (u64(BigInt(imm)) & mask));
    }), RUNS);
  });
});

describe('atomics against a model', () => {
  const ops = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'] as const;
  it('every read-modify-write, with and without fetch, 32 and 64 bits', () => {
    fc.assert(fc.property(fc.constantFrom(...ops), fc.constantFrom(4 as const, 8 as const), fc.boolean(), val64, val64, val64, (op, size, fetchBit, mem, src, r0in) => {
      const fetch = op === 'xchg' || op === 'cmpxchg' ? true : fetchBit;
      const bits = size * 8;
      const insns: Insn[] = [
        lddw(R1, mem), { kind: 'stx', size: 8, dst: 10, src: 1, off: -8 },
        lddw(R2, src), lddw(R0, r0in),
        { kind: 'atomic', size, op, fetch, dst: 10, src: 2, off: -8 },
        // r3 = memory after, r4 = r2 after, r5 = r0 after
        { kind: 'ldx', size: 8, sx: false, dst: 3, src: 10, off: -8 },
        mov64(reg4(), R2), { kind: 'alu', width: 64, op: 'mov', dst: 5, src: 0, imm: 0 },
        // r0 = r3 ^ (r4 * 3) ^ (r5 * 7) mixes all three results
        { kind: 'alu', width: 64, op: 'mul', dst: 4, src: null, imm: 3 },
        { kind: 'alu', width: 64, op: 'mul', dst: 5, src: null, imm: 7 },
        { kind: 'alu', width: 64, op: 'mov', dst: 0, src: 3, imm: 0 },
        { kind: 'alu', width: 64, op: 'xor', dst: 0, src: 4, imm: 0 },
        { kind: 'alu', width: 64, op: 'xor', dst: 0, src: 5, imm: 0 },
        exit(),
      ];
      const old = BigInt.asUintN(bits, mem);
      const s = BigInt.asUintN(bits, src);
      let next: bigint;
      switch (op) {
        case 'add': next = BigInt.asUintN(bits, old + s); break;
        case 'or': next = old | s; break;
        case 'and': next = old & s; break;
        case 'xor': next = old ^ s; break;
        case 'xchg': next = s; break;
        case 'cmpxchg': next = BigInt.asUintN(bits, r0in) === old ? s : old; break;
      }
      const memAfter = size === 8 ? next : (mem & ~0xffffffffn) | next;
      const r2After = op !== 'cmpxchg' && fetch ? old : src;
      const r0After = op === 'cmpxchg' ? old : r0in;
      const expected = memAfter ^ u64(r2After * 3n) ^ u64(r0After * 7n);
      expect(run(insns)).toBe(expected);
    }), { numRuns: 400 });
  });
});

function reg4(): { reg: Reg } {
  return { reg: 4 };
}

describe('load-acquire and store-release', () => {
  it('behave as plain loads and stores of every size', () => {
    fc.assert(fc.property(val64, fc.constantFrom<1 | 2 | 4 | 8>(1, 2, 4, 8), (v, size) => {
      const r0 = run([
        lddw(R0, 0n), { kind: 'stx', size: 8, dst: 10, src: 0, off: -8 },
        lddw(R1, v),
        { kind: 'atomic', size, op: 'store_rel', fetch: false, dst: 10, src: 1, off: -8 },
        { kind: 'atomic', size, op: 'load_acq', fetch: false, dst: 0, src: 10, off: -8 },
        exit(),
      ]);
      expect(r0).toBe(BigInt.asUintN(size * 8, v));
    }), RUNS);
  });
});
