/**
 * The chevrotain lexer shared by both dialects. Built once at module load.
 *
 * Statements are separated by `Newline` tokens; comments (`#`, `//`, `;` to the end of
 * the line, `/* ... *\/`) and blanks are skipped. Signs are separate tokens (`Minus`,
 * `Plus`); the parsers fold them into numbers. Registers are identifiers in pseudo-C
 * (`r1`, `w1`) and `PercentReg` tokens in the mnemonic dialect (`%r1`).
 */
import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

type Matcher = (text: string, offset: number) => [string] | null;

const tok = (name: string, pattern: RegExp | string | Matcher, extra: Record<string, unknown> = {}): TokenType =>
  createToken({ name, pattern, ...extra });

/*
 * Hand-written matchers for the frequent tokens (chevrotain "custom token patterns"):
 * each matches exactly what the regular expression in its comment matches, without the
 * cost of a RegExp call per token. They return one reused array (chevrotain reads `[0]`
 * at once) and, where the image is fixed, a constant string, so they allocate nothing.
 */
const result: [string] = [''];
const hit = (image: string): [string] => {
  result[0] = image;
  return result;
};

/** Character classes: 1 identifier start `[A-Za-z_.$]`, 2 digit, 4 hex digit, 8 `%`-register start `[A-Za-z_]`. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_.$]/.test(ch)) CLASS[c]! |= 1;
  if (/[0-9]/.test(ch)) CLASS[c]! |= 2;
  if (/[0-9a-fA-F]/.test(ch)) CLASS[c]! |= 4;
  if (/[A-Za-z_]/.test(ch)) CLASS[c]! |= 8;
}
const is = (text: string, i: number, mask: number): boolean => {
  const c = text.charCodeAt(i);
  return c < 128 && (CLASS[c]! & mask) !== 0;
};

/*
 * Images of the commonest tokens, shared instead of cut out of the source once per token:
 * registers, the words that begin or end statements, small decimal numbers.
 */
const REG_IMAGES = [Array.from({ length: 11 }, (_, i) => `r${i}`), Array.from({ length: 11 }, (_, i) => `w${i}`)] as const;
const WORD_IMAGES: string[][] = [];
for (const w of ['if', 'goto', 'gotol', 'call', 'callx', 'exit', 'lock', 'll', 'skb', 'map', 'be16', 'be32', 'be64', 'le16', 'le32', 'le64', 'may_goto']) {
  (WORD_IMAGES[w.charCodeAt(0)] ??= []).push(w);
}
const NUMBER_IMAGES = Array.from({ length: 1000 }, (_, i) => String(i));

/** The image of the identifier at [offset, end): a shared string when it is a common one. */
function identImage(text: string, offset: number, end: number): string {
  const len = end - offset;
  const c0 = text.charCodeAt(offset);
  if ((c0 === 0x72 || c0 === 0x77) && len <= 3 && len >= 2) {
    const table = REG_IMAGES[c0 === 0x72 ? 0 : 1];
    const d1 = text.charCodeAt(offset + 1) - 0x30;
    if (len === 2 && d1 >= 0 && d1 <= 9) return table[d1]!;
    if (len === 3 && d1 === 1 && text.charCodeAt(offset + 2) === 0x30) return table[10]!;
  }
  const words = WORD_IMAGES[c0];
  if (words !== undefined) {
    for (const w of words) if (w.length === len && text.startsWith(w, offset)) return w;
  }
  return text.substring(offset, end);
}

/** `[A-Za-z_.$][A-Za-z0-9_.$]*` */
const matchIdent: Matcher = (text, offset) => {
  if (!is(text, offset, 1)) return null;
  let i = offset + 1;
  while (is(text, i, 3)) i++;
  return hit(identImage(text, offset, i));
};

const isBit = (c: number): boolean => c === 0x30 || c === 0x31;

/** `0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+` */
const matchNumber: Matcher = (text, offset) => {
  if (!is(text, offset, 2)) return null;
  let i = offset + 1;
  if (text.charCodeAt(offset) === 0x30) {
    const c1 = text.charCodeAt(i) | 0x20;
    if (c1 === 0x78 && is(text, i + 1, 4)) {
      i += 2;
      while (is(text, i, 4)) i++;
      return hit(text.substring(offset, i));
    }
    if (c1 === 0x62 && isBit(text.charCodeAt(i + 1))) {
      i += 2;
      while (isBit(text.charCodeAt(i))) i++;
      return hit(text.substring(offset, i));
    }
  }
  let v = text.charCodeAt(offset) - 0x30;
  while (is(text, i, 2)) v = v * 10 + text.charCodeAt(i++) - 0x30;
  // A shared image when the digits spell the number exactly (no leading zeros).
  return hit(v < 1000 && NUMBER_IMAGES[v]!.length === i - offset ? NUMBER_IMAGES[v]! : text.substring(offset, i));
};

