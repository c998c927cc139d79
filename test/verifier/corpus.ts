/**
 * The verifier corpus: hand-written `.s` programs under `corpus/` (both dialects, each with
 * `.prog_type` and its maps) plus the generated families of `gen/`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/asm/index.js';
import { generateCorpus, type CorpusProgram } from './gen/index.js';

export type { CorpusProgram } from './gen/index.js';

/** The repository root as seen from this file (compiled copies pass their own). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function walk(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (e.endsWith('.s')) out.push(p);
  }
  return out;
}

/**
 * The hand-written programs of `test/verifier/corpus/`, assembled.
 * @example handCorpus()[0]!.name // 'hand/...'
 */
export function handCorpus(root = REPO_ROOT): CorpusProgram[] {
  const dir = join(root, 'test', 'verifier', 'corpus');
  return walk(dir).map((file) => {
    const rel = relative(dir, file).split(sep).join('/');
    const program = assemble(readFileSync(file, 'utf8'), { file: rel });
    if (program.progType === undefined) throw new Error(`${rel}: corpus programs need a .prog_type directive`);
    return { name: `hand/${rel}`, family: 'hand', program };
  });
}

/** Every corpus program: hand-written first, then generated. */
export function loadCorpus(root = REPO_ROOT): CorpusProgram[] {
  return [...handCorpus(root), ...generateCorpus()];
}
