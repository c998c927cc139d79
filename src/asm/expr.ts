/**
 * Constant expressions, where an immediate or offset goes and in `.set`/`.equ`: numbers,
 * constants defined by `.set NAME, expr`, parentheses, unary `-` `+` `~`, and the binary
 * operators with llvm-mc's (GNU as) precedence, lowest first, each level left to right:
 *
 *     +  -
 *     |  ^  &                 (GNU as puts the bitwise operators above + and -)
 *     *  /  %  <<  >>         / and % signed (truncating), >> logical
 *
 * Arithmetic is 64-bit two's complement, as llvm-mc evaluates; the caller range-checks the
 * result for its field. Division by zero and shifts outside 0..63 are errors.
 */
import type { IToken, TokenType } from './lexer.js';
import { Amp, Caret, Ident, LParen, Minus, NumberLit, Percent, Pipe, Plus, RParen, Shl, Shr, Slash, Star, Tilde } from './lexer.js';
import { badOctal, bigNumberValue } from './numbers.js';
import type { ParseState } from './parse-state.js';

type Apply = (a: bigint, b: bigint, s: ParseState, op: IToken) => bigint;

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const shiftCount = (b: bigint, s: ParseState, op: IToken): bigint => {
  if (b < 0n || b > 63n) s.fail(op, `shift count ${b} is outside 0..63`);
  return b;
};
const divisor = (b: bigint, s: ParseState, op: IToken): bigint => {
  if (b === 0n) s.fail(op, 'division by zero in a constant expression');
  return b;
};

/** Binary operators: precedence and evaluation. */
const BINARY = new Map<TokenType, { prec: number; apply: Apply }>([
  [Plus, { prec: 1, apply: (a, b) => wrap(a + b) }],
  [Minus, { prec: 1, apply: (a, b) => wrap(a - b) }],
  [Pipe, { prec: 2, apply: (a, b) => a | b }],
  [Caret, { prec: 2, apply: (a, b) => a ^ b }],
  [Amp, { prec: 2, apply: (a, b) => a & b }],
  [Star, { prec: 3, apply: (a, b) => wrap(a * b) }],
  [Slash, { prec: 3, apply: (a, b, s, op) => wrap(a / divisor(b, s, op)) }],
  [Percent, { prec: 3, apply: (a, b, s, op) => a % divisor(b, s, op) }],
  [Shl, { prec: 3, apply: (a, b, s, op) => wrap(a << shiftCount(b, s, op)) }],
  [Shr, { prec: 3, apply: (a, b, s, op) => wrap(BigInt.asUintN(64, a) >> shiftCount(b, s, op)) }],
]);

/** Is token `k` (from the cursor) a binary operator of expressions? */
export function atOperator(s: ParseState, k = 0): boolean {
  const i = s.pos + k;
  return i < s.end && BINARY.has(s.tokens[i]!.tokenType);
}

/** Can an expression start at token `k`: a number, a constant, `(`, or a unary operator before one? */
export function atExpr(s: ParseState, k = 0): boolean {
  for (let i = s.pos + k; i < s.end; i++) {
    const t = s.tokens[i]!;
    const tt = t.tokenType;
    if (tt === NumberLit || tt === LParen) return true;
    if (tt === Ident) return s.constants.has(t.image);
    if (tt !== Minus && tt !== Plus && tt !== Tilde) return false;
  }
  return false;
}

/**
 * Parse the expression at the cursor; `what` names it in errors (`expected an offset`).
 * Returns its 64-bit value (signed) and its first token.
 * @example parseExpr(s, 'an immediate') // { value: 16n, tok } for `ETH_HLEN + 2`
 */
export function parseExpr(s: ParseState, what: string): { value: bigint; tok: IToken } {
  const tok = s.peek();
  if (tok === undefined) s.failHere(`expected ${what}`);
  return { value: binary(s, what, 1), tok };
}

function binary(s: ParseState, what: string, minPrec: number): bigint {
  let left = unary(s, what);
  for (;;) {
    const op = s.peek();
    const b = op !== undefined ? BINARY.get(op.tokenType) : undefined;
    if (b === undefined || b.prec < minPrec) return left;
    s.pos++;
    const right = binary(s, what, b.prec + 1);
    left = b.apply(left, right, s, op!);
  }
}

function unary(s: ParseState, what: string): bigint {
  const t = s.peek();
  if (t === undefined) return s.failHere(`expected ${what}`);
  switch (t.tokenType) {
    case Minus:
      s.pos++;
      return wrap(-unary(s, what));
    case Plus:
      s.pos++;
      return unary(s, what);
    case Tilde:
      s.pos++;
      return ~unary(s, what);
    case LParen: {
      s.pos++;
      const v = binary(s, what, 1);
      s.expect(RParen, "')'");
      return v;
    }
    case NumberLit: {
      s.pos++;
      const v = bigNumberValue(t.image);
      if (v === undefined) return s.fail(t, badOctal(t.image));
      if (v > 0xffff_ffff_ffff_ffffn) s.fail(t, `${t.image} does not fit in 64 bits`);
      return wrap(v);
    }
    case Ident: {
      const v = s.constants.get(t.image);
      if (v !== undefined) {
        s.pos++;
        return v;
      }
      if (!/^[rw]\d+$/.test(t.image)) s.fail(t, `unknown constant '${t.image}' (define it before use with .set ${t.image}, VALUE)`);
      break;
    }
    default:
      break;
  }
  return s.failHere(`expected ${what}`);
}