/** `%[A-Za-z_][A-Za-z0-9_]*` */
const matchPercentReg: Matcher = (text, offset) => {
  if (text.charCodeAt(offset) !== 0x25 || !is(text, offset + 1, 8)) return null;
  let i = offset + 2;
  while (is(text, i, 10)) i++;
  return hit(text.substring(offset, i));
};

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0c || c === 0x0b;

/** `[ \t\f\v]+` */
const matchWhiteSpace: Matcher = (text, offset) => {
  const c = text.charCodeAt(offset);
  if (!isBlank(c)) return null;
  let i = offset + 1;
  while (isBlank(text.charCodeAt(i))) i++;
  return hit(i === offset + 1 && c === 0x20 ? ' ' : text.substring(offset, i));
};

/** `\r\n|\r|\n` */
const matchNewline: Matcher = (text, offset) => {
  const c = text.charCodeAt(offset);
  if (c === 0x0a) return hit('\n');
  if (c !== 0x0d) return null;
  return hit(text.charCodeAt(offset + 1) === 0x0a ? '\r\n' : '\r');
};

/** `(?:#|\/\/|;)[^\r\n]*` */
const matchLineComment: Matcher = (text, offset) => {
  const c = text.charCodeAt(offset);
  if (c !== 0x23 && c !== 0x3b && !(c === 0x2f && text.charCodeAt(offset + 1) === 0x2f)) return null;
  let i = offset + 1;
  for (let d = text.charCodeAt(i); i < text.length && d !== 0x0a && d !== 0x0d; d = text.charCodeAt(++i));
  return hit(text.substring(offset, i));
};

/** A fixed operator of two or more characters. */
const literal = (image: string): Matcher => {
  const codes = Array.from(image, (ch) => ch.charCodeAt(0));
  return (text, offset) => {
    for (let k = 0; k < codes.length; k++) if (text.charCodeAt(offset + k) !== codes[k]) return null;
    return hit(image);
  };
};

/** A rarer token: its sticky regular expression, run at the offset. */
const sticky = (re: RegExp): Matcher => (text, offset) => {
  re.lastIndex = offset;
  return re.test(text) ? hit(text.substring(offset, re.lastIndex)) : null;
};

const IDENT_START = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.$'];
/** A fixed token: a one-character string pattern (chevrotain compares the character), else a literal matcher. */
const fixed = (name: string, image: string): TokenType =>
  image.length === 1 ? tok(name, image) : tok(name, literal(image), { start_chars_hint: [image[0]], line_breaks: false });

