/**
 * Record the kernel's verdicts on the corpus into `goldens/<family>.json`.
 * Driven by `scripts/record-verifier-goldens.mjs` (root, bpf(2)); never run by the test suite.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from '../corpus.js';
import { goldenDir, programDigest, type Golden, type GoldenFile } from '../golden.js';
import { BPF_LOG_LEVEL1, BPF_LOG_STATS, bpfUnavailableReason, kernelLoad } from './bpf.js';
import { parseKernelLog } from './log.js';

/** Ask the kernel about one program. */
export function kernelGolden(program: Parameters<typeof kernelLoad>[0]): Golden {
  const progType = program.progType!;
  const r = kernelLoad(program, { progType, logLevel: BPF_LOG_LEVEL1 | BPF_LOG_STATS });
  const parsed = parseKernelLog(r.log);
  return {
    digest: programDigest(program),
    progType,
    verdict: r.accepted ? 'accepted' : 'rejected',
    errno: r.errno,
    insn: r.accepted ? null : parsed.insn,
    message: r.accepted ? null : parsed.message,
    errorLines: r.accepted ? [] : parsed.errorLines,
    processed: parsed.processed,
  };
}

/**
 * Record goldens for every corpus program (or those whose name contains `filter`).
 * @example recordGoldens('/work/main', (l) => console.log(l))
 */
export function recordGoldens(root: string, print: (line: string) => void, filter?: string): void {
  const why = bpfUnavailableReason();
  if (why) throw new Error(`cannot record goldens: ${why}`);
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  const byFamily = new Map<string, Record<string, Golden>>();
  const corpus = loadCorpus(root);
  let accepted = 0;
  let n = 0;
  for (const c of corpus) {
    if (filter && !c.name.includes(filter)) continue;
    const g = kernelGolden(c.program);
    n++;
    if (g.verdict === 'accepted') accepted++;
    const fam = byFamily.get(c.family) ?? {};
    fam[c.name] = g;
    byFamily.set(c.family, fam);
    print(`${g.verdict === 'accepted' ? 'ok  ' : 'REJ '} ${c.name}${g.message ? `  -- ${g.message}` : ''}`);
  }
  const dir = goldenDir(root);
  mkdirSync(dir, { recursive: true });
  for (const [family, programs] of byFamily) {
    const file = join(dir, `${family}.json`);
    let merged: Record<string, Golden> = programs;
    if (filter) {
      try {
        const old = JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
        const names = new Set(corpus.map((c) => c.name));
        merged = Object.fromEntries(Object.entries({ ...old.programs, ...programs }).filter(([name]) => names.has(name)));
      } catch {
        // no previous file: keep what was recorded now
      }
    }
    const out: GoldenFile = { kernel, programs: merged };
    writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
  }
  print(`recorded ${n} programs (${accepted} accepted, ${n - accepted} rejected) from kernel ${kernel} into ${dir}`);
}
