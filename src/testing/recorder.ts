/**
 * Trace capture for failure reports: while a recorder is active, every run of a `BpfTarget`
 * is traced and kept, so the report can show the instructions the failing input executed.
 */

/** One traced run: the target, its formatted trace lines, and how it ended. */
export interface TraceRecord {
  readonly target: string;
  readonly lines: readonly string[];
  readonly end: string;
}

/** Collects the traced runs of one replay. */
export interface Recorder {
  readonly maxLines: number;
  readonly records: TraceRecord[];
  record(r: TraceRecord): void;
}

let active: Recorder | null = null;

/** The recorder of the replay in progress, if any (targets consult it on every run). */
export function activeRecorder(): Recorder | null {
  return active;
}

/**
 * Run `fn` with tracing on; returns what it threw (or undefined) and the traced runs.
 * @example const { error, records } = withRecorder(200, () => predicate(counterexample))
 */
export function withRecorder(maxLines: number, fn: () => unknown): { error: unknown; records: TraceRecord[] } {
  const records: TraceRecord[] = [];
  const previous = active;
  active = { maxLines, records, record: (r) => records.push(r) };
  try {
    const out = fn();
    return { error: out === false ? new Error('the property returned false') : undefined, records };
  } catch (e) {
    return { error: e, records };
  } finally {
    active = previous;
  }
}
