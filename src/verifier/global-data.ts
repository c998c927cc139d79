/**
 * Read-only and write-only map values (BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG): the
 * kernel's check_map_access_type, bpf_map_is_rdonly and bpf_map_direct_read (constants
 * read from a frozen read-only array), and check_reg_const_str's string lookup.
 */
import type { MapDef } from '../isa/program.js';

/** uapi BPF_F_RDONLY_PROG: the program may only read the map's values. */
export const BPF_F_RDONLY_PROG = 1 << 7;
/** uapi BPF_F_WRONLY_PROG: the program may only write them. */
export const BPF_F_WRONLY_PROG = 1 << 8;
const BPF_MAP_TYPE_ARRAY = 2;

/**
 * check_map_access_type: the kernel's message when the map's flags forbid this access, else null.
 * @example mapAccessDenied({ ...m, flags: BPF_F_RDONLY_PROG }, true, 0, 4) // 'write into map forbidden, value_size=8 off=0 size=4'
 */
export function mapAccessDenied(m: MapDef | undefined, write: boolean, off: number, size: number): string | null {
  if (!m) return null;
  if (write && (m.flags & BPF_F_RDONLY_PROG) !== 0) return `write into map forbidden, value_size=${m.valueSize} off=${off} size=${size}`;
  if (!write && (m.flags & BPF_F_WRONLY_PROG) !== 0) return `read from map forbidden, value_size=${m.valueSize} off=${off} size=${size}`;
  return null;
}

/** bpf_map_is_rdonly: BPF_F_RDONLY_PROG and frozen (the loader freezes before BPF_PROG_LOAD). */
export function mapIsRdonly(m: MapDef | undefined): boolean {
  return m !== undefined && (m.flags & BPF_F_RDONLY_PROG) !== 0 && m.frozen === true;
}

/** Whether the map has map_direct_value_addr (array maps), so its value has an address. */
export function mapHasDirectValue(m: MapDef | undefined): boolean {
  return m !== undefined && m.type === BPF_MAP_TYPE_ARRAY && m.maxEntries === 1;
}

/** The bytes of element 0 as the program sees them (the initial value, zeros without one). */
export function mapValueBytes(m: MapDef): Uint8Array {
  const v = new Uint8Array(m.valueSize);
  if (m.initialValue) v.set(m.initialValue.subarray(0, m.valueSize));
  return v;
}

/**
 * bpf_map_direct_read: the little-endian value of `size` bytes at `off` of a frozen read-only
 * array, or null when the kernel would not know it (not read-only, not an array, out of range).
 */
export function mapDirectRead(m: MapDef | undefined, off: number, size: number): bigint | null {
  if (!m || !mapIsRdonly(m) || !mapHasDirectValue(m)) return null;
  if (off < 0 || off + size > m.valueSize || ![1, 2, 4, 8].includes(size)) return null;
  const v = mapValueBytes(m);
  let x = 0n;
  for (let i = size - 1; i >= 0; i--) x = (x << 8n) | BigInt(v[off + i]!);
  return x;
}

const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isPunct = (c: number): boolean => isPrint(c) && c !== 0x20 && !isAlnum(c);
const ch = (s: string): number => s.charCodeAt(0);

/**
 * bpf_bprintf_prepare's format check: the NUL-terminated format at `bytes[0..]` with `numArgs`
 * arguments (%d %i %u %x %X with l/ll, %c, %s, %ks, %us, %p, %pK/x/s/S, %pB, %pi4/6, %pI4/6, %%).
 * @example bprintfFormatValid(new TextEncoder().encode('x %d\0'), 1) // true
 */
export function bprintfFormatValid(bytes: Uint8Array, numArgs: number): boolean {
  const end = bytes.indexOf(0);
  if (end < 0) return false;
  const f = (i: number): number => (i < bytes.length ? bytes[i]! : 0);
  let spec = 0;
  for (let i = 0; i < end; i++) {
    const c = f(i);
    if ((!isPrint(c) && !isSpace(c)) || c > 0x7f) return false;
    if (c !== ch('%')) continue;
    if (f(i + 1) === ch('%')) {
      i++;
      continue;
    }
    if (spec >= numArgs) return false;
    i++;
    while ([ch('0'), ch('+'), ch('-'), ch(' ')].includes(f(i))) i++;
    if (f(i) >= ch('1') && f(i) <= ch('9')) {
      i++;
      while (isDigit(f(i))) i++;
    }
    const n = f(i + 1);
    if (f(i) === ch('p')) {
      if ((n === ch('k') || n === ch('u')) && f(i + 2) === ch('s')) {
        i += 2;
        if (!strEnd(f(i + 1))) return false;
      } else if (n === 0 || isSpace(n) || isPunct(n) || [ch('K'), ch('x'), ch('s'), ch('S'), ch('B')].includes(n)) {
        i++;
      } else if ((n === ch('i') || n === ch('I')) && (f(i + 2) === ch('4') || f(i + 2) === ch('6'))) {
        i += 2;
      } else {
        return false;
      }
    } else if (f(i) === ch('s')) {
      if (!strEnd(n)) return false;
    } else if (f(i) !== ch('c')) {
      if (f(i) === ch('l')) i++;
      if (f(i) === ch('l')) i++;
      if (![ch('i'), ch('d'), ch('u'), ch('x'), ch('X')].includes(f(i))) return false;
    }
    spec++;
  }
  return true;
}

/** After %s / %ks / %us: the end, a space or punctuation. */
function strEnd(c: number): boolean {
  return c === 0 || isSpace(c) || isPunct(c);
}
