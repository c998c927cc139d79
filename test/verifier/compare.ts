/**
 * Comparing our verifier with the kernel's goldens: per-program rows, the summary figures
 * the issue asks for, and the markdown disagreement report for whoever works on the engine.
 */
import type { Program } from '../../src/isa/program.js';
import { progTypeName } from '../../src/isa/prog-types.js';
import type { CorpusProgram } from './corpus.js';
import type { Golden } from './golden.js';

/** What our verifier answered (the fields of `VerifyResult` the comparison needs). */
export interface OurAnswer {
  readonly verdict: 'accepted' | 'rejected';
  readonly error: { readonly insn: number; readonly message: string } | null;
  readonly processed: number;
}

/** Our verifier as the comparison calls it. */
export type VerifyFn = (program: Program) => OurAnswer;

/** One corpus program: the kernel's answer and ours. */
export interface ComparisonRow {
  readonly name: string;
  readonly kernel: Golden;
  /** Our answer, the message of what our verifier threw, or why it was not run. */
  readonly ours: OurAnswer | { readonly crash: string } | { readonly skipped: string };
  readonly ms: number;
  readonly sameVerdict: boolean;
  /** Both rejected and our message is a line of the kernel's error block. */
  readonly sameMessage: boolean;
  /** Both rejected at the same instruction (when the kernel's log names one). */
  readonly sameInsn: boolean;
  /** The kernel rejected it for memory safety and we accepted it. */
  readonly unsafeAccept: boolean;
}

/** The figures of a comparison. */
export interface ComparisonFigures {
  readonly total: number;
  readonly sameVerdict: number;
  /** Programs both rejected. */
  readonly bothRejected: number;
  readonly sameMessage: number;
  readonly sameInsn: number;
  /** Programs both rejected where the kernel's log names the failing instruction. */
  readonly bothRejectedWithInsn: number;
  readonly kernelRejected: number;
  readonly unsafeAccepts: readonly string[];
  /** Kernel rejected for a reason that is not memory safety (complexity, unreachable code, ...), we accepted. */
  readonly otherOverAccepts: readonly string[];
  /** Kernel accepted, we rejected. */
  readonly falseRejects: readonly string[];
  readonly crashes: readonly string[];
  /** Not run: projected to take longer than the suite's per-program budget. */
  readonly skipped: readonly string[];
  /** Programs where both agree on the verdict and processed the same number of instructions. */
  readonly sameProcessed: number;
  /** Mean of our processed count over the kernel's, on programs where both agree on the verdict. */
  readonly processedRatioMean: number;
  readonly sameVerdictRate: number;
  /** Same message over programs both rejected... */
  readonly sameMessageRate: number;
  /** ... and over every program the kernel rejected (what the issue's 90% is measured on). */
  readonly sameMessageOfKernelRejected: number;
}

// Kernel rejections that are not about memory safety: complexity, dead code, return-value
// ranges, defined run-time behaviour (BPF defines x / 0 and masks shift amounts at run time).
const NOT_MEMORY_SAFETY: readonly RegExp[] = [
  /^BPF program is too large/, /^infinite loop detected/, /^unreachable insn/, /^At program exit the register/,
  /^missing btf func_info/, /^div by zero/, /^invalid shift/,
];

/** Is this kernel rejection about memory safety (anything but the list above)? */
export function isMemorySafetyRejection(g: Golden): boolean {
  return g.verdict === 'rejected' && !NOT_MEMORY_SAFETY.some((re) => re.test(g.message ?? ''));
}

/** Answer of a row, or null when our verifier threw or was not run. */
export function answerOf(r: ComparisonRow): OurAnswer | null {
  return 'verdict' in r.ours ? r.ours : null;
}

/**
 * Run `verify` on every corpus program that has a golden and compare. `skip` may decline a
 * program (returning why), e.g. when it would take too long; a skipped program counts as a
 * disagreement.
 */
