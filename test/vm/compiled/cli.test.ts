/**
 * `--engine compiled` on `tsbpf-asm run` and `tsbpf-asm conformance` (the CLI hooks of the
 * compiled tier), in process: same output as the interpreter, bad engine names rejected.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../cli/support.js';

const { put } = tempDir('tsbpf-compiled-cli-');
const SUM = put('sum.s', 'mov %r0, 0\nloop:\njeq %r2, 0, done\nldxb %r3, [%r1]\nadd %r0, %r3\nadd %r1, 1\nsub %r2, 1\nja loop\ndone:\nexit\n');
const OOB = put('oob.s', 'ldxdw %r0, [%r10+0]\nexit\n');
const suite = join(import.meta.dirname, '../../../../shared/conformance/tests');

describe('--engine compiled', () => {
  it('run prints the same r0, JSON and faults as the interpreter', async () => {
    for (const args of [[SUM, '--mem', '01 02 03 04'], [SUM, '--mem', '05 06', '--json'], [OOB], [SUM, '--mem', '01 02 03', '--max-insns', '9']]) {
      const reference = await cli('run', ...args);
      expect(await cli('run', ...args, '--engine', 'compiled')).toEqual(reference);
      expect(await cli('run', ...args, '--engine', 'interpreter')).toEqual(reference);
    }
    expect((await cli('run', SUM, '--engine', 'compiled', '--mem', '01 02')).out).toBe('0x3\n');
  });

  it('rejects an unknown engine as a usage error', async () => {
    const r = await cli('run', SUM, '--engine', 'jit');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--engine.*'jit'/);
  });

  it.skipIf(!existsSync(suite))('conformance passes the whole suite on the compiled engine', async () => {
    const r = await cli('conformance', suite, '--engine', 'compiled');
    expect(r.out.trim().split('\n').at(-1)).toBe('313 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
