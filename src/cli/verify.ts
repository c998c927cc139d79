/**
 * `tsbpf-asm verify FILE [--prog-type T] [--log-level N] [--log-size BYTES [--log-fixed]] [--unprivileged] [--max-insns N] [--json]`:
 * predict BPF_PROG_LOAD's verdict offline. Exit 0 accepted, 1 rejected (or, with a log buffer too
 * small for the log, ENOSPC as the kernel answers).
 */
import { progTypeName } from '../isa/prog-types.js';
import { verify } from '../verifier/index.js';
import { UsageError } from './errors.js';
import { loadProgramFile } from './input.js';
import { registerCommand } from './main.js';
import { positiveIntOption, progTypeOption } from './options.js';

interface VerifyCliOptions {
  progType?: string;
  logLevel?: string;
  unprivileged?: boolean;
  maxInsns: string;
  json?: boolean;
  logSize?: string;
  logFixed?: boolean;
}

function parseLogLevel(text: string | undefined): 0 | 1 | 2 | undefined {
  if (text === undefined) return undefined;
  if (text === '0' || text === '1' || text === '2') return Number(text) as 0 | 1 | 2;
  throw new UsageError(`--log-level: '${text}' is not 0, 1 or 2`);
}

registerCommand((program, io, setExit) => {
  program
    .command('verify')
    .description("predict the kernel verifier's verdict: exit 0 accepted, 1 rejected (the log says why)")
    .argument('<file>', '.s source (either dialect), raw bytecode .bin, hex text, or a bpf_conformance .data file')
    .option('--prog-type <type>', "program type (socket_filter, xdp, tracepoint, ...); default the file's .prog_type")
    .option('--log-level <n>', '0 none, 1 the failing path and branch states, 2 every instruction with its registers')
    .option('--unprivileged', 'apply the rules for an unprivileged loader (default: root / CAP_BPF + CAP_PERFMON)')
    .option('--max-insns <n>', 'processed-instruction limit', '1000000')
    .option('--log-size <bytes>', "the log buffer's size: keep what the kernel's would (its last bytes) and fail with ENOSPC when the log does not fit")
    .option('--log-fixed', 'with --log-size: BPF_LOG_FIXED, keep the start of the log instead')
    .option('--json', 'print one JSON object: verdict, processed, error, stats (and log with --log-level)')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm verify xdp.s --prog-type xdp\n  tsbpf-asm verify prog.bin --prog-type socket_filter --log-level 2\n  tsbpf-asm verify prog.s --json\n  tsbpf-asm verify prog.s --log-level 2 --log-size 4096\n')
    .action(async (file: string, opts: VerifyCliOptions) => {
      const logSize = opts.logSize === undefined ? undefined : positiveIntOption('--log-size', opts.logSize);
      if (logSize !== undefined && logSize > 0x3fffffff) throw new UsageError(`--log-size: ${logSize} is above the kernel's limit (UINT_MAX >> 2)`);
      if (opts.logFixed === true && logSize === undefined) throw new UsageError('--log-fixed needs --log-size');
      if (logSize !== undefined && opts.logLevel === '0') throw new UsageError('--log-size needs a log: --log-level 1 or 2');
      // A log buffer means a log: the kernel refuses one at level 0.
      const requested = parseLogLevel(opts.logLevel) ?? (logSize !== undefined ? 1 : undefined);
      const maxInsns = positiveIntOption('--max-insns', opts.maxInsns ?? '1000000');
      const progType = progTypeOption(opts.progType);
      const { program: prog } = await loadProgramFile(file);
      const type = progType ?? prog.progType;
      if (type === undefined) throw new UsageError(`${file}: no program type: pass --prog-type (e.g. socket_filter, xdp, tracepoint) or add a .prog_type directive`);
      // Without --log-level, verify quietly (a long accepted path would build a long log for
      // nothing) and re-run at level 1 only to show the failing path of a rejection.
      const sizeOptions = logSize === undefined ? {} : { logSize, logFixed: opts.logFixed === true };
      const run = (logLevel: 0 | 1 | 2) => verify(prog, { progType: type, logLevel, privileged: opts.unprivileged !== true, maxInsns, ...sizeOptions });
      let result = run(requested ?? 0);
      if (requested === undefined && result.verdict === 'rejected') result = run(1);
      const showLog = requested !== undefined ? requested > 0 : result.verdict === 'rejected';
      const enospc = logSize !== undefined && result.logTruncated === true;
      setExit(result.verdict === 'accepted' && !enospc ? 0 : 1);
      if (opts.json === true) {
        const out: Record<string, unknown> = {
          verdict: result.verdict,
          progType: progTypeName(type),
          processed: result.processed,
          error: result.error,
          stats: result.stats,
        };
        if (logSize !== undefined) Object.assign(out, { logTrueSize: result.logTrueSize, enospc });
        if (showLog) out['log'] = result.log;
        io.stdout(`${JSON.stringify(out)}\n`);
        return;
      }
      if (showLog && result.log !== '') io.stdout(result.log.endsWith('\n') ? result.log : `${result.log}\n`);
      if (enospc) {
        io.stdout(`rejected: ENOSPC: the log needs ${result.logTrueSize} bytes, the buffer has ${logSize}; without that the verifier ${result.verdict === 'accepted' ? 'accepts' : `rejects at insn ${result.error?.insn ?? 0}: ${result.error?.message ?? ''}`} (processed ${result.processed} insns)\n`);
        return;
      }
      io.stdout(result.verdict === 'accepted'
        ? `accepted: ${progTypeName(type)} program, processed ${result.processed} insns\n`
        : `rejected: ${result.error ? `insn ${result.error.insn}: ${result.error.message}` : 'no error message'} (processed ${result.processed} insns)\n`);
    });
});
