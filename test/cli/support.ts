/** What the CLI tests share: a temporary directory per test file, and the CLI run in process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';

/**
 * A fresh temporary directory and a writer of files into it (returns the path).
 * @example const { put } = tempDir('tsbpf-run-cli-'); const src = put('p.s', 'exit\n')
 */
export function tempDir(prefix: string): { dir: string; put: (name: string, data: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    put: (name, data) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
  };
}

/**
 * Run `tsbpf-asm` in process with these arguments; `onOut` sees stdout as it grows.
 * @example const { code, out, err } = await cli('run', 'p.s')
 */
export async function cliWith(argv: string[], onOut?: (text: string) => void): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => { out += t; onOut?.(out); }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

/** `cliWith(argv)` with the arguments spread. */
export const cli = (...argv: string[]): Promise<{ code: number; out: string; err: string }> => cliWith(argv);
