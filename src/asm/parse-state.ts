/**
 * The mutable state of one assembly run, shared by both dialect parsers: the token
 * cursor over the current statement, the instructions emitted so far, labels, label
 * fixups, program metadata from directives, and the diagnostics collected.
 */
import type { Insn, MapDef, ProgramSymbol, Reg } from '../isa/index.js';
import type { IToken, TokenType } from './lexer.js';
import { atOperator, parseExpr } from './expr.js';
import { Minus, NumberLit, Plus } from './lexer.js';
import { badOctal, bigNumberValue, numberValue } from './numbers.js';

/** Thrown inside a statement parser; caught per statement so every error is reported. */
export class StatementError extends Error {
  /** Offset of the error in the whole source (converted to line:col when reported). */
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** A jump/call operand that names a label, resolved after the whole file is read. */
export interface Fixup {
  /** Index into `insns`. */
  readonly insn: number;
  /** Which field gets the slot offset: `off` (jumps) or `imm` (gotol, calls, `func[label]`). */
  readonly field: 'off' | 'imm';
  readonly label: string;
  /** Source offset of the label reference. */
  readonly offset: number;
  /** `call name`: when no label has that name, fall back to a helper name. */
  readonly helperFallback?: boolean;
}

/** A label definition and where it was written. */
export interface LabelDef {
  readonly insn: number;
  /** Source offset of the definition. */
  readonly offset: number;
}

/** A `map[name]` reference, resolved to the map's index after every `.map` is read. */
export interface MapRef {
  readonly insn: number;
  readonly name: string;
  /** Source offset of the name. */
  readonly offset: number;
}

const WIDE: readonly { reg: Reg; wide: boolean }[] = Array.from({ length: 11 }, (_, i) => ({ reg: i as Reg, wide: true }));
const NARROW: readonly { reg: Reg; wide: boolean }[] = Array.from({ length: 11 }, (_, i) => ({ reg: i as Reg, wide: false }));

/** `r3` -> { reg: 3, wide: true }, `w3` -> { reg: 3, wide: false }, else undefined. */
export function regByName(name: string): { reg: Reg; wide: boolean } | undefined {
  const len = name.length;
  if (len < 2 || len > 3) return undefined;
  const c0 = name.charCodeAt(0);
  const table = c0 === 0x72 /* r */ ? WIDE : c0 === 0x77 /* w */ ? NARROW : undefined;
  if (table === undefined) return undefined;
  const d1 = name.charCodeAt(1) - 0x30;
  if (d1 < 0 || d1 > 9) return undefined;
  if (len === 2) return table[d1];
  const d2 = name.charCodeAt(2) - 0x30;
  return d1 === 1 && d2 === 0 ? table[10] : undefined;
}

/** Parsing state for one file; the dialect parsers advance `pos` up to `end`. */
export class ParseState {
  tokens: IToken[];
  /** Cursor into `tokens` for the current statement. */
  pos = 0;
  /** One past the last token of the current statement (its Newline or the end). */
  end = 0;
  /** The statement carried the verifier log's `(18)` opcode: `rN = imm` is a 64-bit load. */
  forceLddw = false;
  /** The token that began the last size cast (`*(u32 *)` or `(u32 *)`), for errors. */
  castTok: IToken | undefined;
  /** Scratch result of the memory-operand decoders (base register and offset). */
  memReg: Reg = 0;
  memOff = 0;
  /** Index of the first token of the current statement. */
  start = 0;
  /** Offset of the current token chunk in the whole source. */
  base = 0;
  /** The whole source text. */
  readonly source: string;
  private lineStarts: number[] | undefined;
  readonly insns: Insn[] = [];
  readonly fixups: Fixup[] = [];
  readonly mapRefs: MapRef[] = [];
  readonly labels = new Map<string, LabelDef>();
  /** Labels defined by `.func` that a `name:` on the same instruction may repeat. */
  readonly funcLabels = new Set<string>();
  readonly symbols: ProgramSymbol[] = [];
  readonly maps: MapDef[] = [];
  /** Source offset of each map definition, by name. */
  readonly mapDefs = new Map<string, number>();
  progType: number | undefined;
  expectedAttachType: number | undefined;
  license: string | undefined;
  name: string | undefined;
  readonly errors: StatementError[] = [];
  /** Constants of `.set NAME, expr` / `.equ NAME, expr`, as 64-bit signed values. */
  readonly constants = new Map<string, bigint>();

  constructor(source: string, tokens: IToken[] = []) {
    this.source = source;
    this.tokens = tokens;
  }

  /** Absolute source offset of a token. */
  at(t: IToken): number {
    return t.startOffset + this.base;
  }

