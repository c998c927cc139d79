import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { printInsn, printProgram } from '../../src/asm/printer.js';
import { decode, encode, INSN_KINDS, slotIndices, type Insn } from '../../src/isa/index.js';
import { insnArb, insnsArb } from './arbitraries.js';

const RUNS = { numRuns: Number(process.env.ASM_FC_RUNS ?? 3000) };

describe('arbitraries', () => {
  it('cover every instruction kind', () => {
    const seen = new Set(fc.sample(insnArb, 3000).map((i) => i.kind));
    expect([...seen].sort()).toEqual([...INSN_KINDS].sort());
  });
});

describe('encode / decode', () => {
  it('decode(encode(x)) = x', () => {
    fc.assert(fc.property(insnsArb(), (insns) => {
      expect(decode(encode(insns))).toEqual(insns);
    }), RUNS);
  });

  it('encode(decode(b)) = b for valid bytes', () => {
    fc.assert(fc.property(insnsArb(), (insns) => {
      const b = encode(insns);
      expect(encode(decode(b))).toEqual(b);
    }), RUNS);
  });
});

describe.each(['pseudo-c', 'mnemonic'] as const)('print -> parse -> encode (%s)', (syntax) => {
  it('is the identity for single instructions', () => {
    fc.assert(fc.property(insnArb, (insn) => {
      const text = printInsn(insn, { syntax });
      const back = assemble(text, { dialect: syntax });
      expect(encode(back.insns), text).toEqual(encode([insn]));
    }), RUNS);
  });

  it('is the identity for programs, dialect detected', () => {
    fc.assert(fc.property(insnsArb(), (insns) => {
      const text = printProgram(insns, { syntax });
      expect(encode(assemble(text).insns), text).toEqual(encode(insns));
    }), { numRuns: 500 });
  });

  it('is the identity with labels for in-range targets', () => {
    // Programs whose jumps land inside the program, so that labels are printed.
    const prog = insnsArb(30).chain((insns) => {
      const total = slotIndices(insns)[insns.length]!;
      return fc.array(fc.integer({ min: 0, max: total }), { minLength: insns.length, maxLength: insns.length }).map((targets) => {
        const slots = slotIndices(insns);
        return insns.map((insn, i): Insn => {
          const rel = targets[i]! - slots[i]! - 1;
          switch (insn.kind) {
            case 'jmp': case 'ja': case 'may_goto': return { ...insn, off: rel };
            case 'gotol': return { ...insn, imm: rel };
            case 'call': return insn.target === 'local' ? { ...insn, imm: rel } : insn;
            default: return insn;
          }
        });
      });
    });
    fc.assert(fc.property(prog, (insns) => {
      const text = printProgram(insns, { syntax, labels: true });
      expect(encode(assemble(text, { dialect: syntax }).insns), text).toEqual(encode(insns));
    }), { numRuns: 500 });
  });
});
