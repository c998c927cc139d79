/**
 * Reader for the bpf_conformance `.data` test format: sections introduced by `-- NAME`
 * lines (`asm`, `raw`, `mem`, `result`, `error`; `c` and `no register offset` are
 * ignored), `#` comments, blank lines skipped.
 */
import type { Program } from '../isa/index.js';
import { assemble } from './assemble.js';

/** One conformance test case. */
export interface ConformanceCase {
  /** The `-- asm` section as written (mnemonic dialect). */
  readonly asm: string;
  /** The assembled program. */
  readonly program: Program;
  /** The `-- raw` section: expected instruction words (64-bit, little-endian layout). */
  readonly raw?: bigint[];
  /** The `-- mem` section: input memory (empty when absent). */
  readonly mem: Uint8Array;
  /** The `-- result` section: expected r0. */
  readonly result?: bigint;
  /** The `-- error` section: the expected failure text. */
  readonly error?: string;
}

function stripComment(line: string): string {
  const i = line.indexOf('#');
  return (i >= 0 ? line.slice(0, i) : line).trim();
}

function parseHexWord(text: string, file: string, line: number, what: string): bigint {
  const t = text.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(body)) throw new Error(`${file}:${line}: bad ${what} '${t}'`);
  const v = BigInt(body);
  if (v > 0xffff_ffff_ffff_ffffn) throw new Error(`${file}:${line}: ${what} '${t}' does not fit in 64 bits`);
  return BigInt.asUintN(64, neg ? -v : v);
}

/**
 * Parse a bpf_conformance `.data` file and assemble its `-- asm` section (assembler
 * errors point at lines of the `.data` file).
 * @example parseConformanceData(readFileSync('add.data', 'utf8'), 'add.data').result // 3n
 */
export function parseConformanceData(text: string, file = '<data>'): ConformanceCase {
  const lines = text.split(/\r\n|\r|\n/);
  let section = '';
  let asmStart = -1;
  const asmLines: string[] = [];
  const raw: bigint[] = [];
  const mem: number[] = [];
  let result: bigint | undefined;
  const errorLines: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^--\s*(.*?)\s*$/.exec(line);
    if (m !== null) {
      section = m[1]!;
      seen.add(section);
      if (section === 'asm' && asmStart < 0) asmStart = i + 1;
      continue;
    }
    switch (section) {
      case 'asm':
        asmLines.push(line);
        break;
      case 'raw': {
        const t = stripComment(line);
        if (t !== '') raw.push(parseHexWord(t, file, i + 1, 'raw instruction'));
        break;
      }
      case 'mem':
        for (const b of stripComment(line).split(/\s+/)) {
          if (b === '') continue;
          if (!/^(0x)?[0-9a-fA-F]{1,2}$/.test(b)) throw new Error(`${file}:${i + 1}: bad memory byte '${b}'`);
          mem.push(parseInt(b.replace(/^0x/, ''), 16));
        }
        break;
      case 'result': {
        const t = stripComment(line);
        if (t !== '') result = parseHexWord(t, file, i + 1, 'result');
        break;
      }
      case 'error': {
        const t = stripComment(line);
        if (t !== '') errorLines.push(t);
        break;
      }
      default:
        break;
    }
  }
  if (asmStart < 0) throw new Error(`${file}: no '-- asm' section`);
  const asm = asmLines.join('\n');
  const program = assemble('\n'.repeat(asmStart) + asm, { file, dialect: 'mnemonic' });
  return {
    asm,
    program,
    mem: Uint8Array.from(mem),
    ...(seen.has('raw') ? { raw } : {}),
    ...(result !== undefined ? { result } : {}),
    ...(errorLines.length > 0 ? { error: errorLines.join('\n') } : {}),
  };
}
