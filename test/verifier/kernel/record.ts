/**
 * Record the kernel's verdicts on the corpus into `goldens/<family>.json`.
 * Driven by `scripts/record-verifier-goldens.mjs` (root, bpf(2)); never run by the test suite.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handCorpus, loadCorpus } from '../corpus.js';
import { LOG_LEVELS, logGoldenDir, logGoldenFile, normalizeLog } from '../log-golden.js';
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

/** Largest kernel processed count of a hand-written program whose logs are recorded. */
export const LOG_GOLDEN_MAX_PROCESSED = 200;

/**
 * Record the kernel's level-1 and level-2 logs (no stats: they carry timings) of the
 * hand-written corpus into `goldens/logs/`, normalised by `normalizeLog`.
 */
export function recordLogGoldens(root: string, print: (line: string) => void): void {
  const dir = logGoldenDir(root);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const c of handCorpus(root)) {
    const probe = kernelLoad(c.program, { progType: c.program.progType!, logLevel: BPF_LOG_STATS });
    const processed = parseKernelLog(probe.log).processed ?? 0;
    if (processed > LOG_GOLDEN_MAX_PROCESSED) continue;
    for (const level of LOG_LEVELS) {
      const r = kernelLoad(c.program, { progType: c.program.progType!, logLevel: level });
      writeFileSync(`${dir}/${logGoldenFile(c.name, level)}`, normalizeLog(r.log));
      n++;
    }
  }
  print(`recorded ${n} kernel logs (levels ${LOG_LEVELS.join(', ')}) of ${readdirSync(dir).length / LOG_LEVELS.length} hand-written programs into ${dir}`);
}
