/**
 * Directives, the same in both dialects, so that one `.s` file describes a whole
 * loadable program:
 *
 *     .prog_type xdp                 program type, kernel name without BPF_PROG_TYPE_
 *     .attach_type cgroup_inet_ingress   expected attach type, kernel name without BPF_
 *     .license "GPL"                 license string
 *     .name myprog                   program name (15 characters at most)
 *     .map counts, array, key=4, value=8, entries=1, flags=0
 *                                    a map, referenced as map[counts] / map_value[counts]
 *     .rodata fmt, "pid %d\n"          read-only global data (a frozen BPF_F_RDONLY_PROG array map
 *                                    of one value), referenced as map_value[fmt] + off
 *     .data table, u32 7, zero 12    writable global data (an array map of one value)
 *     .func name                     a function entry: a label that is also a symbol
 *     .set NAME, expr / .equ NAME, expr   a constant, usable wherever a number goes after it
 *     .text / .globl name            accepted and ignored (llvm-mc habits)
 */
import { parseAttachType } from '../isa/attach-types.js';
import { BPF_MAP_TYPE_ARRAY, parseMapType } from '../isa/map-types.js';
import { parseProgType } from '../isa/prog-types.js';
import type { MapDef } from '../isa/program.js';
import { parseExpr } from './expr.js';
import { Assign, Comma, Ident, StringLit, type IToken } from './lexer.js';
import { regByName, StatementError, type ParseState } from './parse-state.js';

function word(s: ParseState, what: string): string {
  const t = s.accept(Ident) ?? s.accept(StringLit);
  if (t === undefined) s.failHere(`expected ${what}`);
  return t.tokenType === StringLit ? unquote(t.image) : t.image;
}

/** The contents of a string literal token. */
export function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

const MAP_KEYS: Record<string, 'key' | 'value' | 'entries' | 'flags'> = {
  key: 'key', key_size: 'key',
  value: 'value', value_size: 'value',
  entries: 'entries', max_entries: 'entries',
  flags: 'flags', map_flags: 'flags',
};

function parseMap(s: ParseState): void {
  const nameTok = s.expect(Ident, 'a map name');
  const name = nameTok.image;
  const prevDef = s.mapDefs.get(name);
  if (prevDef !== undefined) s.fail(nameTok, `map '${name}' is already defined on line ${s.lineCol(prevDef).line}`);
  s.expect(Comma, "','");
  const typeTok = s.expect(Ident, 'a map type');
  const type = parseMapType(typeTok.image);
  if (type === undefined) s.fail(typeTok, `unknown map type '${typeTok.image}'`);
  const vals: Partial<Record<'key' | 'value' | 'entries' | 'flags', number>> = {};
  while (s.accept(Comma)) {
    const k = s.expect(Ident, 'key=, value=, entries= or flags=');
    const field = MAP_KEYS[k.image];
    if (field === undefined) s.fail(k, `unknown map attribute '${k.image}' (key, value, entries, flags)`);
    s.expect(Assign, "'='");
    const { value, tok } = parseExpr(s, 'a number');
    if (value < 0n || value > 0xffff_ffffn) s.fail(tok, `${k.image}=${value} does not fit in 32 bits`);
    vals[field] = Number(value);
  }
  s.expectEnd();
  for (const f of ['key', 'value', 'entries'] as const) {
    if (vals[f] === undefined) s.failHere(`map '${name}' needs ${f}=`);
  }
  s.mapDefs.set(name, s.at(nameTok));
  s.maps.push({ name, type, keySize: vals.key!, valueSize: vals.value!, maxEntries: vals.entries!, flags: vals.flags ?? 0 });
}

/** uapi BPF_F_RDONLY_PROG: programs may read the map but not write it. */
const BPF_F_RDONLY_PROG = 1 << 7;
/** The largest global data value the assembler builds (a typo like `zero 1 << 40` must not allocate it). */
const MAX_DATA_BYTES = 16 << 20;
const SIMPLE_ESCAPES: Record<string, number> = {
  n: 0x0a, t: 0x09, r: 0x0d, a: 0x07, b: 0x08, f: 0x0c, v: 0x0b, e: 0x1b, '\\': 0x5c, '"': 0x22, "'": 0x27, '?': 0x3f,
};

/**
 * The bytes of a string literal token with C escapes (`\n \t \r \0 \\ \" \xHH`, octal
 * `\NNN`, `\a \b \f \v \e \' \?`), other characters as UTF-8; an unknown escape fails at it.
 */
