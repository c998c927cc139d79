/**
 * The pseudo-C dialect, as llvm-mc accepts it and llvm-objdump, bpftool and the kernel
 * verifier log print it:
 *
 *     r0 = 42        w1 += w2       r0 = -r0       r0 s>>= 3      r0 s/= r1     r0 s%= r1
 *     r0 = (s8)r1    r0 = be16 r0   r0 = le32 r0   r0 = bswap64 r0
 *     r0 = *(u32 *)(r1 + 4)          r0 = *(s16 *)(r1 - 2)         *(u64 *)(r10 - 8) = r1
 *     *(u32 *)(r10 - 8) = 5          r0 = *(u8 *)skb[14]           r0 = *(u16 *)skb[r1 + 2]
 *     r1 = 0x1122334455667788 ll     r1 = map[counts] ll           r1 = map_value[counts] + 8 ll
 *     if r1 s> 3 goto +2             if w1 & 0x10 goto label       if r1 > 0x3 goto pc+2
 *     goto label     gotol +70000    may_goto +3    exit
 *     call 1         call bpf_map_lookup_elem       call pc+4 / call f (bpf-to-bpf)
 *     call kfunc 1234               callx r1
 *     lock *(u64 *)(r10 - 8) += r1   (also &=, |=, ^=; u32 with w or r source)
 *     r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)   (and, or, xor; atomic64_fetch_* too)
 *     r1 = xchg_64(r10 - 8, r1)      w1 = xchg32_32(r10 - 8, w1)   r1 = atomic64_xchg((u64 *)(r10 - 8), r1)
 *     r0 = cmpxchg_64(r10 - 8, r0, r1)   w0 = cmpxchg32_32(r10 - 8, w0, w1)
 *     r0 = load_acquire((u64 *)(r1 + 0))  store_release((u32 *)(r1 + 0), w2)
 *
 * Jump targets: `+N`, `-N`, `pc+N`, or a label; llvm-objdump's `<label>` suffix is ignored.
 */
import type { AluOp, AtomicOp, Insn, JmpOp, Reg, Size } from '../isa/index.js';
import { helperIdByName } from '../isa/helpers.js';
import { atOperator } from './expr.js';
import * as T from './lexer.js';
import type { IToken, TokenType } from './lexer.js';
import { checkOff16, regByName, type ParseState } from './parse-state.js';
import { atPseudoLddw, parsePseudoLddw } from './pseudo-lddw.js';
import { addFixup, parseTarget } from './targets.js';
import { addrOf, memCastOf } from './mem-token.js';
import { isMnemonic } from './mnemonic-parser.js';

interface PReg {
  readonly reg: Reg;
  readonly wide: boolean;
  readonly tok: IToken;
}

/** `/^[rw][0-9]+$/` without a RegExp call (this runs for every identifier operand). */
function looksLikeReg(image: string): boolean {
  const c0 = image.charCodeAt(0);
  if ((c0 !== 0x72 && c0 !== 0x77) || image.length < 2) return false;
  for (let i = 1; i < image.length; i++) {
    const d = image.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return false;
  }
  return true;
}

/** A register `rN`/`wN`, or undefined if the token is not one (bad numbers fail). */
function tryReg(s: ParseState): PReg | undefined {
  const t = s.peek();
  if (t === undefined || t.tokenType !== T.Ident) return undefined;
  const r = regByName(t.image);
  if (r !== undefined) {
    s.pos++;
    return { reg: r.reg, wide: r.wide, tok: t };
  }
  if (looksLikeReg(t.image)) s.fail(t, `bad register '${t.image}' (r0..r10, w0..w10)`);
  return undefined;
}

function reg(s: ParseState, what = 'a register'): PReg {
  return tryReg(s) ?? s.failHere(`expected ${what}`);
}

function sameWidth(s: ParseState, dst: PReg, src: PReg): void {
  if (src.wide !== dst.wide) s.fail(src.tok, `register width mismatch: expected ${dst.wide ? 'r' : 'w'}${src.reg}`);
}

