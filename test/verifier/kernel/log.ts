/**
 * Reading the kernel verifier's log: the error block (the lines after the last
 * instruction line), the failing instruction index, and the BPF_LOG_STATS figures.
 */

/** What a verifier log says, in a form that can be compared and stored as a golden. */
export interface ParsedKernelLog {
  /** The first line of the error block (the kernel's primary message), or null when there is none. */
  readonly message: string | null;
  /** Every line of the error block (after the last `N: (xx) ...` line), in order. */
  readonly errorLines: readonly string[];
  /** Index of the instruction the kernel failed at, when the log says. */
  readonly insn: number | null;
  /** `processed N insns`, when the log has BPF_LOG_STATS. */
  readonly processed: number | null;
  /** `verification time N usec`, when the log has BPF_LOG_STATS. */
  readonly verificationUsec: number | null;
}

const STATS = [/^verification time \d+ usec$/, /^stack depth [\d+]+$/, /^processed \d+ insns \(limit \d+\)/];
const INSN_LINE = /^(\d+): \([0-9a-f]{2}\) /;
const STATE_LINE = /^(\d+): (R\d|frame\d|fp-|;)/;
const STRUCTURAL: readonly RegExp[] = [
  /^jump out of range from insn (\d+) to -?\d+$/,
  /^unreachable insn (\d+)$/,
  /^back-edge from insn (\d+) to \d+$/,
  /^infinite loop detected at insn (\d+)$/,
  /^invalid BPF_LD_IMM insn$/,
  /^jump to reserved code from insn (\d+)/,
  /^insn (\d+) /,
];

/**
 * Parse a BPF_PROG_LOAD verifier log (level 1 or 2, with or without stats).
 * @example parseKernelLog('0: (bf) r0 = r2\nR2 !read_ok\n').message // 'R2 !read_ok'
 */
export function parseKernelLog(log: string): ParsedKernelLog {
  // Some messages lack their newline, so the next print is glued to them: split those apart.
  const lines = log
    .replace(/(.)(verification time \d+ usec)$/gm, '$1\n$2')
    .replace(/^(\d+: \([0-9a-f]{2}\) .*?) ?(BPF program is too large\. Processed \d+ insn)$/gm, '$1\n$2')
    .split('\n')
    .map((l) => l.trimEnd());
  let processed: number | null = null;
  let verificationUsec: number | null = null;
  const body: string[] = [];
  for (const line of lines) {
    const p = /^processed (\d+) insns \(limit \d+\)/.exec(line);
    if (p) processed = Number(p[1]);
    const t = /^verification time (\d+) usec$/.exec(line);
    if (t) verificationUsec = Number(t[1]);
    if (line === '' || STATS.some((re) => re.test(line))) continue;
    body.push(line);
  }
  let lastInsnLine = -1;
  let insn: number | null = null;
  for (let i = body.length - 1; i >= 0; i--) {
    const m = INSN_LINE.exec(body[i]!) ?? STATE_LINE.exec(body[i]!);
    if (m) {
      lastInsnLine = i;
      insn = Number(m[1]);
      break;
    }
  }
  const errorLines = body.slice(lastInsnLine + 1);
  const message = errorLines.length > 0 ? errorLines[0]! : null;
  if (insn === null) {
    for (const line of errorLines) {
      for (const re of STRUCTURAL) {
        const m = re.exec(line);
        if (m && m[1] !== undefined) {
          insn = Number(m[1]);
          break;
        }
      }
      if (insn !== null) break;
    }
  }
  return { message, errorLines, insn, processed, verificationUsec };
}
