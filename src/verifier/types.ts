/** Public types of the verifier: options and the result of `verify`. */

/** Options of `verify`. */
export interface VerifyOptions {
  /** `BPF_PROG_TYPE_*`; defaults to the program's own type, else socket_filter. */
  progType?: number;
  /** 0: no log, 1: the failing path and states at branches, 2: every instruction. */
  logLevel?: 0 | 1 | 2;
  /**
   * Privileged loader (root / CAP_BPF + CAP_PERFMON); default true. `false`: the rules for a loader
   * without them (only socket_filter and cgroup_skb, sanitised pointer arithmetic, speculative paths,
   * no pointer leaks; see src/verifier/README.md), checked against Linux 6.18 as nobody.
   */
  privileged?: boolean;
  /** Processed-instruction limit (BPF_COMPLEXITY_LIMIT_INSNS); default 1,000,000. */
  maxInsns?: number;
  /** The kernel's nr_cpu_ids, the bound of bpf_get_smp_processor_id(); default 2 (the machines this was calibrated on). */
  nrCpus?: number;
  /**
   * Log buffer size in bytes (the kernel's log_size). Given, the log is what the kernel's buffer of
   * that size would hold: its last `logSize - 1` characters (the kernel's rotating log), or with
   * `logFixed` its first; `logTruncated` then means BPF_PROG_LOAD fails with ENOSPC. Not given, the
   * log keeps its first 16 MiB (libbpf's BPF_LOG_BUF_SIZE) and always ends with the closing lines.
   */
  logSize?: number;
  /** BPF_LOG_FIXED: with `logSize`, keep the start of the log instead of its end. */
  logFixed?: boolean;
}

/** Exploration statistics, as the kernel's final log line. */
export interface VerifyStats {
  processed: number;
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
}

/** What BPF_PROG_LOAD would answer. */
export interface VerifyResult {
  verdict: 'accepted' | 'rejected';
  /** The first error: the kernel's instruction (slot) index and its last log line. */
  error: { insn: number; message: string } | null;
  processed: number;
  /** The verifier log in the kernel's format (empty at log level 0). */
  log: string;
  stats: VerifyStats;
  /** Set when the log outgrew its buffer and text was dropped (with `logSize`: BPF_PROG_LOAD fails with ENOSPC). */
  logTruncated?: true;
  /** The buffer size the whole log needs, NUL included (the kernel's log_true_size); 0 at log level 0. */
  logTrueSize: number;
}

/** A rejection raised inside the engine: the kernel's message for the current instruction. */
export class Reject extends Error {
  /**
   * @param message the kernel's error block (one or more log lines)
   * @param insn the instruction to report, when not the current one
   * @param main the line to report as `error.message` (default: the last line)
   */
  constructor(message: string, readonly insn?: number, readonly main?: string) {
    super(message);
    this.name = 'Reject';
  }
}
