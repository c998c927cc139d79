/**
 * Decoding the single-token memory operands of the lexer: `*(u32 *)` (`MemCast`),
 * `(r10 - 8)` (`Addr`) and `[%r10-8]` (`MAddr`), with the same checks and error
 * locations as the token-by-token path.
 */
import type { Reg, Size } from '../isa/index.js';
import type { IToken } from './lexer.js';
import { badOctal, numberValue } from './numbers.js';
import { checkOff16, type ParseState } from './parse-state.js';

const CAST_U = [undefined, { size: 1, signed: false }, { size: 2, signed: false }, { size: 4, signed: false }, { size: 8, signed: false }] as const;
const CAST_S = [undefined, { size: 1, signed: true }, { size: 2, signed: true }, { size: 4, signed: true }, undefined] as const;

/** `*(u32 *)` -> { size: 4, signed: false }; `*(s64 *)` fails at the token. */
export function memCastOf(s: ParseState, t: IToken): { size: Size; signed: boolean } {
  const img = t.image;
  let i = 2;
  while (img.charCodeAt(i) === 0x20 || img.charCodeAt(i) === 0x09) i++;
  const signed = img.charCodeAt(i) === 0x73; /* s */
  const d = img.charCodeAt(i + 1);
  const k = d === 0x38 ? 1 : d === 0x31 ? 2 : d === 0x33 ? 3 : 4; // 8, 16, 32, 64
  const c = signed ? CAST_S[k] : CAST_U[k];
  if (c === undefined) return s.fail(t, `malformed memory operand: there is no s64 cast, use u64`);
  return c;
}

/** Decode `(r10 - 8)` or `[%r10-8]`; `skip` is 2 for `(r`, 3 for `[%r`. Sets `s.memReg`/`s.memOff`. */
export function addrOf(s: ParseState, t: IToken, skip: 2 | 3): void {
  const img = t.image;
  let i = 1;
  while (img.charCodeAt(i) === 0x20 || img.charCodeAt(i) === 0x09) i++;
  i += skip - 1;
  let r = img.charCodeAt(i++) - 0x30;
  const d2 = img.charCodeAt(i);
  if (d2 === 0x30) {
    r = 10;
    i++;
  }
  s.memReg = r as Reg;
  while (img.charCodeAt(i) === 0x20 || img.charCodeAt(i) === 0x09) i++;
  const sign = img.charCodeAt(i);
  if (sign !== 0x2b && sign !== 0x2d) {
    s.memOff = 0;
    return;
  }
  const signAt = i;
  i++;
  while (img.charCodeAt(i) === 0x20 || img.charCodeAt(i) === 0x09) i++;
  let j = i;
  while (j < img.length - 1 && img.charCodeAt(j) !== 0x20 && img.charCodeAt(j) !== 0x09) {
    const c = img.charCodeAt(j);
    if (c === 0x29 || c === 0x5d) break;
    j++;
  }
  const v = numberValue(img.slice(i, j));
  if (Number.isNaN(v)) s.fail({ ...t, startOffset: t.startOffset + i }, badOctal(img.slice(i, j)));
  const off = sign === 0x2d ? -v : v;
  if (off < -0x8000 || off > 0x7fff) {
    const at = { ...t, startOffset: t.startOffset + signAt };
    checkOff16(s, at, off);
  }
  s.memOff = off;
}
