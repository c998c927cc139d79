/** External tools the tests use as oracles (llvm-mc, llvm-objdump, ip), found or not. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Is `cmd` installed (does `cmd --version`, or `cmd -V` for iproute2, run)?
 * @example if (!have('llvm-mc')) console.log('skip: ...')
 */
export function have(cmd: string): boolean {
  for (const flag of ['--version', '-V']) {
    try {
      execFileSync(cmd, [flag], { stdio: 'ignore' });
      return true;
    } catch {
      // try the other flag
    }
  }
  return false;
}

let dir: string | undefined;
let nth = 0;

/**
 * Assemble `.s` text with `llvm-mc -triple bpfel -filetype=obj`; returns the object file's path.
 * @example readFileSync(llvmMcObject('r0 = 0\nexit'))
 */
export function llvmMcObject(source: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'tsbpf-llvm-mc-'));
  const base = join(dir, `o${nth++}`);
  writeFileSync(`${base}.s`, source);
  execFileSync('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', `${base}.o`, `${base}.s`]);
  return `${base}.o`;
}

/** `llvmMcObject`, read. */
export const llvmMcBytes = (source: string): Uint8Array => new Uint8Array(readFileSync(llvmMcObject(source)));
