/**
 * The one way CLI commands read a program FILE:
 *   - `.data`: a bpf_conformance test (`-- asm`, `-- mem`, `-- result`);
 *   - `.bin`, or any file that is not text: raw `struct bpf_insn[]` bytes;
 *   - hex text: bytes in memory order (`b7 00 00 00 2a 00 00 00`, `b70000002a000000`,
 *     `xxd -p` output) or `0x`-prefixed 64-bit words (`0x0000002a000000b7`, as in `-- raw`);
 *   - `.s`, `.asm` and any other text: assembly source in either dialect;
 *   - an ELF object (`clang -target bpf -c`, `llvm-mc -filetype=obj`), whatever its name:
 *     one program linked with its maps, license and program type (`programFromObject`),
 *     the one named by `options.section` or a `FILE:SECTION` path, else the first.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Dialect } from '../asm/dialect.js';
import type { Program } from '../isa/program.js';
import { InputError, UsageError } from './errors.js';

/** A program read from a file, with what came with it. */
export interface LoadedInput {
  readonly program: Program;
  /** Input memory (`-- mem` of a `.data` file). */
  readonly mem?: Uint8Array;
  /** Expected r0 (`-- result` of a `.data` file). */
  readonly expected?: bigint;
  /** How the file was read. */
  readonly kind: 'asm' | 'bin' | 'hex' | 'data' | 'elf';
  /** ELF objects: the program used (section name, or function name when a section has several). */
  readonly section?: string;
  /** ELF objects: every program of the object, by the names `section` accepts. */
  readonly sections?: readonly string[];
}

/** Options of `loadProgramFile`. */
export interface LoadOptions {
  /** Force the assembly dialect for source files. */
  dialect?: Dialect;
  /** ELF objects: the program section (or function) to read; the first program by default. */
  section?: string;
}

const isElf = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

/** Does this buffer look like text (UTF-8 without NUL or stray control bytes)? */
export function isText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c)) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parse hex text into instruction bytes, or return undefined when it is not hex text.
 * `0x`-prefixed words of up to 16 digits are 64-bit little-endian instruction words;
 * other groups are bytes in memory order. `#` and `//` start comments.
 * @example parseHexText('95 00 00 00 00 00 00 00') // Uint8Array [0x95, 0, ...]
 */
export function parseHexText(text: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/(#|\/\/).*$/, '');
    for (const tok of line.split(/[\s,]+/)) {
      if (tok === '') continue;
      if (/^0[xX][0-9a-fA-F]{1,16}$/.test(tok)) {
        let w = BigInt(tok);
        for (let i = 0; i < 8; i++) {
          out.push(Number(w & 0xffn));
          w >>= 8n;
        }
      } else if (/^([0-9a-fA-F]{2})+$/.test(tok)) {
        for (let i = 0; i < tok.length; i += 2) out.push(parseInt(tok.slice(i, i + 2), 16));
      } else {
        return undefined;
      }
    }
  }
  return out.length > 0 ? Uint8Array.from(out) : undefined;
}

async function decodeFile(path: string, bytes: Uint8Array): Promise<Program> {
  // The decoder loads only for bytecode files, so that assembling starts faster.
  const [{ decode }, { IsaError }, { programOf }] = await Promise.all([
    import('../isa/decode.js'), import('../isa/errors.js'), import('../isa/program.js'),
  ]);
  try {
    return programOf(decode(bytes));
  } catch (e) {
    if (e instanceof IsaError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
}

async function readElfFile(path: string, bytes: Uint8Array, section: string | undefined): Promise<LoadedInput> {
  const { readBpfObject, programFromObject, programNames, ElfError } = await import('../isa/elf.js');
  let sections: string[] = [];
  try {
    const obj = readBpfObject(bytes);
    sections = programNames(obj);
    const program = programFromObject(obj, section);
    return { program, kind: 'elf', section: section ?? sections[0]!, sections };
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    const which = section === undefined && sections.length > 1
      ? ` (while linking '${sections[0]}', the first of ${sections.length} programs: ${sections.map((n) => `'${n}'`).join(', ')}; choose one with ${path}:NAME)`
      : '';
    throw new InputError(`${path}: ${e.message}${which}`);
  }
}

/** Read a file, or (for `prog.o:xdp` when no such file exists) an ELF object and the section named after the colon. */
async function readInput(path: string): Promise<{ path: string; bytes: Uint8Array; section?: string }> {
  let first: unknown;
  try {
    return { path, bytes: await readFile(path) };
  } catch (e) {
    first = e;
  }
  if ((first as NodeJS.ErrnoException).code === 'ENOENT') {
    for (let i = path.indexOf(':'); i > 0; i = path.indexOf(':', i + 1)) {
      const file = path.slice(0, i);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch {
        continue;
      }
      if (isElf(bytes) && i + 1 < path.length) return { path: file, bytes, section: path.slice(i + 1) };
    }
  }
  const code = (first as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (first as Error).message;
  throw new InputError(`cannot read '${path}': ${why}`);
}

/**
 * Read a program FILE for any CLI command (`run`, `verify`, `load`, `test-run`, ...).
 * @example const { program, mem } = await loadProgramFile('tests/add.data')
 * @example const { program } = await loadProgramFile('prog.o:xdp') // or ('prog.o', { section: 'xdp' })
 */
export async function loadProgramFile(fileArg: string, options: LoadOptions = {}): Promise<LoadedInput> {
  const { path, bytes, section: pathSection } = await readInput(fileArg);
  if (isElf(bytes)) {
    if (pathSection !== undefined && options.section !== undefined && pathSection !== options.section) {
      throw new UsageError(`${fileArg}: the path names section '${pathSection}' and --section names '${options.section}'`);
    }
    return readElfFile(path, bytes, options.section ?? pathSection);
  }
  if (options.section !== undefined) throw new UsageError(`--section '${options.section}': ${path} is not an ELF object`);
  const ext = extname(path).toLowerCase();
  const source = ext === '.s' || ext === '.asm';
  if (!source && (ext === '.bin' || !isText(bytes))) {
    return { program: await decodeFile(path, bytes), kind: 'bin' };
  }
  const text = new TextDecoder().decode(bytes);
  // The assembler (and chevrotain) load only when a file needs assembling, so that
  // commands reading bytecode start faster.
  if (ext === '.data') {
    const { parseConformanceData } = await import('../asm/conformance-data.js');
    const c = parseConformanceData(text, path);
    return { program: c.program, mem: c.mem, ...(c.result !== undefined ? { expected: c.result } : {}), kind: 'data' };
  }
  if (!source) {
    const hex = parseHexText(text);
    if (hex !== undefined) return { program: await decodeFile(path, hex), kind: 'hex' };
  }
  const { assemble } = await import('../asm/assemble.js');
  return { program: assemble(text, { file: path, ...(options.dialect !== undefined ? { dialect: options.dialect } : {}) }), kind: 'asm' };
}