const U8 = { size: 1, signed: false } as const;
const U16 = { size: 2, signed: false } as const;
const U32 = { size: 4, signed: false } as const;
const U64 = { size: 8, signed: false } as const;
const S8 = { size: 1, signed: true } as const;
const S16 = { size: 2, signed: true } as const;
const S32 = { size: 4, signed: true } as const;

function castOf(name: string): { size: Size; signed: boolean } | undefined {
  switch (name) {
    case 'u8': return U8;
    case 'u16': return U16;
    case 'u32': return U32;
    case 'u64': return U64;
    case 's8': return S8;
    case 's16': return S16;
    case 's32': return S32;
    default: return undefined;
  }
}

/** `(u32 *)`: the size cast of a memory operand; the cursor is on `(`. */
function sizeCast(s: ParseState): { size: Size; signed: boolean } {
  const open = s.expect(T.LParen, "'(u8 *)', '(u16 *)', '(u32 *)' or '(u64 *)'");
  const t = s.peek();
  const c = t !== undefined && t.tokenType === T.Ident ? castOf(t.image) : undefined;
  if (c === undefined) return s.failHere('malformed memory operand: expected u8, u16, u32, u64, s8, s16 or s32');
  s.pos++;
  if (s.accept(T.Star) === undefined) s.failHere("malformed memory operand: expected '*' in the size cast");
  if (s.accept(T.RParen) === undefined) s.failHere("malformed memory operand: expected ')' closing the size cast");
  s.castTok = open;
  return c;
}

/** `rN + off`, `rN - off` or `rN` (inside the parentheses of an address). */
function regOff(s: ParseState): { reg: Reg; off: number } {
  const r = tryReg(s);
  if (r === undefined) s.failHere('malformed memory operand: expected a base register');
  let off = 0;
  if (s.is(T.Plus) || s.is(T.Minus)) {
    const { value, tok } = s.signedNumber('an offset');
    off = checkOff16(s, tok, value);
  }
  return { reg: r.reg, off };
}

/** `*(u32 *)`: a one-token `MemCast` or `*` then a size cast. */
function memCast(s: ParseState): { size: Size; signed: boolean } {
  const t = s.peek()!;
  if (t.tokenType === T.MemCast) {
    s.pos++;
    s.castTok = t;
    return memCastOf(s, t);
  }
  s.pos++; // '*'
  return sizeCast(s);
}

/** `(rN + off)`. */
function address(s: ParseState): { reg: Reg; off: number } {
  const t = s.peek();
  if (t !== undefined && t.tokenType === T.Addr) {
    s.pos++;
    addrOf(s, t, 2);
    return { reg: s.memReg, off: s.memOff };
  }
  if (s.accept(T.LParen) === undefined) s.failHere("malformed memory operand: expected '(rN + offset)'");
  const a = regOff(s);
  if (s.accept(T.RParen) === undefined) s.failHere("malformed memory operand: expected ')' after the offset");
  return a;
}

function isWord(s: ParseState, word: string, offset = 0): boolean {
  const t = s.peek(offset);
  return t !== undefined && t.tokenType === T.Ident && t.image === word;
}

const ALU_ASSIGN = new Map<TokenType, AluOp>([
  [T.AddAssign, 'add'], [T.SubAssign, 'sub'], [T.MulAssign, 'mul'], [T.DivAssign, 'div'], [T.ModAssign, 'mod'],
  [T.OrAssign, 'or'], [T.AndAssign, 'and'], [T.LshAssign, 'lsh'], [T.RshAssign, 'rsh'], [T.XorAssign, 'xor'],
  [T.SArshAssign, 'arsh'], [T.SDivAssign, 'sdiv'], [T.SModAssign, 'smod'],
]);

const JMP_CMP = new Map<TokenType, JmpOp>([
  [T.EqEq, 'jeq'], [T.NotEq, 'jne'], [T.Gt, 'jgt'], [T.Ge, 'jge'], [T.Lt, 'jlt'], [T.Le, 'jle'],
  [T.SGt, 'jsgt'], [T.SGe, 'jsge'], [T.SLt, 'jslt'], [T.SLe, 'jsle'], [T.Amp, 'jset'],
]);

