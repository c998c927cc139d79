/**
 * Golden files of the kernel's verdicts on the corpus: one JSON file per family under
 * `goldens/`, written only by `scripts/record-verifier-goldens.mjs`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from '../../src/isa/encode.js';
import type { Program } from '../../src/isa/program.js';

/** The kernel's answer to one corpus program. */
export interface Golden {
  /** sha256 of the program's encoding, type and maps: a mismatch means the golden is stale. */
  readonly digest: string;
  readonly progType: number;
  readonly verdict: 'accepted' | 'rejected';
  /** BPF_PROG_LOAD's errno (0 when accepted). */
  readonly errno: number;
  /** Instruction the kernel failed at, when its log says. */
  readonly insn: number | null;
  /** The error line: the first line of the log's error block (the kernel's primary message). */
  readonly message: string | null;
  /** The whole error block (lines after the last instruction line). */
  readonly errorLines: readonly string[];
  /** `processed N insns`. */
  readonly processed: number | null;
}

/** One golden file. */
export interface GoldenFile {
  /** `uname -r` of the kernel that answered. */
  readonly kernel: string;
  readonly programs: Record<string, Golden>;
}

/** Directory of the golden files. */
export function goldenDir(root: string): string {
  return join(root, 'test', 'verifier', 'goldens');
}

/** Digest of what the kernel sees of a program. @example programDigest(p).length // 64 */
export function programDigest(program: Program): string {
  const h = createHash('sha256');
  h.update(encode(program.insns));
  h.update(JSON.stringify({ t: program.progType, a: program.expectedAttachType ?? 0, m: program.maps, l: program.license ?? 'GPL' }));
  return h.digest('hex');
}

/** Every recorded golden, by program name. */
export function readGoldens(root: string): Map<string, Golden> {
  const out = new Map<string, Golden>();
  const dir = goldenDir(root);
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    const file = JSON.parse(readFileSync(join(dir, f), 'utf8')) as GoldenFile;
    for (const [name, g] of Object.entries(file.programs)) out.set(name, g);
  }
  return out;
}