export function stringBytes(s: ParseState, t: IToken): number[] {
  const text = t.image.slice(1, -1);
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      const cp = text.codePointAt(i)!;
      if (cp < 0x80) out.push(cp);
      else {
        const ch = String.fromCodePoint(cp);
        out.push(...enc.encode(ch));
        i += ch.length - 1;
      }
      continue;
    }
    const e = text[++i]!;
    const at = (): number => s.at(t) + i;
    if (SIMPLE_ESCAPES[e] !== undefined) out.push(SIMPLE_ESCAPES[e]);
    else if (e === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1));
      if (m === null) throw new StatementError(at(), "'\\x' needs one or two hex digits");
      out.push(parseInt(m[0], 16));
      i += m[0].length;
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(text.slice(i))!;
      const v = parseInt(m[0], 8);
      if (v > 0xff) throw new StatementError(at(), `octal escape '\\${m[0]}' is above 0377`);
      out.push(v);
      i += m[0].length - 1;
    } else {
      throw new StatementError(at(), `unknown escape '\\${e}' in a string (\\n \\t \\r \\0 \\\\ \\" \\xHH ...)`);
    }
  }
  return out;
}

const INT_WIDTHS: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** One item of `.data`/`.rodata`, appended to `out`. */
function dataItem(s: ParseState, out: number[]): void {
  const t = s.peek();
  if (t === undefined) s.failHere('expected a string, a number, u8/u16/u32/u64 N, zero N or ascii "..."');
  const keyword = t.tokenType === Ident && s.peek(1) !== undefined && !s.is(Comma, 1) ? t.image : undefined;
  if (t.tokenType === StringLit) {
    s.pos++;
    out.push(...stringBytes(s, t), 0);
  } else if (keyword === 'ascii') {
    s.pos++;
    out.push(...stringBytes(s, s.expect(StringLit, 'a string after ascii')));
  } else if (keyword === 'zero') {
    s.pos++;
    const { value, tok } = parseExpr(s, 'a byte count');
    if (value < 0n || BigInt(out.length) + value > BigInt(MAX_DATA_BYTES)) s.fail(tok, `zero ${value}: the value would be ${value < 0n ? 'negative' : `over ${MAX_DATA_BYTES} bytes`}`);
    for (let k = 0n; k < value; k++) out.push(0);
  } else if (keyword !== undefined && INT_WIDTHS[keyword] !== undefined) {
    s.pos++;
    const width = INT_WIDTHS[keyword];
    const { value, tok } = parseExpr(s, `a ${keyword} value`);
    pushInt(s, out, value, width, tok, keyword);
  } else {
    const { value, tok } = parseExpr(s, 'a byte value');
    pushInt(s, out, value, 1, tok, 'byte');
  }
}

/** Append `value` as a little-endian integer of `width` bytes, signed or unsigned in range. */
function pushInt(s: ParseState, out: number[], value: bigint, width: number, tok: IToken, what: string): void {
  const bits = BigInt(width * 8);
  if (width < 8 && (value < -(1n << (bits - 1n)) || value >= 1n << bits)) s.fail(tok, `${what} value ${value} does not fit in ${bits} bits`);
  let v = BigInt.asUintN(width * 8, value);
  for (let k = 0; k < width; k++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
}

/** `.data NAME, item, ...` / `.rodata NAME, item, ...`: an array map of one value with those bytes. */
function parseData(s: ParseState, readOnly: boolean): void {
  const nameTok = s.expect(Ident, 'a name for the data');
  const name = nameTok.image;
  const prevDef = s.mapDefs.get(name);
  if (prevDef !== undefined) s.fail(nameTok, `map '${name}' is already defined on line ${s.lineCol(prevDef).line}`);
  s.expect(Comma, "','");
  const bytes: number[] = [];
  do {
    dataItem(s, bytes);
    if (bytes.length > MAX_DATA_BYTES) s.fail(nameTok, `'${name}' is over ${MAX_DATA_BYTES} bytes`);
  } while (s.accept(Comma));
  s.expectEnd();
  if (bytes.length === 0) s.fail(nameTok, `'${name}' has no bytes (a map value needs at least one: zero 1)`);
  s.mapDefs.set(name, s.at(nameTok));
  s.maps.push({
    name, type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: bytes.length, maxEntries: 1,
    flags: readOnly ? BPF_F_RDONLY_PROG : 0, initialValue: Uint8Array.from(bytes), ...(readOnly ? { frozen: true } : {}),
  });
}

const PRINTABLE = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x09 || b === 0x0d;
const ESCAPED: Record<number, string> = { 0x0a: '\\n', 0x09: '\\t', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

/** A string literal for printable bytes, with C escapes. */
function quote(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) out += ESCAPED[b] ?? String.fromCharCode(b);
  return `${out}"`;
}

/** The items of a value: NUL-terminated text as strings, other text as `ascii`, zero runs as `zero N`, the rest as bytes. */
function dataItems(v: Uint8Array): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < v.length) {
    let j = i;
    while (j < v.length && PRINTABLE(v[j]!)) j++;
    if (j > i && j < v.length && v[j] === 0) {
      items.push(quote(v.subarray(i, j)));
      i = j + 1;
    } else if (j - i >= 4) {
      items.push(`ascii ${quote(v.subarray(i, j))}`);
      i = j;
    } else if (v[i] === 0 && v[i + 1] === 0) {
      let k = i;
      while (k < v.length && v[k] === 0) k++;
      items.push(`zero ${k - i}`);
      i = k;
    } else {
      items.push(String(v[i]!));
      i++;
    }
  }
  return items;
}

