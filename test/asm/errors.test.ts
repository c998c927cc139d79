import { describe, expect, it } from 'vitest';
import { AsmError, type AsmDiagnostic } from '../../src/asm/asm-error.js';
import { assemble } from '../../src/asm/assemble.js';
import type { Dialect } from '../../src/asm/dialect.js';

function diagnostics(source: string, dialect?: Dialect): AsmDiagnostic[] {
  try {
    assemble(source, { file: 'f.s', ...(dialect !== undefined ? { dialect } : {}) });
  } catch (e) {
    if (e instanceof AsmError) return [...e.diagnostics];
    throw e;
  }
  throw new Error('assembled without errors');
}

/** [what, source, dialect, line, col, message pattern] */
const cases: [string, string, Dialect, number, number, RegExp][] = [
  ['unknown mnemonic (pseudo-C)', 'r0 = 0\n  movv r0, 1\nexit', 'pseudo-c', 2, 3, /^unknown mnemonic 'movv'$/],
  ['unknown mnemonic (mnemonic)', 'mov %r0, 0\nmovv %r0, 1', 'mnemonic', 2, 1, /^unknown mnemonic 'movv'$/],
  ['bad register (pseudo-C)', 'r0 = r11', 'pseudo-c', 1, 6, /^bad register 'r11'/],
  ['bad register as destination', 'exit\nr12 += 1', 'pseudo-c', 2, 1, /^bad register 'r12'/],
  ['bad register (mnemonic)', 'mov %r0, %r11', 'mnemonic', 1, 10, /^bad register '%r11'/],
  ['register width mismatch', 'w1 += r2', 'pseudo-c', 1, 7, /width mismatch/],
  ['immediate out of range', 'r0 = 1\nr1 += 4294967296', 'pseudo-c', 2, 7, /immediate 4294967296 does not fit in 32 bits/],
  ['negative immediate out of range', 'r1 = -2147483649', 'pseudo-c', 1, 6, /does not fit in 32 bits/],
  ['mov immediate needs ll', 'r1 = 0x100000000', 'pseudo-c', 1, 6, /add 'll'/],
  ['immediate out of range (mnemonic)', 'add32 %r1, 0x1ffffffff', 'mnemonic', 1, 12, /does not fit in 32 bits/],
  ['64-bit immediate out of range', 'lddw %r1, 0x10000000000000000', 'mnemonic', 1, 11, /does not fit in 64 bits/],
  ['memory offset out of range', 'r0 = *(u32 *)(r1 + 32768)', 'pseudo-c', 1, 18, /offset 32768 does not fit in 16 bits/],
  ['memory offset out of range (mnemonic)', 'ldxw %r0, [%r1-32769]', 'mnemonic', 1, 15, /offset -32769 does not fit in 16 bits/],
  ['jump offset out of range', 'goto +32768', 'pseudo-c', 1, 6, /jump offset 32768 does not fit in 16 bits/],
  ['jump offset out of range (mnemonic)', 'jeq %r1, 0, -40000', 'mnemonic', 1, 13, /does not fit in 16 bits/],
  ['undefined label', 'r0 = 0\nif r0 == 0 goto nowhere\nexit', 'pseudo-c', 2, 17, /^undefined label 'nowhere'$/],
  ['undefined label (mnemonic)', 'ja out\nexit', 'mnemonic', 1, 4, /^undefined label 'out'$/],
  ['duplicate label', 'a:\nr0 = 0\n a:\nexit', 'pseudo-c', 3, 2, /^duplicate label 'a' \(first defined on line 1\)$/],
  ['malformed memory operand', 'r0 = *(u32 *)[r1 + 4]', 'pseudo-c', 1, 14, /^malformed memory operand/],
  ['malformed memory operand: no base register', '*(u64 *)(8 + r1) = r2', 'pseudo-c', 1, 10, /^malformed memory operand: expected a base register/],
  ['malformed memory operand: bad cast', 'r0 = *(u12 *)(r1 + 0)', 'pseudo-c', 1, 8, /^malformed memory operand: expected u8/],
  ['malformed memory operand (mnemonic)', 'ldxw %r0, [%r1+4', 'mnemonic', 1, 17, /^malformed memory operand: expected '\]'/],
  ['malformed memory operand without brackets', 'stxdw %r10-8, %r1', 'mnemonic', 1, 7, /^malformed memory operand/],
  ['unknown helper name', 'call bpf_no_such_helper', 'pseudo-c', 1, 6, /^unknown helper or undefined label 'bpf_no_such_helper'$/],
  ['unknown helper name (mnemonic)', 'call nosuch\nexit', 'mnemonic', 1, 6, /^unknown helper or undefined label 'nosuch'$/],
  ['unknown directive', '.section foo\nexit', 'pseudo-c', 1, 1, /^unknown directive '.section'$/],
  ['unknown map type', '.map m, hashmap, key=4, value=4, entries=1', 'pseudo-c', 1, 9, /^unknown map type 'hashmap'$/],
  ['map without sizes', '.map m, hash, key=4', 'pseudo-c', 1, 20, /needs value=/],
  ['duplicate map', '.map m, hash, key=4, value=4, entries=1\n.map m, array, key=4, value=4, entries=1', 'pseudo-c', 2, 6, /already defined on line 1/],
  ['unknown map', 'r1 = map[nope] ll', 'pseudo-c', 1, 10, /^unknown map 'nope'/],
  ['unknown program type', '.prog_type nosuch', 'pseudo-c', 1, 12, /^unknown program type 'nosuch'$/],
  ['trailing junk', 'exit now', 'pseudo-c', 1, 6, /^unexpected 'now' after the instruction$/],
  ['missing operand at end of line', 'mov %r0,', 'mnemonic', 1, 9, /expected an immediate at end of line/],
  ['mnemonic line in a pseudo-C file', 'r0 = 1\nmov r0, 1', 'pseudo-c', 2, 1, /^unknown mnemonic 'mov' \(the file is read as pseudo-C/],
  ['pseudo-C line in a mnemonic file', 'mov %r0, 1\nr0 += 1', 'mnemonic', 2, 1, /^unknown mnemonic 'r0' \(.*looks like pseudo-C/],
  ['unterminated comment', 'r0 = 1\nr1 = 2 /* open\nexit', 'pseudo-c', 2, 8, /^unterminated '\/\*' comment$/],
  ['unterminated string', '.license "GPL\nexit', 'pseudo-c', 1, 10, /^unterminated string$/],
  ['unexpected character', 'r0 = 1 @\nexit', 'pseudo-c', 1, 8, /^unexpected character '@'$/],
  ['bad octal number', 'r0 = 1\nr1 += 089', 'pseudo-c', 2, 7, /^invalid octal number '089' \(a leading 0 makes a number octal/],
  ['bad octal memory offset', 'r0 = *(u8 *)(r1 - 08)', 'pseudo-c', 1, 19, /^invalid octal number '08'/],
  ['bad octal number (mnemonic)', 'ldxw %r0, [%r1+09]\nexit', 'mnemonic', 1, 16, /^invalid octal number '09'/],
  ['bad octal 64-bit immediate', 'r0 = 0778 ll', 'pseudo-c', 1, 6, /^invalid octal number '0778'/],
  ['bpftool map value other than [0]', 'r1 = map[id:3][2]+8 ll', 'pseudo-c', 1, 16, /^expected '0' \(bpftool prints a map value/],
];

describe('error locations', () => {
  it.each(cases)('%s', (_what, source, dialect, line, col, message) => {
    const d = diagnostics(source, dialect);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ file: 'f.s', line, col });
    expect(d[0]!.message).toMatch(message);
    expect(d[0]!.sourceLine).toBe(source.split('\n')[line - 1]);
  });

  it('reports every error of the file, in order, with caret lines', () => {
    const src = 'r0 = 1\nmovv r0, 1\nr1 = r99\ngoto nowhere\nr2 = *(u32 *)(r1 + 99999)\nexit\n';
    let err: AsmError | undefined;
    try {
      assemble(src, { file: 'prog.s' });
    } catch (e) {
      err = e as AsmError;
    }
    expect(err).toBeInstanceOf(AsmError);
    expect(err!.diagnostics.map((d) => [d.line, d.col])).toEqual([[2, 1], [3, 6], [4, 6], [5, 18]]);
    expect(err!.message.split('\n').slice(0, 6)).toEqual([
      "prog.s:2:1: error: unknown mnemonic 'movv'",
      'movv r0, 1',
      '^',
      "prog.s:3:6: error: bad register 'r99' (r0..r10, w0..w10)",
      'r1 = r99',
      '     ^',
    ]);
  });

  it('keeps tabs in the caret line so the caret lines up', () => {
    const d = diagnostics('\tr0 = r11', 'pseudo-c');
    expect(d[0]!.col).toBe(7);
    const err = (() => { try { assemble('\tr0 = r11'); } catch (e) { return e as AsmError; } return undefined; })();
    expect(err!.message.split('\n')[2]).toBe('\t     ^');
  });

  it('stays linear on pathological input (unterminated comments and strings, long lines)', () => {
    const open = Array.from({ length: 20000 }, (_, i) => `r0 = 1 /* open ${i}`).join('\n');
    expect(diagnostics(open, 'pseudo-c')).toHaveLength(1);
    const strings = Array.from({ length: 20000 }, () => '.license "a" " " " " "').join('\n');
    expect(diagnostics(strings, 'pseudo-c')).toHaveLength(20000);
    expect(diagnostics('@'.repeat(200000), 'pseudo-c')).toHaveLength(1);
  });

  it('locates errors in large (chunked) sources', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `r${i % 10} += ${i}`);
    lines[15000] = 'r1 += r77';
    const d = diagnostics(lines.join('\n'), 'pseudo-c');
    expect(d).toEqual([expect.objectContaining({ line: 15001, col: 7, sourceLine: 'r1 += r77' })]);
  });
});
