import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './support.js';

const { put } = tempDir('tsbpf-conf-cli-');
const suite = join(import.meta.dirname, '../../../shared/conformance/tests');
const present = existsSync(suite);
if (!present) console.log(`skip: bpf_conformance suite not found at ${suite}`);

describe('tsbpf-asm conformance', () => {
  it('prints PASS / FAIL per file and the totals', async () => {
    const good = put('good.data', '-- asm\nmov %r0, 3\nexit\n-- result\n0x3\n');
    const bad = put('bad.data', '-- asm\nmov %r0, 4\nexit\n-- result\n0x3\n');
    const err = put('err.data', '-- asm\nldxdw %r0, [%r10+0]\nexit\n-- error\nout of bounds\n');
    const r = await cli('conformance', good, bad, err);
    expect(r.out).toBe('PASS good.data\nFAIL bad.data: r0 0x4, expected 0x3\nPASS err.data\n2 passed, 1 failed\n');
    expect(r.code).toBe(1);
  });

  it.skipIf(!present)('passes the whole bpf_conformance suite', async () => {
    const r = await cli('conformance', suite);
    expect(r.out.trim().split('\n').at(-1)).toBe('313 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