const LOCK_OPS = new Map<TokenType, AtomicOp>([[T.AddAssign, 'add'], [T.AndAssign, 'and'], [T.OrAssign, 'or'], [T.XorAssign, 'xor']]);

const ENDIAN = new Map<string, { order: 'le' | 'be' | 'swap'; bits: 16 | 32 | 64 }>();
for (const bits of [16, 32, 64] as const) {
  ENDIAN.set(`le${bits}`, { order: 'le', bits });
  ENDIAN.set(`be${bits}`, { order: 'be', bits });
  ENDIAN.set(`bswap${bits}`, { order: 'swap', bits });
}

/** Atomic functions: operation and the size implied by the name (0 = from the cast). */
const ATOMIC_FN = new Map<string, { op: AtomicOp; size: 0 | 4 | 8 }>();
for (const op of ['add', 'and', 'or', 'xor'] as const) {
  ATOMIC_FN.set(`atomic_fetch_${op}`, { op, size: 0 });
  ATOMIC_FN.set(`atomic64_fetch_${op}`, { op, size: 8 });
}
for (const op of ['xchg', 'cmpxchg'] as const) {
  ATOMIC_FN.set(`${op}_64`, { op, size: 8 });
  ATOMIC_FN.set(`${op}32_32`, { op, size: 4 });
  ATOMIC_FN.set(`atomic_${op}`, { op, size: 0 });
  ATOMIC_FN.set(`atomic64_${op}`, { op, size: 8 });
}

/** The memory argument of an atomic function: `(u64 *)(r10 - 8)` or `r10 - 8`. */
function atomicArg(s: ParseState, implied: 0 | Size, fn: IToken): { reg: Reg; off: number; size: Size } {
  if (s.is(T.LParen)) {
    const c = sizeCast(s);
    if (implied !== 0 && c.size !== implied) s.fail(s.castTok!, `${fn.image} works on ${implied * 8}-bit values`);
    return { ...address(s), size: c.size };
  }
  if (implied === 0) return s.failHere(`malformed memory operand: expected '(u64 *)(rN + offset)'`);
  return { ...regOff(s), size: implied };
}

function parseAtomicFn(s: ParseState, dst: PReg, fnTok: IToken): Insn {
  const fn = ATOMIC_FN.get(fnTok.image)!;
  s.expect(T.LParen, "'('");
  const m = atomicArg(s, fn.size, fnTok);
  s.expect(T.Comma, "','");
  if (fn.op === 'cmpxchg') {
    const r0 = reg(s, 'r0');
    if (r0.reg !== 0) s.fail(r0.tok, `${fnTok.image} compares with r0`);
    if (dst.reg !== 0) s.fail(dst.tok, `${fnTok.image} returns its result in r0`);
    s.expect(T.Comma, "','");
  }
  const src = reg(s, 'a source register');
  s.expect(T.RParen, "')'");
  if (fn.op !== 'cmpxchg' && dst.reg !== src.reg) {
    s.fail(dst.tok, `${fnTok.image} returns the old value in its source register ${src.tok.image}`);
  }
  return { kind: 'atomic', size: m.size, op: fn.op, fetch: true, dst: m.reg, src: src.reg, off: m.off };
}

/** `rD = *(size *)...`: memory load, sign-extending load or legacy packet load. */
function parseLoad(s: ParseState, dst: PReg): Insn {
  const c = memCast(s);
  if (isWord(s, 'skb') && s.is(T.LBracket, 1)) {
    s.pos += 2;
    if (c.signed || c.size === 8) s.fail(s.castTok!, 'legacy packet loads are u8, u16 or u32');
    if (dst.reg !== 0 || !dst.wide) s.fail(dst.tok, 'legacy packet loads write r0');
    const size = c.size as 1 | 2 | 4;
    const r = tryReg(s);
    let imm = 0;
    if (r === undefined) imm = s.imm32('an offset');
    else if (s.is(T.Plus) || s.is(T.Minus)) imm = s.imm32('an offset');
    s.expect(T.RBracket, "']'");
    return r === undefined ? { kind: 'ldabs', size, imm } : { kind: 'ldind', size, src: r.reg, imm };
  }
  const a = address(s);
  if (c.signed && !dst.wide) s.fail(dst.tok, 'sign-extending loads write a 64-bit register');
  if (!dst.wide && c.size === 8) s.fail(dst.tok, '64-bit loads write an r register');
  return { kind: 'ldx', size: c.size, sx: c.signed, dst: dst.reg, src: a.reg, off: a.off };
}

