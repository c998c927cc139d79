/**
 * `tsbpf-asm verify FILE [--prog-type T] [--log-level N] [--unprivileged] [--max-insns N] [--json]`:
 * predict BPF_PROG_LOAD's verdict offline. Exit 0 accepted, 1 rejected.
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
    .option('--json', 'print one JSON object: verdict, processed, error, stats (and log with --log-level)')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm verify xdp.s --prog-type xdp\n  tsbpf-asm verify prog.bin --prog-type socket_filter --log-level 2\n  tsbpf-asm verify prog.s --json\n')
    .action(async (file: string, opts: VerifyCliOptions) => {
      const requested = parseLogLevel(opts.logLevel);
      const maxInsns = positiveIntOption('--max-insns', opts.maxInsns ?? '1000000');
      const progType = progTypeOption(opts.progType);
      const { program: prog } = await loadProgramFile(file);
      const type = progType ?? prog.progType;
      if (type === undefined) throw new UsageError(`${file}: no program type: pass --prog-type (e.g. socket_filter, xdp, tracepoint) or add a .prog_type directive`);
      // Without --log-level, verify quietly (a long accepted path would build a long log for
      // nothing) and re-run at level 1 only to show the failing path of a rejection.
      const run = (logLevel: 0 | 1 | 2) => verify(prog, { progType: type, logLevel, privileged: opts.unprivileged !== true, maxInsns });
      let result = run(requested ?? 0);
      if (requested === undefined && result.verdict === 'rejected') result = run(1);
      const showLog = requested !== undefined ? requested > 0 : result.verdict === 'rejected';
      setExit(result.verdict === 'accepted' ? 0 : 1);
      if (opts.json === true) {
        const out: Record<string, unknown> = {
          verdict: result.verdict,
          progType: progTypeName(type),
          processed: result.processed,
          error: result.error,
          stats: result.stats,
        };
        if (showLog) out['log'] = result.log;
        io.stdout(`${JSON.stringify(out)}\n`);
        return;
      }
      if (showLog && result.log !== '') io.stdout(result.log.endsWith('\n') ? result.log : `${result.log}\n`);
      io.stdout(result.verdict === 'accepted'
        ? `accepted: ${progTypeName(type)} program, processed ${result.processed} insns\n`
        : `rejected: ${result.error ? `insn ${result.error.insn}: ${result.error.message}` : 'no error message'} (processed ${result.processed} insns)\n`);
    });
});
