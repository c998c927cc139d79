/** Dialect detection: pseudo-C (`r0 = 1`) or mnemonic (`mov %r0, 1`). */
import { Ident, Newline, PercentReg, type IToken } from './lexer.js';
import { isMnemonic } from './mnemonic-parser.js';

/** The two source dialects. */
export type Dialect = 'pseudo-c' | 'mnemonic';

/** Words that begin a statement in both dialects or only in pseudo-C. */
const SHARED = new Set(['exit', 'call', 'callx', 'goto', 'gotol', 'may_goto', 'if', 'lock']);

/**
 * Guess the dialect: any `%rN` register means mnemonic; otherwise the first statement
 * that starts with a mnemonic-only word (`ja`, `lddw`, `mov`, ...) decides; else pseudo-C.
 * @example detectDialect('mov %r0, 1', tokens) // 'mnemonic'
 */
export function detectDialect(source: string, tokens: readonly IToken[]): Dialect {
  if (source.includes('%r') && /%r\d/.test(source)) return 'mnemonic';
  let atStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType === Newline) {
      atStart = true;
      continue;
    }
    if (!atStart) continue;
    atStart = false;
    if (t.tokenType === PercentReg) return 'mnemonic';
    if (t.tokenType !== Ident || t.image.startsWith('.')) continue;
    const next = tokens[i + 1];
    if (next !== undefined && next.image === ':') {
      atStart = true;
      i++;
      continue;
    }
    if (SHARED.has(t.image)) continue;
    return isMnemonic(t.image) && !/^[rw]\d+$/.test(t.image) ? 'mnemonic' : 'pseudo-c';
  }
  return 'pseudo-c';
}
