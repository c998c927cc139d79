/** The verifier's statistics, parsed from the lines BPF_LOG_STATS (and level 1) print. */
export interface VerifierStats {
  /** `verification time N usec`. */
  readonly verificationTimeUsec?: number;
  /** `stack depth A+B+...`: one figure per subprogram. */
  readonly stackDepth?: readonly number[];
  /** `processed N insns`. */
  readonly insnsProcessed?: number;
  /** `(limit N)`. */
  readonly insnLimit?: number;
  readonly maxStatesPerInsn?: number;
  readonly totalStates?: number;
  readonly peakStates?: number;
  readonly markRead?: number;
}

/**
 * Parse the statistics lines of a verifier log; fields the log lacks are undefined.
 * @example parseVerifierStats('processed 2 insns (limit 1000000) ...').insnsProcessed // 2
 */
export function parseVerifierStats(log: string): VerifierStats {
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(log);
    return m ? Number(m[1]) : undefined;
  };
  const depth = /^stack depth ([0-9+]+)$/m.exec(log);
  const stats: Record<string, unknown> = {
    verificationTimeUsec: num(/^verification time (\d+) usec$/m),
    stackDepth: depth ? depth[1]!.split('+').filter((s) => s !== '').map(Number) : undefined,
    insnsProcessed: num(/^processed (\d+) insns/m),
    insnLimit: num(/^processed \d+ insns \(limit (\d+)\)/m),
    maxStatesPerInsn: num(/max_states_per_insn (\d+)/),
    totalStates: num(/total_states (\d+)/),
    peakStates: num(/peak_states (\d+)/),
    markRead: num(/mark_read (\d+)/),
  };
  for (const k of Object.keys(stats)) if (stats[k] === undefined) delete stats[k];
  return stats as VerifierStats;
}
