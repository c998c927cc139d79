// Writes the tracepoint contexts the examples run on in the VM (`--ctx-file`):
// trace records laid out as the format files in this folder say (copied from
// /sys/kernel/tracing/events/<category>/<name>/format), with the values below.
// Run: node examples/formats/make-contexts.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const here = new URL('./', import.meta.url);

/** Fields of a tracefs format file: name -> { offset, size, signed, dataLoc }. */
export function parseFormat(text) {
  const fields = new Map();
  let id = 0;
  for (const line of text.split('\n')) {
    const idm = /^ID:\s*(\d+)/.exec(line);
    if (idm) id = Number(idm[1]);
    const m = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/.exec(line);
    if (!m) continue;
    const decl = m[1].trim();
    const name = /(\w+)(\[\d*\])?$/.exec(decl)[1];
    fields.set(name, { offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1', dataLoc: decl.startsWith('__data_loc') });
  }
  return { id, fields };
}

/** A record for `values` (numbers, bigints, or strings for __data_loc fields appended after the fixed part). */
export function buildRecord(format, values) {
  const { id, fields } = format;
  let fixed = 0;
  for (const f of fields.values()) fixed = Math.max(fixed, f.offset + f.size);
  const tails = [];
  let end = fixed;
  const all = { common_type: id, ...values };
  for (const [name, f] of fields) {
    if (f.dataLoc && typeof all[name] === 'string') {
      const bytes = Buffer.from(all[name] + '\0');
      tails.push([f, end, bytes]);
      end += bytes.length;
    }
  }
  const rec = Buffer.alloc(Math.ceil(end / 8) * 8);
  for (const [name, v] of Object.entries(all)) {
    const f = fields.get(name);
    if (!f) throw new Error(`no field '${name}' in the format`);
    if (f.dataLoc) continue;
    const n = BigInt(v);
    if (f.size === 8) rec.writeBigUInt64LE(BigInt.asUintN(64, n), f.offset);
    else if (f.size === 4) rec.writeUInt32LE(Number(BigInt.asUintN(32, n)), f.offset);
    else if (f.size === 2) rec.writeUInt16LE(Number(BigInt.asUintN(16, n)), f.offset);
    else rec.writeUInt8(Number(BigInt.asUintN(8, n)), f.offset);
  }
  for (const [f, off, bytes] of tails) {
    rec.writeUInt32LE(((bytes.length << 16) | off) >>> 0, f.offset);
    bytes.copy(rec, off);
  }
  return rec;
}

const fmt = (name) => parseFormat(readFileSync(new URL(`${name}.format`, here), 'utf8'));
const PID = 4242;

export const contexts = {
  '../hello/execve-ctx.bin': ['sys_enter_execve', {
    common_pid: PID, __syscall_nr: 59, filename: 0x7ffd_0000_1000n, argv: 0x7ffd_0000_2000n, envp: 0x7ffd_0000_3000n,
  }],
  '../write-from-pid/write-ctx.bin': ['sys_enter_write', {
    common_pid: PID, __syscall_nr: 1, fd: 1, buf: 0x7ffd_0000_4000n, count: 6,
  }],
  '../exec-tracer/exec-ctx.bin': ['sched_process_exec', {
    common_pid: PID, filename: '/bin/true', pid: PID, old_pid: PID,
  }],
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [file, [format, values]] of Object.entries(contexts)) {
    writeFileSync(new URL(file, here), buildRecord(fmt(format), values));
  }
  console.log(`wrote ${Object.keys(contexts).length} contexts`);
}
