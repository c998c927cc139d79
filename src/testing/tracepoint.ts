/**
 * Tracepoint contexts from a field layout: parse a tracefs `format` file
 * (`/sys/kernel/tracing/events/<category>/<name>/format`) or give the fields by hand, then
 * generate raw context records with every field in range.
 *
 * ```
 * name: sched_switch
 * ID: 372
 * format:
 * 	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 * 	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 * 	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
 * ```
 */
import fc, { type Arbitrary } from 'fast-check';
import { isArbitrary, type Gen } from './gen.js';

/** One field of a tracepoint record. */
export interface TracepointField {
  readonly name: string;
  /** The C type as tracefs prints it (`unsigned short`, `char[16]` for `char name[16]`, `__data_loc char[]`). */
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly signed: boolean;
  /** Element count of a fixed array field (`char comm[16]` → 16), else null. */
  readonly arrayLength: number | null;
  /** A `__data_loc` field: a u32 holding (length << 16 | offset) of data stored after the fixed part. */
  readonly dataLoc: boolean;
}

/** A tracepoint's record layout. */
export interface TracepointLayout {
  readonly name: string;
  /** The event id (`common_type`), or 0 when unknown. */
  readonly id: number;
  readonly fields: readonly TracepointField[];
  /** Bytes of the fixed part: the end of the last field. */
  readonly size: number;
}

const FIELD_RE = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/;

/**
 * Parse a tracefs `format` file. Throws with the line number on a malformed field line.
 * @example tracepointLayout(readFileSync('/sys/kernel/tracing/events/sched/sched_switch/format', 'utf8'))
 */
export function tracepointLayout(formatText: string): TracepointLayout {
  let name = '';
  let id = 0;
  const fields: TracepointField[] = [];
  const lines = formatText.split('\n');
  lines.forEach((line, i) => {
    const where = `format line ${i + 1}`;
    if (line.startsWith('name:')) name = line.slice(5).trim();
    else if (line.startsWith('ID:')) id = Number(line.slice(3).trim());
    else if (/^\s*field:/.test(line)) {
      const m = FIELD_RE.exec(line);
      if (!m) throw new Error(`${where}: malformed field line '${line.trim()}'`);
      const decl = m[1]!.trim();
      const dataLoc = decl.startsWith('__data_loc ');
      const dm = /^(.*?)\s*\b([A-Za-z_][A-Za-z0-9_]*)\s*(\[(\d*)\])?$/.exec(decl);
      if (!dm) throw new Error(`${where}: cannot read the declaration '${decl}'`);
      const base = dm[1]!.trim();
      const arrayLength = dm[3] !== undefined && dm[4] !== '' ? Number(dm[4]) : null;
      fields.push({
        name: dm[2]!,
        type: arrayLength !== null ? `${base}[${arrayLength}]` : base,
        offset: Number(m[2]),
        size: Number(m[3]),
        signed: m[4] === '1',
        arrayLength,
        dataLoc,
      });
    }
  });
  if (fields.length === 0) throw new Error('format text has no field lines (expected `field:...; offset:N; size:N; signed:N;`)');
  return layoutOf(name, id, fields);
}

/** A layout from fields given by hand; `arrayLength`/`dataLoc` default to none. */
export function layoutOf(
  name: string,
  id: number,
  fields: readonly (Omit<TracepointField, 'arrayLength' | 'dataLoc' | 'type'> & Partial<Pick<TracepointField, 'arrayLength' | 'dataLoc' | 'type'>>)[],
): TracepointLayout {
  const full = fields.map((f) => {
    if (!(Number.isInteger(f.offset) && f.offset >= 0 && Number.isInteger(f.size) && f.size > 0)) {
      throw new Error(`tracepoint field '${f.name}': offset and size must be non-negative integers (size > 0)`);
    }
    return { type: '', arrayLength: null, dataLoc: false, ...f };
  });
  return { name, id, fields: full, size: full.reduce((n, f) => Math.max(n, f.offset + f.size), 0) };
}

