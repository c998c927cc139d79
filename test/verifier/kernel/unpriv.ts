/**
 * The kernel's verdict for an unprivileged loader: `kernel.unprivileged_bpf_disabled` lowered
 * to 0 for the duration (and restored), and BPF_PROG_LOAD called by a child process running
 * as nobody (`unpriv-child.mjs`, plain node + koffi). Needs root to set the sysctl and the uid.
 * The same child, run as root, loads with a log buffer of an exact size (`childLoad`).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from '../../../src/isa/encode.js';
import type { Program } from '../../../src/isa/program.js';
import { kernelObjectName } from '../../../src/loader/kernel-map.js';
import { mapReferences, relocateMaps } from '../../../src/loader/relocate.js';
import type { Golden } from '../golden.js';
import { bpfUnavailableReason } from './bpf.js';
import { parseKernelLog } from './log.js';

const SYSCTL = '/proc/sys/kernel/unprivileged_bpf_disabled';
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'unpriv-child.mjs');
/** The unprivileged user the child runs as. */
export const NOBODY = 65534;

/** Why unprivileged loads cannot be tried here, or null when they can. */
export function unprivUnavailableReason(): string | null {
  const why = bpfUnavailableReason();
  if (why) return why;
  if (process.getuid?.() !== 0) return 'needs root (to lower kernel.unprivileged_bpf_disabled and to run a child as nobody)';
  try {
    accessSync(SYSCTL, constants.R_OK | constants.W_OK);
    const v = readFileSync(SYSCTL, 'utf8').trim();
    if (v === '1') return `${SYSCTL} is 1 (locked until reboot)`;
    writeFileSync(SYSCTL, v);
  } catch (e) {
    return `cannot write ${SYSCTL}: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

const LOCK = join(tmpdir(), 'tsbpf-unprivileged-bpf.lock');

/** Serialise the sysctl flip across test processes (two interleaved runs would restore 0). */
function lock(): void {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A holder that died long ago left it behind.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${LOCK}: held by another run for over a minute`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

/**
 * Lower `unprivileged_bpf_disabled` to 0 (under a lock shared by test processes); returns the
 * function that restores the old value and releases the lock.
 * @example const restore = allowUnprivilegedBpf(); try { ... } finally { restore(); }
 */
export function allowUnprivilegedBpf(): () => void {
  lock();
  let old: string;
  try {
    old = readFileSync(SYSCTL, 'utf8').trim();
    writeFileSync(SYSCTL, '0');
  } catch (e) {
    rmSync(LOCK, { recursive: true, force: true });
    throw e;
  }
  return () => {
    try {
      writeFileSync(SYSCTL, old);
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  };
}

/** What the unprivileged child answered for one program. */
export type UnprivAnswer =
  | { readonly kind: 'load'; readonly golden: Golden }
  | { readonly kind: 'map'; readonly mapIndex: number; readonly errno: number };

/** The child's raw answer for one job. */
export interface ChildAnswer {
  uid: number;
  accepted?: boolean;
  errno?: number;
  log?: string;
  /** log_true_size: the length the whole log needs, NUL included. */
  trueSize?: number;
  mapIndex?: number;
  mapErrno?: number;
}

/** Options of a child load. */
export interface ChildLoadOptions {
  /** Run as nobody (default) or as this process's user. */
  readonly asNobody?: boolean;
  /** log_level (default BPF_LOG_LEVEL1 | BPF_LOG_STATS). */
  readonly logLevel?: number;
  /** A fixed log buffer (no retry on ENOSPC); default 1 MiB, grown on ENOSPC. */
  readonly logSize?: number;
  /** Per program, overriding `logSize`. */
  readonly logSizes?: readonly number[];
}

/** The job the child reads: the code with each map reference's imm set to the map's index, and where to patch in its fd. */
function jobOf(program: Program, progType: number, o: ChildLoadOptions): object {
  const index = new Map(program.maps.map((m, i) => [m.name, i]));
  const insns = relocateMaps(program, (name) => index.get(name) ?? 0);
  const slotOf: number[] = [];
  let slot = 0;
  for (const insn of program.insns) {
    slotOf.push(slot);
    slot += insn.kind === 'lddw' ? 2 : 1;
  }
  const patches = mapReferences(program).map((r) => [slotOf[r.insn]! * 8, index.get(r.name) ?? 0]);
  return {
    progType, code: Buffer.from(encode(insns)).toString('hex'), patches,
    maps: program.maps.map((m) => ({
      type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: kernelObjectName(m.name),
      initialValue: m.initialValue ? Buffer.from(m.initialValue).toString('hex') : undefined, frozen: m.frozen === true,
    })),
    logLevel: o.logLevel, logSize: o.logSize,
  };
}

/**
 * Run the child on a batch of programs (one process) and return its raw answers.
 * Throws when the child fails, or does not run as nobody when asked to.
 */
export function childLoad(programs: readonly Program[], progType: number, o: ChildLoadOptions = {}): ChildAnswer[] {
  const asNobody = o.asNobody ?? true;
  const input = JSON.stringify(programs.map((p, i) => jobOf(p, progType, o.logSizes ? { ...o, logSize: o.logSizes[i] } : o)));
  const ids = asNobody ? { uid: NOBODY, gid: NOBODY } : {};
  const r = spawnSync(process.execPath, [CHILD], { input, ...ids, cwd: '/', env: { PATH: '/usr/bin:/bin' }, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`loader child exited with ${r.status}: ${r.stderr}`);
  const answers = JSON.parse(r.stdout) as ChildAnswer[];
  for (const a of answers) if (asNobody && a.uid !== NOBODY) throw new Error(`unprivileged child ran as uid ${a.uid}`);
  return answers;
}

/**
 * Load each program as nobody (one child process for the batch) and report the kernel's answers.
 * Throws when the child fails or does not run unprivileged.
 */
export function unprivilegedLoad(programs: readonly Program[], progType: number): UnprivAnswer[] {
  return childLoad(programs, progType).map((a) => {
    if (a.mapErrno !== undefined) return { kind: 'map', mapIndex: a.mapIndex!, errno: a.mapErrno };
    const parsed = parseKernelLog(a.log ?? '');
    const accepted = a.accepted === true;
    return {
      kind: 'load',
      golden: {
        digest: '', progType, verdict: accepted ? 'accepted' : 'rejected', errno: a.errno ?? 0,
        insn: accepted ? null : parsed.insn, message: accepted ? null : parsed.message,
        errorLines: accepted ? [] : parsed.errorLines, processed: parsed.processed,
      },
    };
  });
}
