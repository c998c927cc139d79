/**
 * The chevrotain lexer shared by both dialects. Built once at module load.
 *
 * Statements are separated by `Newline` tokens; comments (`#`, `//`, `;` to the end of
 * the line, `/* ... *\/`) and blanks are skipped. Signs are separate tokens (`Minus`,
 * `Plus`); the parsers fold them into numbers. Registers are identifiers in pseudo-C
 * (`r1`, `w1`) and `PercentReg` tokens in the mnemonic dialect (`%r1`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IToken, TokenType } from 'chevrotain';

type Chevrotain = typeof import('chevrotain');

/**
 * chevrotain's package entry (`lib/src/api.js`) pulls in a few hundred modules and takes
 * ~300 ms to import; the package also ships the same library as one bundled file
 * (`lib/chevrotain.min.mjs`, ~15 ms). Use the bundle when it is there.
 */
async function loadChevrotain(): Promise<Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    const bundle = join(dirname(entry), '..', 'chevrotain.min.mjs');
    if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as Chevrotain;
  } catch {
    // fall through to the package entry
  }
  return import('chevrotain');
}

const { createToken, Lexer } = await loadChevrotain();

const tok = (name: string, pattern: RegExp, extra: Record<string, unknown> = {}): TokenType =>
  createToken({ name, pattern, ...extra });

export const WhiteSpace = tok('WhiteSpace', /[ \t\f\v]+/, { group: Lexer.SKIPPED });
export const Newline = tok('Newline', /\r\n|\r|\n/, { line_breaks: true });
export const LineComment = tok('LineComment', /(?:#|\/\/|;)[^\r\n]*/, { group: Lexer.SKIPPED });
export const BlockComment = tok('BlockComment', /\/\*[\s\S]*?\*\//, { group: Lexer.SKIPPED, line_breaks: true });
export const StringLit = tok('String', /"(?:[^"\\\r\n]|\\.)*"/);
// Unterminated comments and strings: matched once to the end (never rescanned, so no
// quadratic blow-up) and set aside in the `errors` group for the problem list.
export const UnterminatedComment = tok('UnterminatedComment', /\/\*[\s\S]*/, { group: 'errors', line_breaks: true });
export const UnterminatedString = tok('UnterminatedString', /"(?:[^"\\\r\n]|\\.)*/, { group: 'errors' });
export const NumberLit = tok('Number', /0[xX][0-9a-fA-F]+|[0-9]+/);
export const PercentReg = tok('PercentReg', /%[A-Za-z_][A-Za-z0-9_]*/);
// Signed operators come before identifiers so that `s>=` is not read as `s` `>=`.
// Whole memory operands as single tokens (fewer, cheaper tokens on the hot path); anything
// irregular falls back to the single-character tokens below and the parsers' slow path.
export const MemCast = tok('MemCast', /\*\(\s*[us](?:8|16|32|64)\s*\*\s*\)/);
export const Addr = tok('Addr', /\(\s*r(?:10|[0-9])\s*(?:[+-]\s*(?:0[xX][0-9a-fA-F]+|[0-9]+)\s*)?\)/);
export const MAddr = tok('MAddr', /\[\s*%r(?:10|[0-9])\s*(?:[+-]\s*(?:0[xX][0-9a-fA-F]+|[0-9]+)\s*)?\]/);
export const SArshAssign = tok('SArshAssign', /s>>=/);
export const SDivAssign = tok('SDivAssign', /s\/=/);
export const SModAssign = tok('SModAssign', /s%=/);
export const SGe = tok('SGe', /s>=/);
export const SLe = tok('SLe', /s<=/);
export const SGt = tok('SGt', /s>/);
export const SLt = tok('SLt', /s</);
export const Ident = tok('Ident', /[A-Za-z_.$][A-Za-z0-9_.$]*/);
export const LshAssign = tok('LshAssign', /<<=/);
export const RshAssign = tok('RshAssign', />>=/);
export const AddAssign = tok('AddAssign', /\+=/);
export const SubAssign = tok('SubAssign', /-=/);
export const MulAssign = tok('MulAssign', /\*=/);
export const DivAssign = tok('DivAssign', /\/=/);
export const ModAssign = tok('ModAssign', /%=/);
export const OrAssign = tok('OrAssign', /\|=/);
export const AndAssign = tok('AndAssign', /&=/);
export const XorAssign = tok('XorAssign', /\^=/);
export const EqEq = tok('EqEq', /==/);
export const NotEq = tok('NotEq', /!=/);
export const Ge = tok('Ge', />=/);
export const Le = tok('Le', /<=/);
export const Gt = tok('Gt', />/);
export const Lt = tok('Lt', /</);
export const Assign = tok('Assign', /=/);
export const Amp = tok('Amp', /&/);
export const Plus = tok('Plus', /\+/);
export const Minus = tok('Minus', /-/);
export const Star = tok('Star', /\*/);
export const LParen = tok('LParen', /\(/);
export const RParen = tok('RParen', /\)/);
export const LBracket = tok('LBracket', /\[/);
export const RBracket = tok('RBracket', /\]/);
export const Comma = tok('Comma', /,/);
export const Colon = tok('Colon', /:/);

/** Every token type, in matching priority order. */
export const allTokens: TokenType[] = [
  WhiteSpace, Newline, LineComment, BlockComment, UnterminatedComment, StringLit, UnterminatedString, NumberLit, MemCast, Addr, MAddr, PercentReg,
  SArshAssign, SDivAssign, SModAssign, SGe, SLe, SGt, SLt, Ident,
  LshAssign, RshAssign, AddAssign, SubAssign, MulAssign, DivAssign, ModAssign, OrAssign, AndAssign, XorAssign,
  EqEq, NotEq, Ge, Le, Gt, Lt, Assign, Amp, Plus, Minus, Star, LParen, RParen, LBracket, RBracket, Comma, Colon,
];

const lexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  skipValidations: true,
});

/** A character the lexer could not turn into a token. */
export interface LexProblem {
  /** Offset in the lexed text. */
  readonly offset: number;
  readonly message: string;
}

/**
 * Split assembly source into tokens (comments and blanks dropped).
 * @example lexAsm('r0 = 1\nexit').tokens.length // 5
 */
export function lexAsm(source: string): { tokens: IToken[]; problems: LexProblem[] } {
  const r = lexer.tokenize(source);
  const problems: LexProblem[] = r.errors.map((e) => ({
    offset: e.offset,
    message: `unexpected character '${source.substr(e.offset, e.length).slice(0, 1)}'`,
  }));
  const unterminated = r.groups['errors'];
  if (unterminated !== undefined && unterminated.length > 0) {
    for (const t of unterminated) {
      problems.push({ offset: t.startOffset, message: t.tokenType === UnterminatedComment ? "unterminated '/*' comment" : 'unterminated string' });
    }
    problems.sort((a, b) => a.offset - b.offset);
  }
  return { tokens: r.tokens, problems };
}

export type { IToken, TokenType };