/**
 * The `.rodata` / `.data` line that assembles back to `map`, when it is global data as those
 * directives make it (a one-entry ARRAY with an initial value; `.rodata`: BPF_F_RDONLY_PROG and
 * frozen); undefined for any other map, which prints as `.map`.
 * @example printDataDirective(assemble('.rodata fmt, "hi\\n"\nexit').maps[0]) // '.rodata fmt, "hi\\n"'
 */
export function printDataDirective(map: MapDef): string | undefined {
  const v = map.initialValue;
  if (v === undefined || map.type !== BPF_MAP_TYPE_ARRAY || map.keySize !== 4 || map.maxEntries !== 1 || v.length !== map.valueSize) return undefined;
  const readOnly = map.flags === BPF_F_RDONLY_PROG && map.frozen === true;
  if (!readOnly && (map.flags !== 0 || map.frozen === true)) return undefined;
  return `${readOnly ? '.rodata' : '.data'} ${map.name}, ${dataItems(v).join(', ')}`;
}

/** Parse one directive statement; the cursor is on the `.name` token. */
export function parseDirective(s: ParseState): void {
  const d = s.next('a directive');
  switch (d.image) {
    case '.prog_type': {
      const t = s.peek();
      const n = word(s, 'a program type');
      const v = parseProgType(n);
      if (v === undefined) s.fail(t!, `unknown program type '${n}'`);
      s.progType = v;
      break;
    }
    case '.attach_type': {
      const t = s.peek();
      const n = word(s, 'an attach type');
      const v = parseAttachType(n);
      if (v === undefined) s.fail(t!, `unknown attach type '${n}'`);
      s.expectedAttachType = v;
      break;
    }
    case '.license':
      s.license = word(s, 'a license string');
      break;
    case '.name': {
      const t = s.peek();
      const n = word(s, 'a program name');
      if (n.length > 15) s.fail(t!, `program name '${n}' is longer than 15 characters`);
      s.name = n;
      break;
    }
    case '.map':
      parseMap(s);
      return;
    case '.data':
    case '.rodata':
      parseData(s, d.image === '.rodata');
      return;
    case '.func': {
      const t = s.expect(Ident, 'a function name');
      addLabel(s, t.image, s.at(t));
      s.funcLabels.add(t.image);
      break;
    }
    case '.set':
    case '.equ': {
      const t = s.expect(Ident, 'a constant name');
      if (regByName(t.image) !== undefined) s.fail(t, `'${t.image}' is a register and cannot name a constant`);
      s.expect(Comma, "','");
      s.constants.set(t.image, parseExpr(s, 'a value').value);
      break;
    }
    case '.text':
      break;
    case '.globl':
    case '.global':
      s.expect(Ident, 'a symbol name');
      break;
    default:
      s.fail(d, `unknown directive '${d.image}'`);
  }
  s.expectEnd();
}

/** Define a label at the next instruction; a second definition is an error. */
export function addLabel(s: ParseState, name: string, offset: number): void {
  const prev = s.labels.get(name);
  if (prev !== undefined) {
    // `.func f` followed by `f:` is one definition.
    if (prev.insn === s.insns.length && s.funcLabels.delete(name)) return;
    throw new StatementError(offset, `duplicate label '${name}' (first defined on line ${s.lineCol(prev.offset).line})`);
  }
  s.labels.set(name, { insn: s.insns.length, offset });
  s.symbols.push({ name, insn: s.insns.length });
}
