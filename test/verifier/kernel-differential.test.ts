import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { printProgram } from '../../src/asm/index.js';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verifier/index.js';
import { isMemorySafetyRejection } from './compare.js';
import { REPO_ROOT } from './corpus.js';
import { buildProgram, genProgramArb } from './gen/arbitrary.js';
import { kernelGolden } from './kernel/record.js';
import { bpfUnavailableReason } from './kernel/bpf.js';
import { DIFFERENTIAL_RATCHET } from './thresholds.js';

// Live differential: random small programs go to the real kernel (BPF_PROG_LOAD) and to our
// verifier; the verdicts are compared. Unsafe accepts (the kernel rejects for memory safety,
// we accept) are counted and asserted per DIFFERENTIAL_RATCHET.
const why = bpfUnavailableReason();
if (why) console.log(`skip: live verifier differential needs bpf(2): ${why}`);

describe.skipIf(why !== null)('verifier vs live kernel (fast-check)', () => {
  it('agrees with BPF_PROG_LOAD on random programs', () => {
    let runs = 0;
    let same = 0;
    let kernelAccepted = 0;
    let bothRejected = 0;
    let sameMessage = 0;
    const seed = Number(process.env['TSBPF_DIFF_SEED'] ?? DIFFERENTIAL_RATCHET.seed);
    const numRuns = Number(process.env['TSBPF_DIFF_RUNS'] ?? DIFFERENTIAL_RATCHET.runs);
    const unsafe: string[] = [];
    const mismatches: string[] = [];
    const examples: string[] = [];
    fc.assert(fc.property(genProgramArb(8), (g) => {
      const program = buildProgram(g);
      const kernel = kernelGolden(program);
      let ours: string;
      let oursMessage = '';
      try {
        const r = verify(program, { progType: g.progType, logLevel: 0 });
        ours = r.verdict;
        oursMessage = r.error?.message ?? '';
      } catch (e) {
        ours = `crash (${e instanceof Error ? e.message : String(e)})`;
      }
      runs++;
      if (kernel.verdict === 'accepted') kernelAccepted++;
      if (ours === 'rejected' && kernel.verdict === 'rejected') {
        bothRejected++;
        if (kernel.errorLines.includes(oursMessage)) sameMessage++;
      }
      const messageDiffers = ours === 'rejected' && kernel.verdict === 'rejected' && !kernel.errorLines.includes(oursMessage);
      if (ours === kernel.verdict) same++;
      else mismatches.push(`kernel ${kernel.verdict}${kernel.message ? ` (${kernel.message})` : ''}, ours ${ours}${oursMessage ? ` (${oursMessage})` : ''}`);
      if ((ours !== kernel.verdict || messageDiffers) && examples.length < 40) {
        examples.push([
          `## ${ours !== kernel.verdict ? 'verdict' : 'message'}: kernel ${kernel.verdict}${kernel.insn !== null ? ` at ${kernel.insn}` : ''}${kernel.message ? ` (${kernel.errorLines.join(' / ')})` : ''}; ours ${ours}${oursMessage ? ` (${oursMessage})` : ''}`,
          '', '```', printProgram(program, { labels: true }).trimEnd(), '```', '',
        ].join('\n'));
      }
      if (ours === 'accepted' && isMemorySafetyRejection(kernel)) {
        unsafe.push(`${kernel.message}: ${JSON.stringify(g)}`);
      }
      return true;
    }), { numRuns, seed });
    console.log(`live differential (seed ${seed}): ${runs} random programs (${kernelAccepted} accepted by the kernel), same verdict ${(100 * same / runs).toFixed(1)}%, `
      + `same message ${(100 * sameMessage / Math.max(1, bothRejected)).toFixed(1)}% of ${bothRejected} both-rejected, unsafe accepts ${unsafe.length}`);
    for (const m of mismatches.slice(0, 8)) console.log(`  mismatch: ${m}`);
    for (const u of unsafe.slice(0, 3)) console.log(`  UNSAFE ACCEPT: ${u}`);
    writeFileSync(join(REPO_ROOT, 'test', 'verifier', 'differential-disagreements.md'), [
      '# Live differential: programs where our verifier and the kernel disagree', '',
      `Written by \`npx vitest run test/verifier/kernel-differential.test.ts\` (seed ${seed}, ${runs} programs; set TSBPF_DIFF_SEED / TSBPF_DIFF_RUNS`,
      'to explore). Each program is pseudo-C source that `tsbpf-asm verify` and the kernel loader read as is.', '',
      ...(examples.length ? examples : ['No disagreement.', '']),
    ].join('\n'));
    expect(same / runs).toBeGreaterThanOrEqual(DIFFERENTIAL_RATCHET.sameVerdict);
    expect(unsafe.length).toBeLessThanOrEqual(DIFFERENTIAL_RATCHET.maxUnsafeAccepts);
  });
});