/** The right-hand side of `rD = ...`. */
function parseAssign(s: ParseState, dst: PReg): Insn {
  const width = dst.wide ? 64 : 32;
  const t = s.peek();
  if (t === undefined) return s.failHere('expected a value');
  const tt = t.tokenType;
  if (tt === T.Minus && s.is(T.Ident, 1) && !s.constants.has(s.tokens[s.pos + 1]!.image)) {
    s.pos++;
    const r = reg(s);
    if (r.reg !== dst.reg || r.wide !== dst.wide) s.fail(r.tok, `negation is in place: expected ${dst.tok.image} = -${dst.tok.image}`);
    return { kind: 'alu', width, op: 'neg', dst: dst.reg, src: null, imm: 0 };
  }
  if (tt === T.NumberLit || tt === T.Minus || tt === T.Plus || tt === T.Tilde || (tt === T.LParen && !atSignCast(s))) {
    return immediateAssign(s, dst);
  }
  if (tt === T.MemCast || tt === T.Star) return parseLoad(s, dst);
  if (tt === T.LParen) {
    s.pos++;
    const c = s.expect(T.Ident, 's8, s16 or s32');
    const bits = c.image === 's8' ? 8 : c.image === 's16' ? 16 : c.image === 's32' ? 32 : 0;
    if (bits === 0) s.fail(c, `expected s8, s16 or s32, found '${c.image}'`);
    if (bits === 32 && !dst.wide) s.fail(c, '(s32) needs a 64-bit register');
    s.expect(T.RParen, "')'");
    const src = reg(s);
    sameWidth(s, dst, src);
    return { kind: 'alu', width, op: bits === 8 ? 'movsx8' : bits === 16 ? 'movsx16' : 'movsx32', dst: dst.reg, src: src.reg, imm: 0 };
  }
  if (tt === T.Ident) {
    const src = tryReg(s);
    if (src !== undefined) {
      sameWidth(s, dst, src);
      return { kind: 'alu', width, op: 'mov', dst: dst.reg, src: src.reg, imm: 0 };
    }
    const e = ENDIAN.get(t.image);
    if (e !== undefined) {
      s.pos++;
      const r = reg(s);
      if (r.reg !== dst.reg) s.fail(r.tok, `byte swaps are in place: expected ${dst.tok.image} = ${t.image} ${dst.tok.image}`);
      return { kind: 'end', order: e.order, bits: e.bits, dst: dst.reg };
    }
    if (atPseudoLddw(s)) {
      if (!dst.wide) s.fail(dst.tok, '64-bit immediate loads write an r register');
      return parsePseudoLddw(s, dst.reg);
    }
    if (ATOMIC_FN.has(t.image) && s.is(T.LParen, 1)) {
      s.pos++;
      return parseAtomicFn(s, dst, t);
    }
    if (t.image === 'load_acquire' && s.is(T.LParen, 1)) {
      s.pos += 2;
      const c = sizeCast(s);
      const a = address(s);
      s.expect(T.RParen, "')'");
      return { kind: 'atomic', size: c.size, op: 'load_acq', fetch: false, dst: dst.reg, src: a.reg, off: a.off };
    }
    // A constant, or a name used as one (then reported as an unknown constant).
    if (s.constants.has(t.image) || (!/^[rw]\d+$/.test(t.image) && (atOperator(s, 1) || s.pos + 1 === s.end))) return immediateAssign(s, dst);
  }
  return s.failHere('expected a register, a number, a memory load or an operation');
}

