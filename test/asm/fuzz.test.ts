import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsmError } from '../../src/asm/asm-error.js';
import { assemble } from '../../src/asm/assemble.js';
import { printInsn } from '../../src/asm/printer.js';
import { insnArb } from './arbitraries.js';

/** Pieces of both dialects, so random lines get deep into the parsers. */
const PIECES = [
  'r0', 'w1', 'r10', 'r11', '%r1', '%r10', '%r16', '=', '+=', 's>>=', 's/=', '-', '+', '*', '(', ')', '[', ']', ',', ':',
  '*(u32 *)', '(r10 - 8)', '[%r10-8]', 'u64', 's8', 'skb', 'll', 'goto', 'if', '==', 's>', '&', 'call', 'callx', 'exit',
  'lock', 'fetch', 'add', 'mov', 'lddw', 'ldxw', 'stxdw', 'jeq', 'ja', 'ja32', 'map', 'map_value', 'func', 'local',
  'pc', 'label', 'x:', '.map', '.license', '.func', '.prog_type', 'xdp', 'array', 'key=4', '"GPL"', '0', '1', '-1',
  '0xffffffff', '0x1ffffffff', '99999999999999999999', '32768', 'atomic_fetch_add', 'xchg_64', 'cmpxchg_64',
  'load_acquire', 'store_release', 'be16', 'bswap64', '#', '//', ';', '/*', '*/', '@', '\t', ' ', '12:', '(b7)',
];

const lineArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }).map((p) => p.join(' '));
const sourceArb = fc.array(fc.oneof(lineArb, insnArb.map((i) => printInsn(i)), insnArb.map((i) => printInsn(i, { syntax: 'mnemonic' }))), { maxLength: 12 })
  .map((lines) => lines.join('\n'));

describe('assembling arbitrary text', () => {
  it('returns a Program or throws AsmError with located diagnostics, never anything else', () => {
    fc.assert(fc.property(sourceArb, fc.constantFrom(undefined, 'pseudo-c', 'mnemonic' as const), (src, dialect) => {
      try {
        assemble(src, dialect !== undefined ? { dialect } : {});
      } catch (e) {
        expect(e).toBeInstanceOf(AsmError);
        const lines = src.split(/\r\n|\r|\n/);
        for (const d of (e as AsmError).diagnostics) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines.length);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeLessThanOrEqual(lines[d.line - 1]!.length + 1);
          expect(d.sourceLine).toBe(lines[d.line - 1]);
        }
      }
    }), { numRuns: Number(process.env.ASM_FC_RUNS ?? 3000) });
  });

  it('survives arbitrary unicode', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (src) => {
      try {
        assemble(src);
      } catch (e) {
        expect(e).toBeInstanceOf(AsmError);
      }
    }), { numRuns: 2000 });
  });
});
