import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/isa/program.js';
import { verify } from '../../src/verifier/index.js';
import { handCorpus } from './corpus.js';
import { bpfUnavailableReason } from './kernel/bpf.js';
import { childLoad, type ChildAnswer } from './kernel/unpriv.js';
import { LOG_GOLDEN_MAX_PROCESSED } from './kernel/record.js';

// A log buffer too small for the log: the kernel keeps its last size-1 bytes (or, with
// BPF_LOG_FIXED, its first), reports the size it needed (log_true_size) and fails the load with
// ENOSPC. Compared with `verify(p, { logSize, logFixed })` on the hand-written programs whose
// full log is identical to the kernel's (and that use no map: the kernel prints map addresses),
// at several sizes, through BPF_PROG_LOAD (as root).
const ENOSPC = 28;
const BPF_LOG_FIXED = 8;
const why = bpfUnavailableReason() ?? (process.getuid?.() === 0 ? null : 'needs root');
if (why) console.log(`skip: verifier log-size comparison needs bpf(2) as root: ${why}`);

/** childLoad for programs of several types (one child per type), answers in program order. */
function loadAll(programs: readonly Program[], logLevel: number, logSizes?: readonly number[]): ChildAnswer[] {
  const out: ChildAnswer[] = new Array<ChildAnswer>(programs.length);
  for (const type of new Set(programs.map((p) => p.progType!))) {
    const idx = programs.flatMap((p, i) => (p.progType === type ? [i] : []));
    const answers = childLoad(idx.map((i) => programs[i]!), type, { asNobody: false, logLevel, ...(logSizes ? { logSizes: idx.map((i) => logSizes[i]!) } : {}) });
    idx.forEach((i, k) => { out[i] = answers[k]!; });
  }
  return out;
}

describe.skipIf(why !== null)('log buffer sizes vs the kernel (ENOSPC, rotating and BPF_LOG_FIXED)', () => {
  it('holds the same text, true size and ENOSPC as the kernel', () => {
    // Small programs (their level-2 logs stay short) without maps: the kernel prints a map
    // reference as its kernel address, whose text (and so the log's true size) we cannot know.
    const programs = handCorpus().map((c) => ({ ...c.program, name: c.name }))
      .filter((p) => p.maps.length === 0 && verify(p, { logLevel: 0 }).processed <= LOG_GOLDEN_MAX_PROCESSED);
    let compared = 0;
    const mismatches: string[] = [];
    for (const level of [1, 2] as const) {
      const full = loadAll(programs, level).map((a) => a.log ?? '');
      const same = programs.flatMap((p, i) => (full[i]!.length > 0 && verify(p, { logLevel: level }).log === full[i] ? [{ p, len: full[i]!.length }] : []));
      for (const fixed of [false, true]) {
        const jobs = same.flatMap(({ p, len }) => [2, 40, Math.ceil(len / 2), len, len + 1].map((size) => ({ p, size })));
        const answers = loadAll(jobs.map((j) => j.p), level | (fixed ? BPF_LOG_FIXED : 0), jobs.map((j) => j.size));
        jobs.forEach((j, i) => {
          const k = answers[i]!;
          const ours = verify(j.p, { logLevel: level, logSize: j.size, logFixed: fixed });
          compared++;
          const kernelEnospc = k.errno === ENOSPC;
          if (k.log !== ours.log || k.trueSize !== ours.logTrueSize || kernelEnospc !== (ours.logTruncated === true)) {
            mismatches.push(`${j.p.name ?? '?'} level ${level}${fixed ? ' fixed' : ''} size ${j.size}: kernel ${JSON.stringify(k.log?.slice(0, 80))} true ${k.trueSize} errno ${k.errno}; ours ${JSON.stringify(ours.log.slice(0, 80))} true ${ours.logTrueSize} truncated ${ours.logTruncated === true}`);
          }
        });
      }
    }
    console.log(`log sizes: ${compared - mismatches.length}/${compared} loads with the kernel's text, true size and ENOSPC`);
    for (const m of mismatches.slice(0, Number(process.env["TSBPF_SHOW"] ?? 5))) console.log(`  mismatch: ${m}`);
    expect(compared).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  }, 120_000);
});
