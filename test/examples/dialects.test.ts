/**
 * Both dialects appear in the examples, at least two examples each, and each file
 * really is in the dialect it claims: forcing the other dialect fails, forcing its
 * own gives what detection gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { assemble, AsmError, printProgram, type Dialect } from '../../src/asm/index.js';
import { encode } from '../../src/isa/encode.js';
import { parseProgType } from '../../src/isa/prog-types.js';
import { catalog } from './catalog.js';
import { examplePath } from './example-kit.js';

const other = (d: Dialect): Dialect => (d === 'mnemonic' ? 'pseudo-c' : 'mnemonic');

describe('example dialects', () => {
  test('at least two examples in each dialect', () => {
    const dirs = (d: Dialect): Set<string> => new Set(catalog.filter((e) => e.dialect === d).map((e) => e.file.split('/')[0]!));
    expect(dirs('pseudo-c').size).toBeGreaterThanOrEqual(2);
    expect(dirs('mnemonic').size).toBeGreaterThanOrEqual(2);
  });

  for (const e of catalog) {
    test(`${e.file} is ${e.dialect}, ${e.progType}, GPL`, () => {
      const src = readFileSync(examplePath(e.file), 'utf8');
      const detected = assemble(src, { file: e.file });
      const forced = assemble(src, { file: e.file, dialect: e.dialect });
      expect(encode(forced.insns)).toEqual(encode(detected.insns));
      expect(() => assemble(src, { file: e.file, dialect: other(e.dialect) })).toThrow(AsmError);
      expect(detected.progType).toBe(parseProgType(e.progType));
      expect(detected.license).toBe('GPL');
    });

    test(`${e.file} translated to ${other(e.dialect)} and back gives the same program`, () => {
      const p = assemble(readFileSync(examplePath(e.file), 'utf8'), { file: e.file });
      const text = printProgram(p, { syntax: other(e.dialect), labels: true });
      const q = assemble(text, { file: `${e.file} in ${other(e.dialect)}`, dialect: other(e.dialect) });
      expect(encode(q.insns)).toEqual(encode(p.insns));
      expect({ maps: q.maps, progType: q.progType, license: q.license, name: q.name }).toEqual({ maps: p.maps, progType: p.progType, license: p.license, name: p.name });
    });
  }
});
