import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgramFile, parseHexText } from '../../src/cli/input.js';
import { encode } from '../../src/isa/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-input-'));
const put = (name: string, data: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const EXIT0 = Uint8Array.from([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);

describe('loadProgramFile', () => {
  it('assembles .s source in either dialect', async () => {
    const a = await loadProgramFile(put('a.s', 'mov %r0, 0\nexit\n'));
    expect(a.kind).toBe('asm');
    expect(encode(a.program.insns)).toEqual(EXIT0);
  });

  it('decodes .bin and any binary file', async () => {
    expect(encode((await loadProgramFile(put('p.bin', EXIT0))).program.insns)).toEqual(EXIT0);
    const other = await loadProgramFile(put('p.raw', EXIT0));
    expect(other.kind).toBe('bin');
  });

  it('decodes hex text in byte order and as 0x words', async () => {
    const a = await loadProgramFile(put('p.hex', 'b7 00 00 00 00 00 00 00\n95 00 00 00 00 00 00 00\n'));
    expect(a.kind).toBe('hex');
    expect(encode(a.program.insns)).toEqual(EXIT0);
    const b = await loadProgramFile(put('p.txt', '0x00000000000000b7 # mov\n0x0000000000000095\n'));
    expect(encode(b.program.insns)).toEqual(EXIT0);
    expect(parseHexText('b70000000000000095000000 00000000')).toEqual(EXIT0);
    expect(parseHexText('r0 = 1')).toBeUndefined();
  });

  it('reads .data with mem and expected result', async () => {
    const a = await loadProgramFile(put('t.data', '-- asm\nldxb %r0, [%r1]\nexit\n-- mem\n2a\n-- result\n0x2a\n'));
    expect(a.kind).toBe('data');
    expect(a.mem).toEqual(Uint8Array.from([0x2a]));
    expect(a.expected).toBe(0x2an);
  });

  it('names the path of a missing file', async () => {
    await expect(loadProgramFile(join(dir, 'nope.s'))).rejects.toThrow(/cannot read '.*nope\.s': no such file/);
  });

  it('names the instruction and field of a decode error', async () => {
    await expect(loadProgramFile(put('bad.bin', Uint8Array.from([...EXIT0, 0xff, 0, 0, 0, 0, 0, 0, 0]))))
      .rejects.toThrow(/bad\.bin: insn 2: opcode: unknown opcode 0xff/);
  });

  it('reports assembler errors with the file name', async () => {
    await expect(loadProgramFile(put('e.s', 'r0 = 1\nr11 = 2\n'))).rejects.toThrow(/e\.s:2:1: error:/);
  });
});
