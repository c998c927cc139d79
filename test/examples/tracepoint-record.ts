/**
 * Tracepoint contexts for the VM, built from a tracefs format file's layout
 * (`/sys/kernel/tracing/events/<category>/<name>/format`): the record a tracepoint
 * program's r1 points at.
 */

/** One `field:` line of a format file. */
export interface FormatField {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly signed: boolean;
  /** `__data_loc` fields hold (length << 16 | offset) of a string after the fixed part. */
  readonly dataLoc: boolean;
}

/** A parsed format file. */
export interface TracepointFormat {
  readonly name: string;
  readonly id: number;
  readonly fields: ReadonlyMap<string, FormatField>;
}

/** Parse a tracefs format file. @example parseFormat(readFileSync('.../sched_process_exec/format', 'utf8')) */
export function parseFormat(text: string): TracepointFormat {
  const fields = new Map<string, FormatField>();
  let id = 0;
  let name = '';
  for (const line of text.split('\n')) {
    const idm = /^ID:\s*(\d+)/.exec(line);
    if (idm) id = Number(idm[1]);
    const nm = /^name:\s*(\S+)/.exec(line);
    if (nm) name = nm[1]!;
    const m = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/.exec(line);
    if (!m) continue;
    const decl = m[1]!.trim();
    const fieldName = /(\w+)(\[\d*\])?$/.exec(decl)?.[1];
    if (!fieldName) throw new Error(`format ${name}: cannot read the field declaration '${decl}'`);
    fields.set(fieldName, {
      name: fieldName, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1', dataLoc: decl.startsWith('__data_loc'),
    });
  }
  if (fields.size === 0) throw new Error(`format ${name || '(unnamed)'}: no fields`);
  return { name, id, fields };
}

/** Field values: integers for plain fields, strings for `__data_loc` fields. */
export type RecordValues = Readonly<Record<string, number | bigint | string>>;

/**
 * The trace record for `values`; `common_type` defaults to the format's id. `__data_loc`
 * strings (NUL added) follow the fixed fields; the record is padded to 8 bytes.
 */
export function buildRecord(format: TracepointFormat, values: RecordValues): Uint8Array {
  let fixed = 0;
  for (const f of format.fields.values()) fixed = Math.max(fixed, f.offset + f.size);
  const all: Record<string, number | bigint | string> = { common_type: format.id, ...values };
  const strings: Array<[FormatField, number, Buffer]> = [];
  let end = fixed;
  for (const [name, v] of Object.entries(all)) {
    const f = format.fields.get(name);
    if (!f) throw new Error(`format ${format.name}: no field '${name}'`);
    if (f.dataLoc !== (typeof v === 'string')) throw new Error(`format ${format.name}: field '${name}' ${f.dataLoc ? 'is __data_loc and takes a string' : 'takes a number'}`);
    if (typeof v === 'string') {
      const bytes = Buffer.from(`${v}\0`);
      strings.push([f, end, bytes]);
      end += bytes.length;
    }
  }
  const rec = Buffer.alloc(Math.ceil(end / 8) * 8);
  for (const [name, v] of Object.entries(all)) {
    const f = format.fields.get(name)!;
    if (typeof v === 'string') continue;
    const n = BigInt.asUintN(64, BigInt(v));
    if (f.size === 8) rec.writeBigUInt64LE(n, f.offset);
    else if (f.size === 4) rec.writeUInt32LE(Number(BigInt.asUintN(32, n)), f.offset);
    else if (f.size === 2) rec.writeUInt16LE(Number(BigInt.asUintN(16, n)), f.offset);
    else if (f.size === 1) rec.writeUInt8(Number(BigInt.asUintN(8, n)), f.offset);
    else throw new Error(`format ${format.name}: field '${name}' has size ${f.size}`);
  }
  for (const [f, off, bytes] of strings) {
    rec.writeUInt32LE(((bytes.length << 16) | off) >>> 0, f.offset);
    bytes.copy(rec, off);
  }
  return new Uint8Array(rec.buffer, rec.byteOffset, rec.byteLength);
}
