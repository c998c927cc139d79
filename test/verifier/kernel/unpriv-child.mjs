// The unprivileged side of kernel-unpriv.test.ts: a plain-node child (no TypeScript, no root)
// that creates maps and calls BPF_PROG_LOAD with a level-1 log through koffi, as whatever user
// runs it (the test starts it as nobody). Reads a JSON array of jobs on stdin, writes a JSON
// array of answers on stdout.
//   job:    { progType, code: hex of struct bpf_insn[], maps: [{ type, keySize, valueSize, maxEntries, flags, name, initialValue?, frozen? }],
//             (global data: initialValue, hex, is written to element 0, then frozen maps get BPF_MAP_FREEZE, as the loader does)
//             patches: [[byteOffset, mapIndex]] (lddw whose low imm becomes that map's fd),
//             logLevel?, logSize? (a fixed buffer: no retry on ENOSPC) }
//   answer: { uid, accepted, errno, log, trueSize } or { uid, mapIndex, mapErrno } when a map cannot be created
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const koffi = require('koffi');
const libc = koffi.load('libc.so.6');
const syscall = libc.func('syscall', 'long', ['long', 'long', 'void *', 'unsigned long']);
const close = libc.func('close', 'int', ['int']);

const NR_BPF = 321; // x86_64
const BPF_MAP_CREATE = 0;
const BPF_PROG_LOAD = 5;
const BPF_MAP_UPDATE_ELEM = 2;
const BPF_MAP_FREEZE = 22;
const ENOSPC = 28;
const ATTR_SIZE = 160;
const LOG_LEVEL = 1 | 4; // BPF_LOG_LEVEL1 | BPF_LOG_STATS (default)

function bpf(cmd, attr) {
  const ret = syscall(NR_BPF, cmd, attr, attr.byteLength);
  return ret < 0 ? { ret: -1, errno: koffi.errno() } : { ret: Number(ret), errno: 0 };
}

function createMap(m) {
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(m.type, 0);
  attr.writeUInt32LE(m.keySize, 4);
  attr.writeUInt32LE(m.valueSize, 8);
  attr.writeUInt32LE(m.maxEntries, 12);
  attr.writeUInt32LE(m.flags ?? 0, 16);
  if (m.name) attr.write(m.name, 28, 15, 'utf8'); // map_name[16], as the loader names its maps
  const created = bpf(BPF_MAP_CREATE, attr);
  if (created.ret < 0) return created;
  const fail = (r) => {
    close(created.ret);
    return r;
  };
  if (m.initialValue) {
    const key = Buffer.alloc(4);
    const value = Buffer.from(m.initialValue, 'hex');
    const u = Buffer.alloc(ATTR_SIZE);
    u.writeUInt32LE(created.ret, 0);
    u.writeBigUInt64LE(BigInt(koffi.address(key)), 8);
    u.writeBigUInt64LE(BigInt(koffi.address(value)), 16);
    const r = bpf(BPF_MAP_UPDATE_ELEM, u);
    if (r.ret < 0) return fail(r);
  }
  if (m.frozen) {
    const f = Buffer.alloc(ATTR_SIZE);
    f.writeUInt32LE(created.ret, 0);
    const r = bpf(BPF_MAP_FREEZE, f);
    if (r.ret < 0) return fail(r);
  }
  return created;
}

function loadProgram(job, fds) {
  const code = Buffer.from(job.code, 'hex');
  for (const [off, idx] of job.patches) code.writeInt32LE(fds[idx], off + 4);
  const license = Buffer.from('GPL\0');
  const fdArray = fds.length ? Buffer.from(new Int32Array(fds).buffer) : null;
  const fixed = job.logSize !== undefined;
  for (let logSize = job.logSize ?? 1 << 20; ; logSize *= 8) {
    const log = Buffer.alloc(logSize);
    const attr = Buffer.alloc(ATTR_SIZE);
    attr.writeUInt32LE(job.progType, 0);
    attr.writeUInt32LE(code.byteLength / 8, 4);
    attr.writeBigUInt64LE(BigInt(koffi.address(code)), 8);
    attr.writeBigUInt64LE(BigInt(koffi.address(license)), 16);
    attr.writeUInt32LE(job.logLevel ?? LOG_LEVEL, 24);
    attr.writeUInt32LE(logSize, 28);
    attr.writeBigUInt64LE(BigInt(koffi.address(log)), 32);
    if (fdArray) attr.writeBigUInt64LE(BigInt(koffi.address(fdArray)), 120);
    const { ret, errno } = bpf(BPF_PROG_LOAD, attr);
    if (errno === ENOSPC && !fixed && logSize < 64 << 20) continue;
    const end = log.indexOf(0);
    const text = log.subarray(0, end < 0 ? log.byteLength : end).toString('utf8');
    if (ret >= 0) close(ret);
    return { accepted: ret >= 0, errno, log: text, trueSize: attr.readUInt32LE(140) };
  }
}

const uid = process.getuid();
const answers = [];
for (const job of JSON.parse(readFileSync(0, 'utf8'))) {
  const fds = [];
  let answer;
  for (let i = 0; i < job.maps.length && !answer; i++) {
    const { ret, errno } = createMap(job.maps[i]);
    if (ret < 0) answer = { uid, mapIndex: i, mapErrno: errno };
    else fds.push(ret);
  }
  answer ??= { uid, ...loadProgram(job, fds) };
  for (const fd of fds) close(fd);
  answers.push(answer);
}
process.stdout.write(JSON.stringify(answers));
