/**
 * The assembler driver: lex once, split into statements, hand each to the dialect's
 * statement parser, then resolve map names and labels and build the `Program`.
 * Every error is collected (one per statement at most) and thrown together as `AsmError`.
 */
import { helperIdByName } from '../isa/helpers.js';
import { slotIndices, type Insn } from '../isa/insn.js';
import type { Program } from '../isa/program.js';
import { AsmError, type AsmDiagnostic } from './asm-error.js';
import { addLabel, parseDirective } from './directives.js';
import { detectDialect, type Dialect } from './dialect.js';
import { Colon, Gt, Ident, lexAsm, Lt, Newline, NumberLit } from './lexer.js';
import { parseMnemonicInsn } from './mnemonic-parser.js';
import { ParseState, StatementError } from './parse-state.js';
import { parsePseudoCInsn } from './pseudo-c-parser.js';

/** Options of `assemble`. */
export interface AssembleOptions {
  /** File name used in error messages (default `<input>`). */
  file?: string;
  /** Force a dialect; by default it is detected from the source. */
  dialect?: Dialect;
}

/**
 * Assemble source text of either dialect into a `Program`. Throws `AsmError` listing
 * every error of the file with its line, column and a caret.
 * @example assemble('r0 = 0\nexit').insns.length // 2
 * @example assemble('mov %r0, 0\nexit', { dialect: 'mnemonic' })
 */
export function assemble(source: string, options: AssembleOptions = {}): Program {
  const file = options.file ?? '<input>';
  const s = new ParseState(source);
  let dialect = options.dialect;
  let parseInsn = parsePseudoCInsn;
  // Lexing chunk by chunk keeps the token objects short-lived (cheap young-generation
  // garbage) instead of holding a million of them until the end.
  for (const chunk of chunks(source)) {
    const { tokens, problems } = lexAsm(chunk.text);
    s.base = chunk.offset;
    // Statements holding a character the lexer rejected are reported once, not parsed.
    let problem = 0;
    for (const p of problems) s.errors.push(new StatementError(p.offset + chunk.offset, p.message));
    if (dialect === undefined) dialect = detectDialect(source, tokens);
    parseInsn = dialect === 'mnemonic' ? parseMnemonicInsn : parsePseudoCInsn;
    s.tokens = tokens;
    const n = tokens.length;
    let i = 0;
    while (i < n) {
      let e = i;
      while (e < n && tokens[e]!.tokenType !== Newline) e++;
      if (e > i) {
        s.pos = i;
        s.start = i;
        s.end = e;
        const stop = e < n ? tokens[e]!.startOffset : chunk.text.length;
        while (problem < problems.length && problems[problem]!.offset < tokens[i]!.startOffset) problem++;
        if (problem >= problems.length || problems[problem]!.offset > stop) statement(s, parseInsn);
      }
      i = e + 1;
    }
  }
  s.tokens = [];
  dialect ??= 'pseudo-c';
  resolveMaps(s);
  resolveFixups(s, dialect);
  if (s.errors.length > 0) throw new AsmError(toDiagnostics(s, file));
  const program: Program = {
    insns: s.insns,
    maps: s.maps,
    symbols: s.symbols,
    ...(s.progType !== undefined ? { progType: s.progType } : {}),
    ...(s.expectedAttachType !== undefined ? { expectedAttachType: s.expectedAttachType } : {}),
    ...(s.license !== undefined ? { license: s.license } : {}),
    ...(s.name !== undefined ? { name: s.name } : {}),
  };
  return program;
}

const CHUNK = 1 << 14;

/**
 * Split source into pieces of about 16 KiB that end at a line break, each with its offset
 * in the source. Sources with block comments are not split.
 */
function* chunks(source: string): Generator<{ text: string; offset: number }> {
  if (source.length <= CHUNK * 2 || source.includes('/*')) {
    yield { text: source, offset: 0 };
    return;
  }
  let start = 0;
  while (start < source.length) {
    let end = source.indexOf('\n', start + CHUNK);
    end = end < 0 ? source.length : end + 1;
    yield { text: source.slice(start, end), offset: start };
    start = end;
  }
}

const VERIFIER_OPCODE = /[ \t]*\(([0-9a-fA-F]{2})\)/y;
const OBJDUMP_BYTES = /[ \t]*[0-9a-fA-F]{2}(?:[ \t]+[0-9a-fA-F]{2}){7}(?:(?:[ \t]+[0-9a-fA-F]{2}){8})?(?=[ \t])/y;

/**
 * Skip what disassemblers print before an instruction, so their output assembles:
 * the verifier log's and bpftool's `12: (b7) ` (opcode `(18)` marks a 64-bit load even
 * without `ll`), llvm-objdump's `12:  b7 00 00 00 2a 00 00 00  `, and turn llvm-objdump's
 * symbol lines `0000000000000000 <name>:` into labels.
 */