export function compareCorpus(
  corpus: readonly CorpusProgram[], goldens: ReadonlyMap<string, Golden>, verify: VerifyFn,
  skip: (c: CorpusProgram, kernel: Golden) => string | null = () => null,
): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const c of corpus) {
    const kernel = goldens.get(c.name);
    if (!kernel) continue;
    const t0 = performance.now();
    let ours: ComparisonRow['ours'];
    const why = skip(c, kernel);
    if (why !== null) ours = { skipped: why };
    else {
      try {
        ours = verify(c.program);
      } catch (e) {
        ours = { crash: e instanceof Error ? e.message : String(e) };
      }
    }
    const ms = performance.now() - t0;
    const answer = 'verdict' in ours ? ours : null;
    const sameVerdict = answer !== null && answer.verdict === kernel.verdict;
    const bothRejected = sameVerdict && kernel.verdict === 'rejected';
    const sameMessage = bothRejected && answer.error !== null && kernel.errorLines.includes(answer.error.message);
    const sameInsn = bothRejected && answer.error !== null && kernel.insn !== null && answer.error.insn === kernel.insn;
    const unsafeAccept = answer?.verdict === 'accepted' && isMemorySafetyRejection(kernel);
    rows.push({ name: c.name, kernel, ours, ms, sameVerdict, sameMessage, sameInsn, unsafeAccept });
  }
  return rows;
}

const isOtherOverAccept = (r: ComparisonRow): boolean => !r.unsafeAccept && r.kernel.verdict === 'rejected' && answerOf(r)?.verdict === 'accepted';
const isSameProcessed = (r: ComparisonRow): boolean => r.sameVerdict && answerOf(r)?.processed === r.kernel.processed;
const isFalseReject = (r: ComparisonRow): boolean => r.kernel.verdict === 'accepted' && answerOf(r)?.verdict === 'rejected';

