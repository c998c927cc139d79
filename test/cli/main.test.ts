import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/cli/version.js';
import { cli } from './support.js';

const root = join(import.meta.dirname, '..', '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('tsbpf-asm', () => {
  it('prints the package version with --version and -V', async () => {
    expect(packageVersion()).toBe(version);
    expect(await cli('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await cli('-V')).toEqual({ code: 0, out: `${version}\n`, err: '' });
  });

  it('prints the same version from the built bin (bundle)', () => {
    expect(execFileSync(process.execPath, [join(root, 'bin/tsbpf-asm.js'), '--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
  });

  it('rejects an unknown command with a usage error (exit 2)', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command 'frobnicate'/);
  });
});