function linePrefix(s: ParseState): void {
  if (!s.is(NumberLit)) return;
  if (s.is(Colon, 1)) {
    s.pos += 2;
    const after = s.at(s.tokens[s.pos - 1]!) + 1;
    let stop = -1;
    VERIFIER_OPCODE.lastIndex = after;
    const m = VERIFIER_OPCODE.exec(s.source);
    if (m !== null) {
      s.forceLddw = m[1] === '18';
      stop = VERIFIER_OPCODE.lastIndex;
    } else {
      OBJDUMP_BYTES.lastIndex = after;
      if (OBJDUMP_BYTES.exec(s.source) !== null) stop = OBJDUMP_BYTES.lastIndex;
    }
    while (s.pos < s.end && s.at(s.tokens[s.pos]!) < stop) s.pos++;
    return;
  }
  if (s.is(Lt, 1) && s.is(Ident, 2) && s.is(Gt, 3) && s.is(Colon, 4)) {
    const t = s.tokens[s.pos + 2]!;
    s.pos += 5;
    if (!t.image.startsWith('.')) addLabel(s, t.image, s.at(t));
  }
}

function statement(s: ParseState, parseInsn: (s: ParseState) => Insn): void {
  try {
    s.forceLddw = false;
    linePrefix(s);
    // Labels: `name:` (several may share a line).
    while (s.is(Ident) && s.is(Colon, 1)) {
      const t = s.tokens[s.pos]!;
      addLabel(s, t.image, s.at(t));
      s.pos += 2;
    }
    if (s.atEnd()) return;
    const first = s.tokens[s.pos]!;
    if (first.tokenType === Ident && first.image.charCodeAt(0) === 0x2e /* . */ && !s.is(Colon, 1)) {
      parseDirective(s);
      return;
    }
    s.insns.push(parseInsn(s));
  } catch (e) {
    if (!(e instanceof StatementError)) throw e;
    s.errors.push(e);
    const emitted = s.insns.length;
    while (s.fixups.length > 0 && s.fixups[s.fixups.length - 1]!.insn >= emitted) s.fixups.pop();
    while (s.mapRefs.length > 0 && s.mapRefs[s.mapRefs.length - 1]!.insn >= emitted) s.mapRefs.pop();
  }
}

function resolveMaps(s: ParseState): void {
  if (s.mapRefs.length === 0) return;
  const index = new Map<string, number>();
  s.maps.forEach((m, i) => index.set(m.name, i));
  for (const r of s.mapRefs) {
    const k = index.get(r.name);
    if (k === undefined) {
      s.errors.push(new StatementError(r.offset, `unknown map '${r.name}' (define it with .map ${r.name}, <type>, key=..., value=..., entries=...)`));
      continue;
    }
    const insn = s.insns[r.insn]!;
    if (insn.kind !== 'lddw') continue;
    // The instruction objects are still private to this run: patch them in place.
    (insn as { imm: bigint }).imm = (insn.imm & 0xffff_ffff_0000_0000n) | BigInt(k);
  }
}

function resolveFixups(s: ParseState, dialect: Dialect): void {
  if (s.fixups.length === 0) return;
  const slots = slotIndices(s.insns);
  let firstExit = -1;
  for (const f of s.fixups) {
    let target = s.labels.get(f.label)?.insn;
    const insn = s.insns[f.insn]!;
    if (target === undefined && f.helperFallback) {
      const id = helperIdByName(f.label);
      if (id !== undefined && insn.kind === 'call') {
        (insn as { target: string }).target = 'helper';
        (insn as { imm: number }).imm = id;
        continue;
      }
      s.errors.push(new StatementError(f.offset, `unknown helper or undefined label '${f.label}'`));
      continue;
    }
    if (target === undefined && f.label === 'exit' && dialect === 'mnemonic') {
      if (firstExit < 0) firstExit = s.insns.findIndex((x) => x.kind === 'exit');
      if (firstExit >= 0) target = firstExit;
    }
    if (target === undefined) {
      s.errors.push(new StatementError(f.offset, `undefined label '${f.label}'`));
      continue;
    }
    const rel = slots[target]! - slots[f.insn]! - 1;
    if (f.field === 'off') {
      if (rel < -0x8000 || rel > 0x7fff) {
        s.errors.push(new StatementError(f.offset, `jump to '${f.label}' is ${rel} slots away, more than a 16-bit offset holds (use gotol)`));
        continue;
      }
      (insn as { off: number }).off = rel;
    } else if (insn.kind === 'lddw') {
      (insn as { imm: bigint }).imm = BigInt(rel >>> 0);
    } else {
      (insn as { imm: number }).imm = rel;
    }
  }
}

function toDiagnostics(s: ParseState, file: string): AsmDiagnostic[] {
  const lines = s.source.split(/\r\n|\r|\n/);
  return [...s.errors]
    .sort((a, b) => a.offset - b.offset)
    .map((e) => {
      const { line, col } = s.lineCol(e.offset);
      return { file, line, col, message: e.message, sourceLine: lines[line - 1] ?? '' };
    });
}
