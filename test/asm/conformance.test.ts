import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConformanceData } from '../../src/asm/conformance-data.js';
import { encode } from '../../src/isa/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(repo, '..', 'shared', 'conformance', 'tests');
const present = existsSync(dir);
if (!present) console.log(`skip: bpf_conformance tests not found at ${dir}`);

describe.skipIf(!present)('bpf_conformance .data files', () => {
  const files = present ? readdirSync(dir).filter((f) => f.endsWith('.data')).sort() : [];

  it('finds the suite', () => {
    expect(files.length).toBeGreaterThan(300);
  });

  it('assembles every -- asm section, and -- raw matches where given', () => {
    let withRaw = 0;
    for (const f of files) {
      const c = parseConformanceData(readFileSync(join(dir, f), 'utf8'), f);
      const bytes = encode(c.program.insns);
      expect(bytes.length, f).toBeGreaterThan(0);
      if (c.raw !== undefined) {
        withRaw++;
        const view = new DataView(bytes.buffer);
        const words = Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(i * 8, true));
        expect(words, f).toEqual(c.raw);
      }
      expect(c.result, f).toBeTypeOf('bigint');
    }
    expect(withRaw).toBeGreaterThan(0);
  });

  it('reads mem and result', () => {
    const c = parseConformanceData(readFileSync(join(dir, 'ldxh.data'), 'utf8'), 'ldxh.data');
    expect(c.mem).toEqual(Uint8Array.from([0xaa, 0xbb, 0x11, 0x22, 0xcc, 0xdd]));
    expect(c.result).toBe(0x2211n);
  });
});

describe('parseConformanceData', () => {
  const text = [
    '# comment',
    '-- asm',
    'mov %r0, 1 # set',
    'jne %r0, 1, exit',
    'lddw %r1, 0x1122334455667788',
    'exit',
    '-- raw',
    '0x00000001000000b7',
    '-- mem',
    '00 01 ff',
    '-- result',
    '0x1',
    '-- error',
    'some failure',
  ].join('\n');

  it('reads every section', () => {
    const c = parseConformanceData(text, 't.data');
    expect(c.program.insns.length).toBe(4);
    expect(c.program.insns[1]).toMatchObject({ kind: 'jmp', op: 'jne', off: 2 }); // `exit` = first exit insn
    expect(c.raw).toEqual([0x00000001000000b7n]);
    expect(c.mem).toEqual(Uint8Array.from([0, 1, 255]));
    expect(c.result).toBe(1n);
    expect(c.error).toBe('some failure');
    expect(c.asm.split('\n')[0]).toBe('mov %r0, 1 # set');
  });

  it('reports assembler errors at the line of the .data file', () => {
    expect(() => parseConformanceData('# x\n-- asm\nmov %r0, 1\nmovv %r0, 2\n-- result\n0x0\n', 'bad.data'))
      .toThrow(/^bad\.data:4:1: error: unknown mnemonic 'movv'/);
  });

  it('rejects a bad result', () => {
    expect(() => parseConformanceData('-- asm\nexit\n-- result\nzz\n', 'r.data')).toThrow(/r\.data:4: bad result/);
  });
});
