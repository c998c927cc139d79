/**
 * The pseudo-source operands of `lddw` (BPF_LD | BPF_IMM | BPF_DW with src_reg != 0),
 * the same in both dialects:
 *
 *     map[counts]             src 1 (BPF_PSEUDO_MAP_FD), a map of this program by name
 *     map_value[counts] + 8   src 2 (BPF_PSEUDO_MAP_VALUE), offset in the high 32 bits
 *     btf_id[N]               src 3 (BPF_PSEUDO_BTF_ID)
 *     func[label]             src 4 (BPF_PSEUDO_FUNC), slot offset to the label
 *     map_idx[N]              src 5 (BPF_PSEUDO_MAP_IDX)
 *     map_idx_value[N] + 8    src 6 (BPF_PSEUDO_MAP_IDX_VALUE)
 *
 * With a number in the brackets instead of a name, the number is the raw low 32 bits
 * of the immediate and `+ N` the raw high 32 bits (how unnamed references print).
 * bpftool's `prog dump xlated` forms read the same way, with the map id as the low bits:
 *
 *     map[id:5]               src 1, imm 5
 *     map[id:5][0]+16         src 2, imm 5 | 16 << 32
 *     map[idx:3]+16           src 6, imm 3 | 16 << 32
 *     subprog[+4]             src 4, imm 4
 */
import type { Insn, Reg } from '../isa/index.js';
import { Colon, Ident, LBracket, Minus, NumberLit, Plus, RBracket } from './lexer.js';
import type { ParseState } from './parse-state.js';
import { PSEUDO_SRC } from './pseudo-names.js';
import { addFixup } from './targets.js';


/** Is the cursor on a pseudo-source operand (`map[`, `map_value[`, ...)? */
export function atPseudoLddw(s: ParseState): boolean {
  const t = s.peek();
  return t !== undefined && t.tokenType === Ident && s.is(LBracket, 1) && PSEUDO_SRC.has(t.image);
}

function u32(s: ParseState, what: string): number {
  const t = s.expect(NumberLit, what);
  const v = s.numberOf(t);
  if (v > 0xffff_ffff) s.fail(t, `${t.image} does not fit in 32 bits`);
  return v;
}

/**
 * Parse a pseudo-source operand and emit the `lddw`; the caller has parsed `dst`
 * and checks the end of the statement afterwards.
 */
export function parsePseudoLddw(s: ParseState, dst: Reg): Insn {
  const kw = s.next('map[...]');
  let src = PSEUDO_SRC.get(kw.image)!;
  s.expect(LBracket, "'['");
  const inner = s.peek();
  let lo = 0;
  let name: string | undefined;
  let label = false;
  let closed = false;
  if (src === 4 && kw.image === 'subprog') {
    lo = s.imm32('a subprogram offset') >>> 0;
  } else if (src === 1 && inner !== undefined && inner.tokenType === Ident && s.is(Colon, 1) && (inner.image === 'id' || inner.image === 'idx')) {
    // bpftool: map[id:N] and map[id:N][0]+M (a map value), map[idx:N]+M.
    s.pos += 2;
    lo = u32(s, inner.image === 'id' ? 'a map id' : 'a map index');
    s.expect(RBracket, "']'");
    closed = true;
    if (inner.image === 'idx') {
      src = 6;
    } else if (s.accept(LBracket)) {
      const zero = s.expect(NumberLit, "'0'");
      if (zero.image !== '0') s.fail(zero, "expected '0' (bpftool prints a map value as map[id:N][0]+OFFSET)");
      s.expect(RBracket, "']'");
      src = 2;
    }
  } else if (inner !== undefined && inner.tokenType === Ident) {
    s.pos++;
    if (src === 4) label = true;
    else if (src === 1 || src === 2) name = inner.image;
    else s.fail(inner, `${kw.image}[...] takes a number`);
  } else {
    lo = u32(s, src === 4 ? 'a label' : 'a map name or number');
  }
  if (!closed) s.expect(RBracket, "']'");
  let hi = 0;
  if (src === 2 || src === 6 || (name === undefined && !label)) {
    if (s.is(Plus) && s.is(NumberLit, 1)) {
      s.pos++;
      hi = u32(s, 'an offset');
    } else if (s.is(Minus) && s.is(NumberLit, 1)) {
      const m = s.next('-');
      const v = u32(s, 'an offset');
      if (v > 0x8000_0000) s.fail(m, `offset -${v} does not fit in 32 bits`);
      hi = (0x1_0000_0000 - v) % 0x1_0000_0000;
    }
  }
  if (s.is(Ident) && s.peek()!.image === 'll') s.pos++;
  const imm = (BigInt(hi) << 32n) | BigInt(lo);
  if (label) addFixup(s, { value: 0, label: inner! }, 'imm');
  if (name !== undefined) {
    s.mapRefs.push({ insn: s.insns.length, name, offset: s.at(inner!) });
    return { kind: 'lddw', dst, src, imm, map: name };
  }
  return { kind: 'lddw', dst, src, imm };
}
