/** Option values shared by the subcommands: program types, integers, files. */
import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import { parseProgType } from '../isa/prog-types.js';
import { InputError, UsageError } from './errors.js';

/** `--prog-type` text to a value (undefined when absent). */
export function progTypeOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = parseProgType(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (t === undefined) throw new UsageError(`--prog-type: unknown program type '${text}' (e.g. socket_filter, xdp, tracepoint)`);
  return t;
}

/** A non-negative integer option, or a usage error naming it. */
export function intOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${name}: '${text}' is not a non-negative integer`);
  return n;
}

/** A positive integer option (`--max-insns`), or a usage error naming it. */
export function positiveIntOption(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${name}: '${text}' is not a positive integer`);
  return n;
}

/** Read a whole file given by an option, as an input error when it cannot be read. */
export async function readOptionFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${what}: cannot read '${path}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/**
 * The `--section <name>` option of commands that read a program file: which program of an
 * ELF object to use (a section such as `xdp`, or a function name); pass its value to
 * `loadProgramFile(file, { section })`. `FILE:SECTION` paths say the same without it.
 * @example command.addOption(sectionOption())
 */
export function sectionOption(): Option {
  return new Option('--section <name>', 'ELF objects: the program section or function to use (default: the first; FILE:SECTION works too)');
}
