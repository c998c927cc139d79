/**
 * Just enough BTF (the `.BTF` section, include/uapi/linux/btf.h) to read BTF-defined
 * maps, as libbpf does for `SEC(".maps")`:
 *
 *     struct {
 *       __uint(type, BPF_MAP_TYPE_ARRAY);   int (*type)[2]          PTR -> ARRAY, nelems = value
 *       __uint(max_entries, 1);             int (*max_entries)[1]
 *       __type(key, __u32);                 __u32 *key              PTR -> type, key_size = its size
 *       __type(value, __u64);               __u64 *value
 *     } counts SEC(".maps");
 *
 *     header: magic 0xeb9f, version 1, flags, hdr_len, type_off, type_len, str_off, str_len
 *     type:   name_off, info (vlen 0-15, kind 24-28, kind_flag 31), size_or_type, then per kind
 *
 * Every offset is checked; malformed BTF throws `ElfError` naming the `.BTF` offset.
 */
import { ElfError } from './elf-error.js';
import type { MapDef } from './program.js';

const BTF_KIND_INT = 1;
const BTF_KIND_PTR = 2;
const BTF_KIND_ARRAY = 3;
const BTF_KIND_STRUCT = 4;
const BTF_KIND_UNION = 5;
const BTF_KIND_ENUM = 6;
const BTF_KIND_TYPEDEF = 8;
const BTF_KIND_VOLATILE = 9;
const BTF_KIND_CONST = 10;
const BTF_KIND_RESTRICT = 11;
const BTF_KIND_VAR = 14;
const BTF_KIND_DATASEC = 15;
const BTF_KIND_FLOAT = 16;
const BTF_KIND_DECL_TAG = 17;
const BTF_KIND_TYPE_TAG = 18;
const BTF_KIND_ENUM64 = 19;

/** Bytes that follow `struct btf_type` for each kind: [fixed, per vlen entry]. */
const TAIL: Record<number, readonly [number, number]> = {
  1: [4, 0], 2: [0, 0], 3: [12, 0], 4: [0, 12], 5: [0, 12], 6: [0, 8], 7: [0, 0], 8: [0, 0], 9: [0, 0], 10: [0, 0],
  11: [0, 0], 12: [0, 0], 13: [0, 8], 14: [4, 0], 15: [0, 12], 16: [0, 0], 17: [4, 0], 18: [0, 0], 19: [0, 12],
};

/** One BTF type, with the parts of its tail that map definitions need. */
interface BtfType {
  readonly kind: number;
  readonly name: string;
  /** `size` (INT, STRUCT, UNION, ENUM, FLOAT, DATASEC) or `type` (PTR, TYPEDEF, modifiers, VAR, FUNC). */
  readonly sizeOrType: number;
  /** ARRAY: element type and count. */
  readonly array?: { readonly type: number; readonly nelems: number };
  /** STRUCT/UNION members, DATASEC variables (`type` = the VAR). */
  readonly members?: readonly { readonly name: string; readonly type: number }[];
  /** File-relative offset of the type, for messages. */
  readonly at: number;
}

