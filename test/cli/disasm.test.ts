import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { runCli } from '../../src/cli/main.js';
import { encode } from '../../src/isa/index.js';
import { insnsArb } from '../asm/arbitraries.js';
import { cli, tempDir } from './support.js';

const { put } = tempDir('tsbpf-disasm-cli-');
const PROG = encode(assemble('r0 = 0\nif r1 > 3 goto +1\nr0 = 1\nexit\n').insns);

describe('tsbpf-asm disasm', () => {
  it('prints pseudo-C from raw bytes', async () => {
    const r = await cli('disasm', put('p.bin', PROG));
    expect(r).toEqual({ code: 0, err: '', out: 'r0 = 0\nif r1 > 3 goto +1\nr0 = 1\nexit\n' });
  });

  it('prints mnemonic with labels from hex text', async () => {
    const hex = Buffer.from(PROG).toString('hex').replace(/(..)/g, '$1 ');
    const r = await cli('disasm', put('p.hex', hex), '--syntax', 'mnemonic', '--labels');
    expect(r.out).toBe('mov %r0, 0\njgt %r1, 3, L3\nmov %r0, 1\nL3:\nexit\n');
  });

  it('reads the hex that `assemble` prints (with its # comments)', async () => {
    const src = put('h.s', 'r0 = 0\nr1 = 0x1122334455667788 ll\nexit\n');
    let hex = '';
    await runCli(['assemble', src], { stdout: (t) => { hex += t; }, stderr: () => {} });
    const r = await cli('disasm', put('h.hex', hex));
    expect(r.out).toBe('r0 = 0\nr1 = 0x1122334455667788 ll\nexit\n');
  });

  it('output re-assembles to the same bytes', async () => {
    await fc.assert(fc.asyncProperty(insnsArb(12), fc.constantFrom('pseudo-c', 'mnemonic'), async (insns, syntax) => {
      const bytes = encode(insns);
      const r = await cli('disasm', put('r.bin', bytes), '--syntax', syntax);
      expect(r.code).toBe(0);
      expect(encode(assemble(r.out).insns)).toEqual(bytes);
    }), { numRuns: 200 });
  });

  it('exits 1 naming the instruction and field of bad bytes', async () => {
    const r = await cli('disasm', put('bad.bin', Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0, 0x07, 0x0b, 0, 0, 0, 0, 0, 0])));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: .*bad\.bin: insn 1: dst: r11 is not a register/);
  });

  it('exits 1 on a truncated instruction', async () => {
    const r = await cli('disasm', put('short.bin', Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0, 0xb7])));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/short\.bin: insn 1: length: 9 bytes/);
  });

  it('exits 2 on a bad --syntax and has --help', async () => {
    expect((await cli('disasm', put('q.bin', PROG), '--syntax', 'att')).code).toBe(2);
    const h = await cli('disasm', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toContain('--syntax');
  });
});
