/**
 * Property checks over eBPF programs: run fast-check, let it shrink a failure to a minimal input,
 * then replay that input with tracing on and throw one readable report: the input as a hex dump,
 * the assertion that failed, and the instruction trace of each run the failing case made.
 */
import fc, { type Arbitrary } from 'fast-check';
import { describeInput, type BpfInput } from './input.js';
import { withRecorder, type TraceRecord } from './recorder.js';
import type { BpfTarget } from './target.js';

/** Options of `property` and `checkProgram`. */
export interface CheckOptions {
  /** Generated cases (default 100). */
  readonly numRuns?: number;
  /** Replay a failure: the seed and path printed in its report. */
  readonly seed?: number;
  readonly path?: string;
  /** Trace lines per run in the report (default 200) and hex-dumped bytes per input (default 512). */
  readonly maxTraceLines?: number;
  readonly maxDumpBytes?: number;
  /** Inputs always tried first (each a tuple of the property's inputs). */
  readonly examples?: readonly (readonly unknown[])[];
}

/** What a passing check did. */
export interface CheckReport {
  readonly numRuns: number;
  /** For `checkProgram`: the target's cross-check figures. */
  readonly crossCheck?: string;
}

/** A property failed: the shrunk inputs, the traces of their runs, and how to replay it. */
export class PropertyFailure extends Error {
  override readonly name = 'PropertyFailure';
  constructor(
    message: string,
    readonly counterexample: readonly unknown[],
    readonly seed: number,
    readonly path: string | undefined,
    readonly numShrinks: number,
    readonly traces: readonly TraceRecord[],
    readonly error: unknown,
  ) {
    super(message);
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`;
  return String(e);
}

/** The failure report text (exported for tools that run fast-check themselves). */
export function formatFailure(
  info: { counterexample: readonly unknown[]; seed: number; path: string | undefined; numRuns: number; numShrinks: number },
  error: unknown,
  traces: readonly TraceRecord[],
  maxDumpBytes = 512,
): string {
  const out: string[] = [];
  out.push(`Property failed after ${info.numRuns} case(s), shrunk ${info.numShrinks} time(s) (seed ${info.seed}${info.path ? `, path "${info.path}"` : ''}).`);
  info.counterexample.forEach((x, i) => {
    out.push('', info.counterexample.length > 1 ? `Input ${i + 1}:` : 'Input:', describeInput(x, maxDumpBytes));
  });
  out.push('', `Error: ${errorText(error)}`);
  for (const t of traces) {
    out.push('', `Trace of ${t.target} (${t.lines.length} lines):`, ...t.lines.map((l) => `  ${l}`), `  => ${t.end}`);
  }
  if (traces.length === 0) out.push('', '(no program run was traced: the failing case made no run through a BpfTarget)');
  out.push('', `Replay with { seed: ${info.seed}${info.path ? `, path: '${info.path}'` : ''} }.`);
  return out.join('\n');
}

type Predicate<Ts extends unknown[]> = (...inputs: Ts) => boolean | void;

/**
 * A fast-check property with eBPF-friendly failure reports (hex dump of the shrunk input, trace of
 * every `BpfTarget` run it made). Throws `PropertyFailure`; passes silently.
 * @example property(anyPacketArb(), (p) => { expect(target.run(p)).toBe(reference(p.bytes)); }, { numRuns: 1000 })
 */
export function property<T>(arb: Arbitrary<T>, predicate: Predicate<[T]>, opts?: CheckOptions): CheckReport;
export function property<Ts extends unknown[]>(arbs: { [K in keyof Ts]: Arbitrary<Ts[K]> }, predicate: Predicate<Ts>, opts?: CheckOptions): CheckReport;
export function property(arbs: Arbitrary<unknown> | readonly Arbitrary<unknown>[], predicate: (...xs: unknown[]) => boolean | void, opts: CheckOptions = {}): CheckReport {
  const list = Array.isArray(arbs) ? (arbs as Arbitrary<unknown>[]) : [arbs as Arbitrary<unknown>];
  if (list.length === 0) throw new Error('property: give at least one arbitrary');
  const prop = fc.property(...(list as [Arbitrary<unknown>]), (...xs: unknown[]) => {
    const out = predicate(...xs);
    if (typeof out === 'object' && out !== null && typeof (out as { then?: unknown }).then === 'function') {
      throw new Error('property: the predicate returned a Promise; runs of a BpfTarget are synchronous, so make the predicate synchronous');
    }
    return out;
  });
  const params: fc.Parameters<unknown[]> = {
    numRuns: opts.numRuns ?? 100,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.path !== undefined ? { path: opts.path } : {}),
    ...(opts.examples ? { examples: opts.examples as unknown[][] } : {}),
  };
  const details = fc.check(prop as fc.IProperty<unknown[]>, params);
  if (!details.failed) return { numRuns: details.numRuns };
  const counterexample = details.counterexample ?? [];
  if (details.counterexample === null) {
    throw new Error(`property could not run: ${errorText(details.errorInstance)}`);
  }
  const replay = withRecorder(opts.maxTraceLines ?? 200, () => predicate(...counterexample));
  const error = replay.error ?? details.errorInstance ?? new Error('the property failed (no error was thrown on replay)');
  const info = { counterexample, seed: details.seed, path: details.counterexamplePath ?? undefined, numRuns: details.numRuns, numShrinks: details.numShrinks };
  throw new PropertyFailure(formatFailure(info, error, replay.records, opts.maxDumpBytes), counterexample, info.seed, info.path, info.numShrinks, replay.records, error);
}

/**
 * Check a program on generated inputs: `body(input, run)` asserts on `run(input)` (r0 of the VM
 * run, cross-checked with the kernel when the target does). Returns the cross-check figures.
 * @example checkProgram(target, anyPacketArb(), (p, run) => { expect(run(p)).toBe(reference(p.bytes)); }, { numRuns: 1000 })
 */
export function checkProgram<T>(
  target: BpfTarget,
  arb: Arbitrary<T>,
  body: (input: T, run: (input?: BpfInput) => bigint) => boolean | void,
  opts: CheckOptions = {},
): CheckReport {
  const report = property(arb, (input: T) => body(input, (other?: BpfInput) => target.run(other ?? (input as unknown as BpfInput))), opts);
  return { ...report, crossCheck: target.summary() };
}

/**
 * The common case in one call: r0 of every run must equal `reference(input)` (a number or bigint).
 * @example checkAgainst(target, anyPacketArb(), (p) => (isHttp(p.bytes) ? 1 : 2), { numRuns: 1000 })
 */
export function checkAgainst<T>(
  target: BpfTarget,
  arb: Arbitrary<T>,
  reference: (input: T) => bigint | number,
  opts: CheckOptions = {},
): CheckReport {
  return checkProgram(target, arb, (input, run) => {
    const got = run();
    const want = BigInt(reference(input));
    if (got !== want) throw new Error(`r0 = ${got} (0x${got.toString(16)}), the reference says ${want} (0x${want.toString(16)})`);
  }, opts);
}
