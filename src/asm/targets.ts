/** Jump and call targets shared by both dialects: `+N`, `-N`, `pc+N`, or a label. */
import { Gt, Ident, Lt, Minus, NumberLit, Plus, type IToken } from './lexer.js';
import type { ParseState } from './parse-state.js';

/** A parsed target: a numeric slot offset, or a label to resolve later. */
export interface Target {
  readonly value: number;
  readonly label?: IToken;
}

/**
 * Parse a jump target. `bits` is the width of the field it lands in (16 for `off`,
 * 32 for `imm`). `pc+N` / `pc-N` is the kernel verifier log's spelling.
 */
export function parseTarget(s: ParseState, bits: 16 | 32): Target {
  const t = s.peek();
  if (t === undefined) return s.failHere('expected a jump target');
  if (t.tokenType === Ident) {
    if (t.image === 'pc' && (s.is(Plus, 1) || s.is(Minus, 1))) {
      s.pos++;
      return { value: numericTarget(s, bits) };
    }
    s.pos++;
    skipAnnotation(s);
    return { value: 0, label: t };
  }
  if (t.tokenType === NumberLit || t.tokenType === Plus || t.tokenType === Minus) {
    const v = numericTarget(s, bits);
    skipAnnotation(s);
    return { value: v };
  }
  return s.failHere('expected a jump target (+N, -N or a label)');
}

function numericTarget(s: ParseState, bits: 16 | 32): number {
  const { value, tok } = s.signedNumber('a jump offset');
  const lim = bits === 16 ? 0x8000 : 0x8000_0000;
  if (value < -lim || value >= lim) s.fail(tok, `jump offset ${value} does not fit in ${bits} bits`);
  return value;
}

/** llvm-objdump appends `<label+0x10>` to jump targets; skip it. */
function skipAnnotation(s: ParseState): void {
  if (!s.is(Lt)) return;
  const save = s.pos;
  s.pos++;
  while (!s.atEnd() && !s.is(Gt)) s.pos++;
  if (s.accept(Gt) === undefined) s.pos = save;
}

/** Record a label fixup for the instruction about to be emitted. */
export function addFixup(s: ParseState, target: Target, field: 'off' | 'imm', helperFallback = false): void {
  if (target.label === undefined) return;
  const t = target.label;
  s.fixups.push({
    insn: s.insns.length, field, label: t.image, offset: s.at(t),
    ...(helperFallback ? { helperFallback } : {}),
  });
}
