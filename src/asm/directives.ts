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
 *     .func name                     a function entry: a label that is also a symbol
 *     .set NAME, expr / .equ NAME, expr   a constant, usable wherever a number goes after it
 *     .text / .globl name            accepted and ignored (llvm-mc habits)
 */
import { parseAttachType } from '../isa/attach-types.js';
import { parseMapType } from '../isa/map-types.js';
import { parseProgType } from '../isa/prog-types.js';
import { parseExpr } from './expr.js';
import { Assign, Comma, Ident, StringLit } from './lexer.js';
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
