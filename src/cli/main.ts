/**
 * `tsbpf-asm`: argument parsing and printing only; every behaviour lives in a library room.
 * Each subcommand lives in its own file and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from './errors.js';
import { packageVersion } from './version.js';

/** Output sinks, so tests can run the CLI in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A subcommand: adds itself to the program; its action returns the exit code. */
export type CommandRegistrar = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

const registrars: CommandRegistrar[] = [];

/** Subcommand files call this at import time. */
export function registerCommand(r: CommandRegistrar): void {
  registrars.push(r);
}

/** Turn any thrown value into a one-line message for the user. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Run the CLI with `argv` (without node and script); resolves to the exit code.
 * @example await runCli(['disasm', 'prog.bin'])
 */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (io === defaultIo && !epipeHandled) {
    epipeHandled = true;
    exitQuietlyOnEpipe(process.stdout);
  }
  const { COMMAND_FILES } = await import('./commands.js');
  const only = argv[0] !== undefined ? COMMAND_FILES[argv[0]] : undefined;
  if (only) await only();
  else for (const load of Object.values(COMMAND_FILES)) await load();
  let exit = 0;
  const program = new Command('tsbpf-asm')
    .description('eBPF assembler, disassembler, VM, verifier and kernel loader')
    .version(packageVersion(), '-V, --version', 'print the tsbpf version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) })
    .showHelpAfterError('(run with --help for usage)');
  for (const r of registrars) r(program, io, (code) => { exit = code; });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    io.stderr(`error: ${errorMessage(e)}\n`);
    return 1;
  }
}

/** A closed pipe on stdout (`tsbpf-asm ... | head`) ends the process quietly, as other Unix tools do. */
function exitQuietlyOnEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
let epipeHandled = false;

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};