/** `(s8)`, `(s16)` or `(s32)` at the cursor (a sign-extending move), not a parenthesized expression. */
function atSignCast(s: ParseState): boolean {
  const t = s.tokens[s.pos + 1];
  return t !== undefined && s.pos + 1 < s.end && t.tokenType === T.Ident && !s.constants.has(t.image);
}

/** `rD = imm` (mov) or `rD = imm64 ll` (lddw), the value a number or a constant expression. */
function immediateAssign(s: ParseState, dst: PReg): Insn {
  const last = s.tokens[s.end - 1]!;
  if ((last.tokenType === T.Ident && last.image === 'll') || s.forceLddw) {
    if (!dst.wide) s.fail(dst.tok, '64-bit immediate loads write an r register');
    const imm = s.imm64();
    if (isWord(s, 'll')) s.pos++;
    return { kind: 'lddw', dst: dst.reg, src: 0, imm };
  }
  const { value, tok } = s.signedNumber('a value');
  if (value > 0xffff_ffff || value < -0x8000_0000) {
    s.fail(tok, `immediate ${value} does not fit in 32 bits${dst.wide ? " (add 'll' for a 64-bit load)" : ''}`);
  }
  const imm = value > 0x7fff_ffff ? value - 0x1_0000_0000 : value;
  return { kind: 'alu', width: dst.wide ? 64 : 32, op: 'mov', dst: dst.reg, src: null, imm };
}

function parseIf(s: ParseState): Insn {
  const dst = reg(s, 'a register to compare');
  const opTok = s.next('a comparison operator');
  const op = JMP_CMP.get(opTok.tokenType);
  if (op === undefined) s.fail(opTok, `unknown comparison '${opTok.image}'`);
  let src: Reg | null = null;
  let imm = 0;
  const r = tryReg(s);
  if (r !== undefined) {
    sameWidth(s, dst, r);
    src = r.reg;
  } else {
    imm = s.imm32('a register or an immediate');
  }
  if (!isWord(s, 'goto')) s.failHere("expected 'goto'");
  s.pos++;
  const t = parseTarget(s, 16);
  s.expectEnd();
  addFixup(s, t, 'off');
  return { kind: 'jmp', width: dst.wide ? 64 : 32, op, dst: dst.reg, src, imm, off: t.value };
}

function parseCall(s: ParseState): Insn {
  const t = s.peek();
  if (t === undefined) return s.failHere('expected a helper, a label or pc+N');
  if (t.tokenType === T.Ident) {
    if (t.image === 'pc' || t.image === 'local') {
      if (t.image === 'local') s.pos++;
      const target = parseTarget(s, 32);
      s.expectEnd();
      addFixup(s, target, 'imm');
      return { kind: 'call', target: 'local', imm: target.value, off: 0 };
    }
    if ((t.image === 'kfunc' || t.image === 'runtime') && (s.is(T.NumberLit, 1) || s.is(T.Minus, 1) || s.is(T.Plus, 1))) {
      s.pos++;
      const imm = s.imm32('a BTF id');
      const off = s.accept(T.Comma) ? s.off16() : 0;
      return { kind: 'call', target: 'kfunc', imm, off };
    }
    const r = tryReg(s);
    if (r !== undefined) return { kind: 'callx', reg: r.reg };
    s.pos++;
    const id = helperIdByName(t.image);
    s.expectEnd();
    if (id !== undefined) return { kind: 'call', target: 'helper', imm: id, off: 0 };
    addFixup(s, { value: 0, label: t }, 'imm', true);
    return { kind: 'call', target: 'local', imm: 0, off: 0 };
  }
  return { kind: 'call', target: 'helper', imm: s.imm32('a helper id'), off: 0 };
}

function parseStore(s: ParseState): Insn {
  const c = memCast(s);
  if (c.signed) s.fail(s.castTok!, 'stores take u8, u16, u32 or u64');
  const a = address(s);
  s.expect(T.Assign, "'='");
  const r = tryReg(s);
  if (r !== undefined) {
    if (!r.wide && c.size === 8) s.fail(r.tok, `64-bit stores take an r register`);
    return { kind: 'stx', size: c.size, dst: a.reg, src: r.reg, off: a.off };
  }
  return { kind: 'st', size: c.size, dst: a.reg, off: a.off, imm: s.imm32('a register or an immediate') };
}

