/**
 * `tsbpf-asm load FILE [--pin PATH] [--log-level N] [--prog-type T] [--log]`: load a program
 * into the kernel, print its id, tag and the verifier's stats; on rejection print the log.
 */
import type { Program } from '../isa/program.js';
import { progTypeName } from '../isa/prog-types.js';
import { KernelError, bpfAvailable, loadProgram, type KernelProgram, type VerifierStats } from '../loader/index.js';
import { InputError, UsageError } from './errors.js';
import { intOption, progTypeOption, readOptionFile } from './options.js';
import { loadProgramFile } from './input.js';
import { type CliIo, registerCommand } from './main.js';

/** Fail with a clear message when bpf(2) cannot be used here. */
export function requireKernel(): void {
  const a = bpfAvailable();
  if (!a.ok) throw new InputError(`the kernel loader is unavailable: ${a.reason}`);
}

/** The verifier's stats as one line: `processed 9 insns (limit 1000000), 3 states, stack 0, 12 usec`. */
export function formatStats(s: VerifierStats): string {
  const parts: string[] = [];
  if (s.insnsProcessed !== undefined) parts.push(`processed ${s.insnsProcessed} insns${s.insnLimit !== undefined ? ` (limit ${s.insnLimit})` : ''}`);
  if (s.totalStates !== undefined) parts.push(`total_states ${s.totalStates}, peak_states ${s.peakStates ?? '?'}, max_states_per_insn ${s.maxStatesPerInsn ?? '?'}`);
  if (s.stackDepth !== undefined) parts.push(`stack depth ${s.stackDepth.join('+')}`);
  if (s.verificationTimeUsec !== undefined) parts.push(`verification time ${s.verificationTimeUsec} usec`);
  return parts.join(', ');
}

/**
 * Load a program for a CLI command; on rejection print the kernel's log to stderr and
 * return undefined (the caller exits 1).
 */
export function loadForCli(program: Program, io: CliIo, options: { progType?: number; logLevel?: number }): KernelProgram | undefined {
  const progType = options.progType ?? program.progType;
  if (progType === undefined) throw new UsageError('the program has no type: give --prog-type (e.g. xdp, socket_filter, tracepoint) or a .prog_type directive');
  try {
    return loadProgram(program, { progType, ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}) });
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    if (e.log) io.stderr(e.log.endsWith('\n') ? e.log : `${e.log}\n`);
    io.stderr(`error: the kernel rejected the program: ${e.summary}\n`);
    return undefined;
  }
}

interface LoadCliOptions {
  pin?: string;
  logLevel?: string;
  progType?: string;
  log?: boolean;
}

registerCommand((program, io, setExit) => {
  program
    .command('load')
    .description('load a program into the kernel (root): print its id, tag and the verifier stats')
    .argument('<file>', '.s source (either dialect), raw bytecode .bin, or hex text')
    .option('--pin <path>', 'pin the program in bpffs (mounted at /sys/fs/bpf if absent) so it outlives this command')
    .option('--log-level <n>', 'verifier log level bits: 1 = level 1, 2 = every insn, 4 = stats', '5')
    .option('--prog-type <type>', 'program type (xdp, socket_filter, tracepoint, ...); default the file\'s .prog_type')
    .option('--log', 'print the whole verifier log also when the program is accepted')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm load xdp.s --prog-type xdp\n  tsbpf-asm load counter.s --pin /sys/fs/bpf/counter\n')
    .action(async (file: string, opts: LoadCliOptions) => {
      const progType = progTypeOption(opts.progType);
      const logLevel = intOption('--log-level', opts.logLevel, 5);
      const { program: prog } = await loadProgramFile(file);
      requireKernel();
      const loaded = loadForCli(prog, io, { ...(progType !== undefined ? { progType } : {}), logLevel });
      if (!loaded) {
        setExit(1);
        return;
      }
      using kp = loaded;
      const info = kp.info();
      if (opts.log === true && kp.log) io.stdout(kp.log.endsWith('\n') ? kp.log : `${kp.log}\n`);
      io.stdout(`loaded ${progTypeName(kp.progType)} program${info.name ? ` '${info.name}'` : ''}: id ${info.id}, tag ${info.tag}\n`);
      io.stdout(`  ${prog.insns.length} insns; xlated ${info.xlatedLen} bytes, jited ${info.jitedLen} bytes; ${info.mapIds.length} map(s)${info.mapIds.length ? ` (ids ${info.mapIds.join(', ')})` : ''}\n`);
      const stats = formatStats(kp.stats);
      io.stdout(`  verifier: ${stats || `${info.verifiedInsns} insns verified`}\n`);
      if (opts.pin !== undefined) {
        kp.pin(opts.pin);
        io.stdout(`  pinned at ${opts.pin}\n`);
      } else {
        io.stdout('  (unloaded on exit; use --pin PATH to keep it)\n');
      }
    });
});