/** Parsed `.BTF`: types by id (0 is void). */
export interface Btf {
  readonly types: readonly (BtfType | undefined)[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Parse a `.BTF` section (little-endian). `fileOffset` is where it starts in the file.
 * @example readBtf(sec.bytes, sec.offset).types.length
 */
export function readBtf(bytes: Uint8Array, fileOffset: number): Btf {
  const fail = (at: number, msg: string): never => {
    throw new ElfError(`section '.BTF': ${msg} (at offset ${hex(at)} of the section)`, { section: '.BTF', fileOffset: fileOffset + at });
  };
  if (bytes.length < 24) fail(0, `${bytes.length} bytes is shorter than the 24-byte BTF header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic === 0x9feb) fail(0, 'big-endian BTF is not supported');
  if (magic !== 0xeb9f) fail(0, `bad magic ${hex(magic)}, not 0xeb9f`);
  if (bytes[2] !== 1) fail(2, `BTF version ${bytes[2]} is not 1`);
  const hdrLen = view.getUint32(4, true);
  const typeOff = view.getUint32(8, true);
  const typeLen = view.getUint32(12, true);
  const strOff = view.getUint32(16, true);
  const strLen = view.getUint32(20, true);
  if (hdrLen < 24 || hdrLen > bytes.length) fail(4, `hdr_len ${hdrLen} is outside 24..${bytes.length}`);
  const typeStart = hdrLen + typeOff;
  const strStart = hdrLen + strOff;
  if (typeStart + typeLen > bytes.length) fail(8, `type section (${typeLen} bytes at ${hex(typeStart)}) runs past the end (${bytes.length} bytes)`);
  if (strStart + strLen > bytes.length) fail(16, `string section (${strLen} bytes at ${hex(strStart)}) runs past the end (${bytes.length} bytes)`);
  const str = (off: number, at: number): string => {
    if (off >= strLen) {
      if (off === 0) return '';
      fail(at, `name offset ${off} is outside the string section (${strLen} bytes)`);
    }
    const end = bytes.indexOf(0, strStart + off);
    if (end < 0 || end >= strStart + strLen) fail(at, `name at string offset ${off} has no terminating NUL`);
    return new TextDecoder().decode(bytes.subarray(strStart + off, end));
  };
  const types: (BtfType | undefined)[] = [undefined];
  const end = typeStart + typeLen;
  for (let at = typeStart; at < end;) {
    if (at + 12 > end) fail(at, `type ${types.length} is truncated`);
    const info = view.getUint32(at + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const tail = TAIL[kind];
    if (tail === undefined) fail(at + 4, `type ${types.length} has unknown kind ${kind}`);
    const size = 12 + tail![0] + tail![1] * vlen;
    if (at + size > end) fail(at, `type ${types.length} (kind ${kind}, vlen ${vlen}) runs past the type section`);
    const base = { kind, name: str(view.getUint32(at, true), at), sizeOrType: view.getUint32(at + 8, true), at };
    if (kind === BTF_KIND_ARRAY) {
      types.push({ ...base, array: { type: view.getUint32(at + 12, true), nelems: view.getUint32(at + 20, true) } });
    } else if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION || kind === BTF_KIND_DATASEC) {
      const members: { name: string; type: number }[] = [];
      for (let i = 0; i < vlen; i++) {
        const m = at + 12 + i * 12;
        members.push(kind === BTF_KIND_DATASEC
          ? { name: '', type: view.getUint32(m, true) }
          : { name: str(view.getUint32(m, true), m), type: view.getUint32(m + 4, true) });
      }
      types.push({ ...base, members });
    } else {
      types.push(base);
    }
    at += size;
  }
  return { types };
}

const MODIFIERS = new Set([BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST, BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG]);

function typeAt(btf: Btf, id: number, what: string): BtfType {
  const t = btf.types[id];
  if (t === undefined) throw new ElfError(`section '.BTF': ${what}: type id ${id} does not exist (${btf.types.length - 1} types)`, { section: '.BTF' });
  return t;
}

/** Follow typedefs and modifiers (cycles end with an error). */
function skipModifiers(btf: Btf, id: number, what: string): BtfType {
  for (let depth = 0; depth < 32; depth++) {
    const t = typeAt(btf, id, what);
    if (!MODIFIERS.has(t.kind)) return t;
    id = t.sizeOrType;
  }
  throw new ElfError(`section '.BTF': ${what}: typedef/modifier chain longer than 32 (a cycle?)`, { section: '.BTF' });
}

/** Byte size of a type, as btf__resolve_size computes it. */
function sizeOf(btf: Btf, id: number, what: string, depth = 0): number {
  if (depth > 32) throw new ElfError(`section '.BTF': ${what}: type chain longer than 32 (a cycle?)`, { section: '.BTF' });
  const t = skipModifiers(btf, id, what);
  switch (t.kind) {
    case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT: case BTF_KIND_DATASEC:
      return t.sizeOrType;
    case BTF_KIND_PTR:
      return 8;
    case BTF_KIND_ARRAY:
      return t.array!.nelems * sizeOf(btf, t.array!.type, what, depth + 1);
    case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
      return sizeOf(btf, t.sizeOrType, what, depth + 1);
    default:
      throw new ElfError(`section '.BTF': ${what}: a type of kind ${t.kind} has no size`, { section: '.BTF' });
  }
}

const UINT_FIELDS: Record<string, 'type' | 'keySize' | 'valueSize' | 'maxEntries' | 'flags' | 'numa' | 'extra'> = {
  type: 'type', key_size: 'keySize', value_size: 'valueSize', max_entries: 'maxEntries', map_flags: 'flags', numa_node: 'numa', map_extra: 'extra',
};

function mapDef(btf: Btf, name: string, varType: number): MapDef {
  const what = `map '${name}'`;
  const def = skipModifiers(btf, varType, what);
  if (def.kind !== BTF_KIND_STRUCT) throw new ElfError(`section '.BTF': ${what}: the definition is of kind ${def.kind}, not a struct`, { section: '.BTF' });
  const v: Partial<Record<'type' | 'keySize' | 'valueSize' | 'maxEntries' | 'flags' | 'numa' | 'extra', number>> = {};
  for (const m of def.members!) {
    const field = `${what}: field '${m.name}'`;
    const uint = UINT_FIELDS[m.name];
    if (uint !== undefined) {
      const p = skipModifiers(btf, m.type, field);
      const arr = p.kind === BTF_KIND_PTR ? skipModifiers(btf, p.sizeOrType, field) : undefined;
      if (arr === undefined || arr.kind !== BTF_KIND_ARRAY) throw new ElfError(`section '.BTF': ${field} is not __uint(${m.name}, N) (a pointer to an array)`, { section: '.BTF' });
      v[uint] = arr.array!.nelems;
    } else if (m.name === 'key' || m.name === 'value') {
      const p = skipModifiers(btf, m.type, field);
      if (p.kind !== BTF_KIND_PTR) throw new ElfError(`section '.BTF': ${field} is not __type(${m.name}, T) (a pointer)`, { section: '.BTF' });
      const size = sizeOf(btf, p.sizeOrType, field);
      const k = m.name === 'key' ? 'keySize' : 'valueSize';
      if (v[k] !== undefined && v[k] !== size) throw new ElfError(`section '.BTF': ${field}: the type's size ${size} disagrees with ${m.name}_size ${v[k]}`, { section: '.BTF' });
      v[k] = size;
    } else if (m.name === 'pinning' || m.name === 'values') {
      throw new ElfError(`section '.BTF': ${field} (${m.name === 'pinning' ? 'pinning' : 'inner maps'}) is not supported`, { section: '.BTF' });
    } else {
      throw new ElfError(`section '.BTF': ${what}: unknown field '${m.name}'`, { section: '.BTF' });
    }
  }
  if (v.type === undefined || v.type === 0) throw new ElfError(`section '.BTF': ${what} has no __uint(type, ...)`, { section: '.BTF' });
  if ((v.numa ?? 0) !== 0 || (v.extra ?? 0) !== 0) throw new ElfError(`section '.BTF': ${what}: numa_node and map_extra are not supported`, { section: '.BTF' });
  return { name, type: v.type, keySize: v.keySize ?? 0, valueSize: v.valueSize ?? 0, maxEntries: v.maxEntries ?? 0, flags: v.flags ?? 0 };
}

/**
 * The map definitions of the `.maps` data section, by variable (= map) name.
 * @example btfMapDefs(readBtf(sec.bytes, sec.offset)).get('counts')?.maxEntries
 */
export function btfMapDefs(btf: Btf): Map<string, MapDef> {
  const out = new Map<string, MapDef>();
  const sec = btf.types.find((t) => t !== undefined && t.kind === BTF_KIND_DATASEC && t.name === '.maps');
  if (sec === undefined) return out;
  for (const m of sec.members!) {
    const v = typeAt(btf, m.type, "DATASEC '.maps'");
    if (v.kind !== BTF_KIND_VAR) throw new ElfError(`section '.BTF': DATASEC '.maps' entry ${m.type} is of kind ${v.kind}, not a VAR`, { section: '.BTF' });
    out.set(v.name, mapDef(btf, v.name, v.sizeOrType));
  }
  return out;
}