function parseLock(s: ParseState): Insn {
  if (!s.is(T.Star) && !s.is(T.MemCast)) s.failHere("expected '*(u64 *)(rN + offset)'");
  const c = memCast(s);
  if (c.signed || (c.size !== 4 && c.size !== 8)) s.fail(s.castTok!, 'atomic operations take u32 or u64');
  const a = address(s);
  const opTok = s.next("'+=', '&=', '|=' or '^='");
  const op = LOCK_OPS.get(opTok.tokenType);
  if (op === undefined) s.fail(opTok, `expected '+=', '&=', '|=' or '^=', found '${opTok.image}'`);
  const src = reg(s, 'a source register');
  return { kind: 'atomic', size: c.size, op, fetch: false, dst: a.reg, src: src.reg, off: a.off };
}

/** Parse one pseudo-C instruction; the cursor is on its first token. */
export function parsePseudoCInsn(s: ParseState): Insn {
  const t = s.peek()!;
  let insn: Insn;
  if (t.tokenType === T.MemCast || t.tokenType === T.Star) {
    insn = parseStore(s);
  } else if (t.tokenType !== T.Ident) {
    return s.fail(t, `expected an instruction, found '${t.image}'`);
  } else {
    const dst = tryReg(s);
    if (dst !== undefined) {
      const opTok = s.next("'=' or an operator like '+='");
      if (opTok.tokenType === T.Assign) {
        insn = parseAssign(s, dst);
      } else {
        const op = ALU_ASSIGN.get(opTok.tokenType);
        if (op === undefined) s.fail(opTok, `unknown operator '${opTok.image}'`);
        const width = dst.wide ? 64 : 32;
        const src = tryReg(s);
        if (src !== undefined) {
          sameWidth(s, dst, src);
          insn = { kind: 'alu', width, op, dst: dst.reg, src: src.reg, imm: 0 };
        } else {
          insn = { kind: 'alu', width, op, dst: dst.reg, src: null, imm: s.imm32() };
        }
      }
    } else {
      s.pos++;
      switch (t.image) {
        case 'exit':
          insn = { kind: 'exit' };
          break;
        case 'if':
          insn = parseIf(s);
          break;
        case 'goto': {
          const target = parseTarget(s, 16);
          s.expectEnd();
          addFixup(s, target, 'off');
          insn = { kind: 'ja', off: target.value };
          break;
        }
        case 'gotol': {
          const target = parseTarget(s, 32);
          s.expectEnd();
          addFixup(s, target, 'imm');
          insn = { kind: 'gotol', imm: target.value };
          break;
        }
        case 'may_goto': {
          const target = parseTarget(s, 16);
          s.expectEnd();
          addFixup(s, target, 'off');
          insn = { kind: 'may_goto', off: target.value };
          break;
        }
        case 'call':
          insn = parseCall(s);
          break;
        case 'callx':
          insn = { kind: 'callx', reg: reg(s).reg };
          break;
        case 'lock':
          insn = parseLock(s);
          break;
        case 'store_release': {
          s.expect(T.LParen, "'('");
          const c = sizeCast(s);
          const a = address(s);
          s.expect(T.Comma, "','");
          const src = reg(s, 'a source register');
          s.expect(T.RParen, "')'");
          insn = { kind: 'atomic', size: c.size, op: 'store_rel', fetch: false, dst: a.reg, src: src.reg, off: a.off };
          break;
        }
        default:
          return s.fail(t, isMnemonic(t.image)
            ? `unknown mnemonic '${t.image}' (the file is read as pseudo-C; '${t.image}' belongs to the mnemonic dialect: use %r registers or --syntax mnemonic)`
            : `unknown mnemonic '${t.image}'`);
      }
    }
  }
  s.expectEnd();
  return insn;
}