// A single space, by far the commonest blank, is a one-character pattern: chevrotain matches
// it by comparing the character, without a call. Runs and other blanks go to WhiteSpace.
export const Space = tok('Space', ' ', { group: Lexer.SKIPPED });
export const WhiteSpace = tok('WhiteSpace', matchWhiteSpace, { group: Lexer.SKIPPED, start_chars_hint: [' ', '\t', '\f', '\v'], line_breaks: false });
export const Newline = tok('Newline', matchNewline, { start_chars_hint: ['\n', '\r'], line_breaks: true });
export const LineComment = tok('LineComment', matchLineComment, { group: Lexer.SKIPPED, start_chars_hint: ['#', '/', ';'], line_breaks: false });
export const BlockComment = tok('BlockComment', sticky(/\/\*[\s\S]*?\*\//y), { group: Lexer.SKIPPED, start_chars_hint: ['/'], line_breaks: true });
export const StringLit = tok('String', sticky(/"(?:[^"\\\r\n]|\\.)*"/y), { start_chars_hint: ['"'], line_breaks: false });
// Unterminated comments and strings: matched once to the end (never rescanned, so no
// quadratic blow-up) and set aside in the `errors` group for the problem list.
export const UnterminatedComment = tok('UnterminatedComment', sticky(/\/\*[\s\S]*/y), { group: 'errors', start_chars_hint: ['/'], line_breaks: true });
export const UnterminatedString = tok('UnterminatedString', sticky(/"(?:[^"\\\r\n]|\\.)*/y), { group: 'errors', start_chars_hint: ['"'], line_breaks: false });
export const NumberLit = tok('Number', matchNumber, { start_chars_hint: [...'0123456789'], line_breaks: false });
export const PercentReg = tok('PercentReg', matchPercentReg, { start_chars_hint: ['%'], line_breaks: false });
// Signed operators come before identifiers so that `s>=` is not read as `s` `>=`.
// Whole memory operands as single tokens (fewer, cheaper tokens on the hot path); anything
// irregular falls back to the single-character tokens below and the parsers' slow path.
export const MemCast = tok('MemCast', sticky(/\*\(\s*[us](?:8|16|32|64)\s*\*\s*\)/y), { start_chars_hint: ['*'], line_breaks: true });
export const Addr = tok('Addr', sticky(/\(\s*r(?:10|[0-9])\s*(?:[+-]\s*(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)\s*)?\)/y), { start_chars_hint: ['('], line_breaks: true });
export const MAddr = tok('MAddr', sticky(/\[\s*%r(?:10|[0-9])\s*(?:[+-]\s*(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)\s*)?\]/y), { start_chars_hint: ['['], line_breaks: true });
export const SArshAssign = fixed('SArshAssign', 's>>=');
export const SDivAssign = fixed('SDivAssign', 's/=');
export const SModAssign = fixed('SModAssign', 's%=');
export const SGe = fixed('SGe', 's>=');
export const SLe = fixed('SLe', 's<=');
export const SGt = fixed('SGt', 's>');
export const SLt = fixed('SLt', 's<');
export const Ident = tok('Ident', matchIdent, { start_chars_hint: IDENT_START, line_breaks: false });
export const LshAssign = fixed('LshAssign', '<<=');
export const RshAssign = fixed('RshAssign', '>>=');
// Operators of constant expressions (`.set`, immediates): `<< >> / % | ^ ~`.
export const Shl = fixed('Shl', '<<');
export const Shr = fixed('Shr', '>>');
export const AddAssign = fixed('AddAssign', '+=');
export const SubAssign = fixed('SubAssign', '-=');
export const MulAssign = fixed('MulAssign', '*=');
export const DivAssign = fixed('DivAssign', '/=');
export const ModAssign = fixed('ModAssign', '%=');
export const OrAssign = fixed('OrAssign', '|=');
export const AndAssign = fixed('AndAssign', '&=');
export const XorAssign = fixed('XorAssign', '^=');
export const EqEq = fixed('EqEq', '==');
export const NotEq = fixed('NotEq', '!=');
export const Ge = fixed('Ge', '>=');
export const Le = fixed('Le', '<=');
export const Gt = fixed('Gt', '>');
export const Lt = fixed('Lt', '<');
export const Assign = fixed('Assign', '=');
export const Amp = fixed('Amp', '&');
export const Plus = fixed('Plus', '+');
export const Minus = fixed('Minus', '-');
export const Star = fixed('Star', '*');
export const LParen = fixed('LParen', '(');
export const RParen = fixed('RParen', ')');
export const LBracket = fixed('LBracket', '[');
export const RBracket = fixed('RBracket', ']');
export const Comma = fixed('Comma', ',');
export const Slash = fixed('Slash', '/');
export const Percent = fixed('Percent', '%');
export const Pipe = fixed('Pipe', '|');
export const Caret = fixed('Caret', '^');
export const Tilde = fixed('Tilde', '~');
export const Colon = fixed('Colon', ':');

/** Every token type, in matching priority order. */
export const allTokens: TokenType[] = [
  Space, WhiteSpace, Newline, LineComment, BlockComment, UnterminatedComment, StringLit, UnterminatedString, NumberLit, MemCast, Addr, MAddr, PercentReg,
  SArshAssign, SDivAssign, SModAssign, SGe, SLe, SGt, SLt, Ident,
  LshAssign, RshAssign, Shl, Shr, AddAssign, SubAssign, MulAssign, DivAssign, ModAssign, OrAssign, AndAssign, XorAssign,
  EqEq, NotEq, Ge, Le, Gt, Lt, Assign, Amp, Plus, Minus, Star, LParen, RParen, LBracket, RBracket, Comma, Colon,
  Slash, Percent, Pipe, Caret, Tilde,
];

const lexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  skipValidations: true,
});
// A few runs over a short text, so that V8 has allocated the tokenizer's feedback vector and
// recorded the code after its loop (which the first chunk of a long file reaches only after
// V8 has optimized the loop): without that feedback, the optimized tokenizer deoptimizes at
// the end of chunks and is compiled again and again.
for (let k = 0; k < 16; k++) lexer.tokenize('r0 = 1 # .\n');

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
