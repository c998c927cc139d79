/**
 * The assembler driver: lex once, split into statements, hand each to the dialect's
 * statement parser, then resolve map names and labels and build the `Program`.
 * Every error is collected (one per statement at most) and thrown together as `AsmError`.
 */
import { helperIdByName } from '../isa/helpers.js';
import { slotIndices, type Insn, type Program } from '../isa/index.js';
import { AsmError, type AsmDiagnostic } from './asm-error.js';
import { addLabel, parseDirective } from './directives.js';
import { detectDialect, type Dialect } from './dialect.js';
import { Colon, Ident, LParen, lexAsm, Newline, NumberLit, RParen } from './lexer.js';
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
  const { tokens, problems } = lexAsm(source);
  const s = new ParseState(tokens);
  const badLines = new Set<number>();
  for (const p of problems) {
    s.errors.push(new StatementError(p.line, p.col, p.message));
    badLines.add(p.line);
  }
  const dialect = options.dialect ?? detectDialect(source, tokens);
  const parseInsn = dialect === 'mnemonic' ? parseMnemonicInsn : parsePseudoCInsn;
  const n = tokens.length;
  let i = 0;
  while (i < n) {
    let e = i;
    while (e < n && tokens[e]!.tokenType !== Newline) e++;
    if (e > i) {
      s.pos = i;
      s.end = e;
      s.line = tokens[i]!.startLine ?? 1;
      if (!badLines.has(s.line)) statement(s, parseInsn);
    }
    i = e + 1;
  }
  resolveMaps(s);
  resolveFixups(s, dialect);
  if (s.errors.length > 0) throw new AsmError(toDiagnostics(s.errors, source, file));
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

function statement(s: ParseState, parseInsn: (s: ParseState) => Insn): void {
  try {
    // Line prefixes of the verifier log and bpftool: `12: (b7) r0 = 0`.
    if (s.is(NumberLit) && s.is(Colon, 1)) {
      s.pos += 2;
      if (s.is(LParen) && s.is(RParen, 2)) s.pos += 3;
    }
    // Labels: `name:` (several may share a line).
    while (s.is(Ident) && s.is(Colon, 1)) {
      const t = s.tokens[s.pos]!;
      addLabel(s, t.image, t.startLine ?? s.line, t.startColumn ?? 1);
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
      s.errors.push(new StatementError(r.line, r.col, `unknown map '${r.name}' (define it with .map ${r.name}, <type>, key=..., value=..., entries=...)`));
      continue;
    }
    const insn = s.insns[r.insn]!;
    if (insn.kind !== 'lddw') continue;
    s.insns[r.insn] = { ...insn, imm: (insn.imm & 0xffff_ffff_0000_0000n) | BigInt(k) };
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
        s.insns[f.insn] = { ...insn, target: 'helper', imm: id };
        continue;
      }
      s.errors.push(new StatementError(f.line, f.col, `unknown helper or undefined label '${f.label}'`));
      continue;
    }
    if (target === undefined && f.label === 'exit' && dialect === 'mnemonic') {
      if (firstExit < 0) firstExit = s.insns.findIndex((x) => x.kind === 'exit');
      if (firstExit >= 0) target = firstExit;
    }
    if (target === undefined) {
      s.errors.push(new StatementError(f.line, f.col, `undefined label '${f.label}'`));
      continue;
    }
    const rel = slots[target]! - slots[f.insn]! - 1;
    if (f.field === 'off') {
      if (rel < -0x8000 || rel > 0x7fff) {
        s.errors.push(new StatementError(f.line, f.col, `jump to '${f.label}' is ${rel} slots away, more than a 16-bit offset holds (use gotol)`));
        continue;
      }
      s.insns[f.insn] = { ...insn, off: rel } as Insn;
    } else if (insn.kind === 'lddw') {
      s.insns[f.insn] = { ...insn, imm: BigInt(rel >>> 0) };
    } else {
      s.insns[f.insn] = { ...insn, imm: rel } as Insn;
    }
  }
}

function toDiagnostics(errors: readonly StatementError[], source: string, file: string): AsmDiagnostic[] {
  const lines = source.split(/\r\n|\r|\n/);
  return [...errors]
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .map((e) => ({ file, line: e.line, col: e.col, message: e.message, sourceLine: lines[e.line - 1] ?? '' }));
}