  /** 1-based line and column of a source offset (the line index is built on first use). */
  lineCol(offset: number): { line: number; col: number } {
    if (this.lineStarts === undefined) {
      const starts = [0];
      const re = /\r\n|\r|\n/g;
      for (let m = re.exec(this.source); m !== null; m = re.exec(this.source)) starts.push(m.index + m[0].length);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }

  /** Is the cursor at the end of the statement? */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The current token, or undefined at the end of the statement. */
  peek(offset = 0): IToken | undefined {
    const i = this.pos + offset;
    return i < this.end ? this.tokens[i] : undefined;
  }

  /** Is the current token of this type? */
  is(type: TokenType, offset = 0): boolean {
    const i = this.pos + offset;
    return i < this.end && this.tokens[i]!.tokenType === type;
  }

  /** Consume the current token if it has this type. */
  accept(type: TokenType): IToken | undefined {
    if (this.pos < this.end && this.tokens[this.pos]!.tokenType === type) return this.tokens[this.pos++];
    return undefined;
  }

  /** Consume a token of this type or fail with "expected <what>". */
  expect(type: TokenType, what: string): IToken {
    const t = this.accept(type);
    if (t === undefined) this.failHere(`expected ${what}`);
    return t;
  }

  /** Consume any token or fail with "expected <what>". */
  next(what: string): IToken {
    if (this.pos >= this.end) this.failHere(`expected ${what}`);
    return this.tokens[this.pos++]!;
  }

  /** Fail at a token. */
  fail(t: IToken, message: string): never {
    throw new StatementError(this.at(t), message);
  }

  /** Fail at the current position: the current token, or just after the last one. */
  failHere(message: string): never {
    if (this.pos < this.end) {
      const t = this.tokens[this.pos]!;
      throw new StatementError(this.at(t), `${message}, found '${t.image}'`);
    }
    const last = this.tokens[Math.max(this.start, this.pos - 1)];
    const offset = last !== undefined ? this.at(last) + last.image.length : this.base;
    throw new StatementError(offset, `${message} at end of line`);
  }

  /** Fail unless the statement is fully consumed. */
  expectEnd(): void {
    if (this.pos < this.end) {
      const t = this.tokens[this.pos]!;
      this.fail(t, `unexpected '${t.image}' after the instruction`);
    }
  }

  /** The value of a number token; fails at it when it is a bad octal number. */
  numberOf(t: IToken): number {
    const v = numberValue(t.image);
    if (Number.isNaN(v)) this.fail(t, badOctal(t.image));
    return v;
  }

  /**
   * A signed integer: optional `+`/`-` then a number, or a constant expression. Returns the
   * value as a JS number (exact up to 2^53; larger values are out of every 32-bit range anyway).
   */
  signedNumber(what: string): { value: number; tok: IToken } {
    const k = this.is(Minus) || this.is(Plus) ? 1 : 0;
    if (!this.is(NumberLit, k) || atOperator(this, k + 1)) {
      const e = parseExpr(this, what);
      return { value: Number(e.value), tok: e.tok };
    }
    const first = this.peek()!;
    const neg = k === 1 && first.tokenType === Minus;
    this.pos += k;
    const t = this.tokens[this.pos++]!;
    const v = this.numberOf(t);
    return { value: neg ? -v : v, tok: first };
  }

  /** A 32-bit immediate: signed, or unsigned up to 0xffffffff taken as its two's complement. */
  imm32(what = 'an immediate'): number {
    const { value, tok } = this.signedNumber(what);
    return checkImm32(this, tok, value);
  }

  /** A signed 16-bit offset. */
  off16(what = 'an offset'): number {
    const { value, tok } = this.signedNumber(what);
    return checkOff16(this, tok, value);
  }

  /** A 64-bit immediate (a number or a constant expression), returned as its unsigned 64-bit value. */
  imm64(what = 'a 64-bit immediate'): bigint {
    const k = this.is(Minus) || this.is(Plus) ? 1 : 0;
    if (!this.is(NumberLit, k) || atOperator(this, k + 1)) return BigInt.asUintN(64, parseExpr(this, what).value);
    const first = this.peek()!;
    const neg = k === 1 && first.tokenType === Minus;
    this.pos += k;
    const t = this.tokens[this.pos++]!;
    let v = bigNumberValue(t.image);
    if (v === undefined) return this.fail(t, badOctal(t.image));
    if (neg) v = -v;
    if (v < -(1n << 63n) || v > 0xffff_ffff_ffff_ffffn) {
      this.fail(first, `immediate ${neg ? '-' : ''}${t.image} does not fit in 64 bits`);
    }
    return BigInt.asUintN(64, v);
  }

  /** Emit an instruction; returns its index. */
  emit(insn: Insn): number {
    this.insns.push(insn);
    return this.insns.length - 1;
  }
}

/** Range-check a 32-bit immediate; 0x80000000..0xffffffff become negative. */
export function checkImm32(s: ParseState, t: IToken, v: number): number {
  if (v >= -0x8000_0000 && v <= 0x7fff_ffff) return v;
  if (v > 0x7fff_ffff && v <= 0xffff_ffff) return v - 0x1_0000_0000;
  return s.fail(t, `immediate ${v} does not fit in 32 bits`);
}

/** Range-check a signed 16-bit offset. */
export function checkOff16(s: ParseState, t: IToken, v: number): number {
  if (v >= -0x8000 && v <= 0x7fff) return v;
  return s.fail(t, `offset ${v} does not fit in 16 bits (-32768..32767)`);
}