/** A generated tracepoint record: its bytes and each field's value (integers as bigint, arrays and `__data_loc` data as bytes). */
export interface TracepointContext {
  readonly kind: 'tracepoint';
  readonly layout: TracepointLayout;
  readonly values: Readonly<Record<string, bigint | Uint8Array>>;
  readonly bytes: Uint8Array;
}

/** Options of `tracepointContextArb`: per-field value overrides (`bigint` for scalars, bytes or text for arrays). */
export interface TracepointContextOptions {
  readonly fields?: Readonly<Record<string, Gen<bigint> | Gen<Uint8Array> | string>>;
  /** Longest `__data_loc` payload (default 32 bytes). */
  readonly maxDataLocLength?: number;
}

function isScalar(f: TracepointField): boolean {
  return !f.dataLoc && f.arrayLength === null && (f.size === 1 || f.size === 2 || f.size === 4 || f.size === 8);
}

function scalarArb(f: TracepointField): Arbitrary<bigint> {
  const bits = BigInt(f.size * 8);
  return f.signed
    ? fc.bigInt({ min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n })
    : fc.bigInt({ min: 0n, max: (1n << bits) - 1n });
}

/**
 * Raw tracepoint records for a layout: every scalar field in its signed/unsigned range,
 * `common_type` = the event id, arrays filled, `__data_loc` data appended after the fixed part.
 * @example tracepointContextArb(layout, { fields: { prev_comm: 'bash' } })
 */
export function tracepointContextArb(layout: TracepointLayout, opts: TracepointContextOptions = {}): Arbitrary<TracepointContext> {
  const overrides = opts.fields ?? {};
  for (const name of Object.keys(overrides)) {
    if (!layout.fields.some((f) => f.name === name)) throw new Error(`tracepoint '${layout.name}' has no field '${name}'`);
  }
  const maxLoc = opts.maxDataLocLength ?? 32;
  const parts: Record<string, Arbitrary<bigint | Uint8Array>> = {};
  for (const f of layout.fields) {
    const o = overrides[f.name];
    if (typeof o === 'string') parts[f.name] = fc.constant(new TextEncoder().encode(o));
    else if (o !== undefined) parts[f.name] = isArbitrary<bigint | Uint8Array>(o) ? o : fc.constant(o);
    else if (f.name === 'common_type' && layout.id > 0) parts[f.name] = fc.constant(BigInt(layout.id));
    else if (isScalar(f)) parts[f.name] = scalarArb(f);
    else if (f.dataLoc) parts[f.name] = fc.uint8Array({ maxLength: maxLoc });
    else parts[f.name] = fc.uint8Array({ minLength: f.size, maxLength: f.size });
  }
  return fc.record(parts).map((values) => ({ kind: 'tracepoint' as const, layout, values, bytes: encodeTracepoint(layout, values) }));
}

/** The record bytes for field values (missing fields are zero). */
export function encodeTracepoint(layout: TracepointLayout, values: Readonly<Record<string, bigint | Uint8Array>>): Uint8Array {
  const extra = layout.fields.filter((f) => f.dataLoc).reduce((n, f) => n + ((values[f.name] as Uint8Array | undefined)?.length ?? 0), 0);
  const out = new Uint8Array(layout.size + extra);
  const view = new DataView(out.buffer);
  let tail = layout.size;
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) continue;
    if (f.dataLoc) {
      const data = v as Uint8Array;
      out.set(data, tail);
      view.setUint32(f.offset, ((data.length & 0xffff) << 16 | (tail & 0xffff)) >>> 0, true);
      tail += data.length;
    } else if (typeof v === 'bigint') {
      for (let i = 0; i < f.size; i++) out[f.offset + i] = Number((BigInt.asUintN(f.size * 8, v) >> BigInt(8 * i)) & 0xffn);
    } else {
      out.set(v.subarray(0, f.size), f.offset);
    }
  }
  return out;
}
