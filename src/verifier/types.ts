/** Public types of the verifier: options and the result of `verify`. */

/** Options of `verify`. */
export interface VerifyOptions {
  /** `BPF_PROG_TYPE_*`; defaults to the program's own type, else socket_filter. */
  progType?: number;
  /** 0: no log, 1: the failing path and states at branches, 2: every instruction. */
  logLevel?: 0 | 1 | 2;
  /** Privileged loader (root / CAP_BPF + CAP_PERFMON); default true. */
  privileged?: boolean;
  /** Processed-instruction limit (BPF_COMPLEXITY_LIMIT_INSNS); default 1,000,000. */
  maxInsns?: number;
  /** The kernel's nr_cpu_ids, the bound of bpf_get_smp_processor_id(); default 2 (the machines this was calibrated on). */
  nrCpus?: number;
  /**
   * Log buffer size in characters (the kernel's log_size); default 16 MiB, libbpf's BPF_LOG_BUF_SIZE.
   * Text past it is dropped as with BPF_LOG_FIXED; the closing message and statistics line are always kept.
   */
  logSize?: number;
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
  /** Set when the log outgrew `logSize` and text was dropped (the kernel would fail the load with ENOSPC). */
  logTruncated?: true;
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
