/**
 * The kernel's verdict on one program through the loader (`src/loader`): BPF_PROG_LOAD
 * with a verifier log, the program's maps created and relocated, every fd closed after.
 */
import type { Program } from '../../../src/isa/program.js';
import { KernelError, bpfAvailable, loadProgram } from '../../../src/loader/index.js';

/** log_level bits of BPF_PROG_LOAD. */
export const BPF_LOG_LEVEL1 = 1;
export const BPF_LOG_LEVEL2 = 2;
export const BPF_LOG_STATS = 4;

/** Why bpf(2) cannot be used here, or null when it can. */
export function bpfUnavailableReason(): string | null {
  const a = bpfAvailable();
  return a.ok ? null : a.reason;
}

/** What the kernel said about one BPF_PROG_LOAD. */
export interface KernelLoadResult {
  readonly accepted: boolean;
  /** 0 when accepted. */
  readonly errno: number;
  readonly log: string;
}

/** Options of `kernelLoad`. */
export interface KernelLoadOptions {
  readonly progType: number;
  /** BPF_LOG_* bits; default level 1 + stats. */
  readonly logLevel?: number;
}

/**
 * Load `program` into the kernel and report the verdict, errno and verifier log.
 * Failures other than BPF_PROG_LOAD's (map creation, relocation) are thrown.
 * @example kernelLoad(programOf([mov64(R0, 0), exit()]), { progType: 1 }).accepted // true
 */
export function kernelLoad(program: Program, options: KernelLoadOptions): KernelLoadResult {
  try {
    const prog = loadProgram(program, { progType: options.progType, logLevel: options.logLevel ?? (BPF_LOG_LEVEL1 | BPF_LOG_STATS), logSize: 1 << 20 });
    const log = prog.log;
    prog.close();
    return { accepted: true, errno: 0, log };
  } catch (e) {
    if (e instanceof KernelError && e.syscall === 'bpf(BPF_PROG_LOAD)') return { accepted: false, errno: e.errno, log: e.log };
    throw e;
  }
}