/** Summary figures of a comparison. */
export function figuresOf(rows: readonly ComparisonRow[]): ComparisonFigures {
  const total = rows.length;
  const sameVerdict = rows.filter((r) => r.sameVerdict).length;
  const bothRejected = rows.filter((r) => r.sameVerdict && r.kernel.verdict === 'rejected').length;
  const kernelRejected = rows.filter((r) => r.kernel.verdict === 'rejected').length;
  const sameMessage = rows.filter((r) => r.sameMessage).length;
  const ratios = rows
    .filter((r) => r.sameVerdict && answerOf(r) !== null && (r.kernel.processed ?? 0) > 0)
    .map((r) => answerOf(r)!.processed / r.kernel.processed!);
  return {
    total,
    sameVerdict,
    bothRejected,
    sameMessage,
    sameInsn: rows.filter((r) => r.sameInsn).length,
    bothRejectedWithInsn: rows.filter((r) => r.sameVerdict && r.kernel.verdict === 'rejected' && r.kernel.insn !== null).length,
    kernelRejected,
    unsafeAccepts: rows.filter((r) => r.unsafeAccept).map((r) => r.name),
    otherOverAccepts: rows.filter(isOtherOverAccept).map((r) => r.name),
    falseRejects: rows.filter(isFalseReject).map((r) => r.name),
    crashes: rows.filter((r) => 'crash' in r.ours).map((r) => r.name),
    skipped: rows.filter((r) => 'skipped' in r.ours).map((r) => r.name),
    sameProcessed: rows.filter(isSameProcessed).length,
    processedRatioMean: ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 0,
    sameVerdictRate: total ? sameVerdict / total : 0,
    sameMessageRate: bothRejected ? sameMessage / bothRejected : 0,
    sameMessageOfKernelRejected: kernelRejected ? sameMessage / kernelRejected : 0,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The figures as the few lines the suite prints. */
export function formatFigures(f: ComparisonFigures, title = 'verifier vs kernel goldens'): string {
  return [
    `${title}: ${f.total} programs (${f.kernelRejected} rejected by the kernel)`,
    `  same verdict            ${pct(f.sameVerdictRate)} (${f.sameVerdict}/${f.total})`,
    `  unsafe accepts          ${f.unsafeAccepts.length}${f.unsafeAccepts.length ? `: ${f.unsafeAccepts.slice(0, 5).join(', ')}${f.unsafeAccepts.length > 5 ? ', ...' : ''}` : ''}`,
    `  other over-accepts      ${f.otherOverAccepts.length}, false rejects ${f.falseRejects.length}, crashes ${f.crashes.length}, skipped as too slow ${f.skipped.length}`,
    `  same error message      ${pct(f.sameMessageOfKernelRejected)} of kernel-rejected (${f.sameMessage}/${f.kernelRejected}); ${pct(f.sameMessageRate)} of both-rejected (${f.bothRejected})`,
    `  same error insn         ${f.sameInsn}/${f.bothRejectedWithInsn} of both-rejected where the kernel's log names it`,
    `  processed ratio (mean)  ${f.processedRatioMean.toFixed(3)} (ours / kernel, same-verdict programs); same count on ${f.sameProcessed}/${f.sameVerdict}`,
  ].join('\n');
}

function describeOurs(r: ComparisonRow): string {
  if ('crash' in r.ours) return `CRASH: ${r.ours.crash}`;
  if ('skipped' in r.ours) return `not run: ${r.ours.skipped}`;
  if (r.ours.verdict === 'accepted') return `accepted (processed ${r.ours.processed})`;
  return `${r.ours.error ? `rejected at ${r.ours.error.insn}: ${r.ours.error.message}` : 'rejected (no error)'} (processed ${r.ours.processed})`;
}

function describeKernel(g: Golden): string {
  if (g.verdict === 'accepted') return `accepted (processed ${g.processed ?? '?'})`;
  return `rejected${g.insn !== null ? ` at ${g.insn}` : ''}: ${g.errorLines.join(' / ') || '(no message)'} (processed ${g.processed ?? '?'})`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The disagreement report (markdown): figures, then one table row per disagreement, grouped by kind. */
export function disagreementReport(
  rows: readonly ComparisonRow[], corpus: readonly CorpusProgram[], title = 'verifier vs kernel goldens',
  header: readonly string[] = [
    '# Verifier disagreements with the Linux kernel',
    '',
    'Regenerated by `npx vitest run test/verifier/kernel-goldens.test.ts`; do not edit. Kernel answers come from',
    '`test/verifier/goldens/` (re-record with `node scripts/record-verifier-goldens.mjs` as root). Programs: hand-written',
    'ones are `test/verifier/corpus/<path>`, generated ones are built in `test/verifier/gen/` (family = second path part).',
  ],
): string {
  const f = figuresOf(rows);
  const typeOf = new Map(corpus.map((c) => [c.name, c.program.progType ?? 0]));
  const section = (title: string, pick: (r: ComparisonRow) => boolean): string[] => {
    const sel = rows.filter(pick);
    if (sel.length === 0) return [];
    return [
      `## ${title} (${sel.length})`, '',
      '| program | type | kernel | ours |', '|---|---|---|---|',
      ...sel.map((r) => `| ${r.name} | ${progTypeName(typeOf.get(r.name) ?? 0)} | ${cell(describeKernel(r.kernel))} | ${cell(describeOurs(r))} |`),
      '',
    ];
  };
  return [
    ...header,
    '',
    '```', formatFigures(f, title), '```', '',
    ...section('Unsafe accepts: the kernel rejects for memory safety, we accept', (r) => r.unsafeAccept),
    ...section('Crashes: our verifier threw', (r) => 'crash' in r.ours),
    ...section('Not run: projected to exceed the per-program time budget', (r) => 'skipped' in r.ours),
    ...section('False rejects: the kernel accepts, we reject', isFalseReject),
    ...section('Other over-accepts: the kernel rejects (not memory safety), we accept', isOtherOverAccept),
    ...section('Different message: both reject, our message is not in the kernel\'s error block', (r) => r.sameVerdict && r.kernel.verdict === 'rejected' && !r.sameMessage),
    ...section('Different instruction: same message, different failing instruction', (r) => r.sameMessage && !r.sameInsn && r.kernel.insn !== null),
    ...section('Different processed count: same verdict', (r) => r.sameVerdict && !isSameProcessed(r) && r.kernel.processed !== null),
  ].join('\n');
}
