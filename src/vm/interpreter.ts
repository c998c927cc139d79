import { HI_BASE, type Region } from './address-space.js';
import * as A from './alu64.js';
import type { CompiledProgram } from './compile.js';
import type { Machine } from './machine.js';

/*
 * Internal opcodes of the pre-decoded program: one dense number per executable form, so
 * the loop dispatches with one \`switch\`. \`_K\` takes the immediate, \`_X\` the source
 * register. They are module-local literal constants on purpose: V8 folds those into a jump
 * table, but not imported or exported bindings (measured: 5x slower dispatch).
 */
const OP_ADD64_K = 0, OP_ADD64_X = 1, OP_SUB64_K = 2, OP_SUB64_X = 3;
const OP_MUL64_K = 4, OP_MUL64_X = 5, OP_DIV64_K = 6, OP_DIV64_X = 7;
const OP_SDIV64_K = 8, OP_SDIV64_X = 9, OP_OR64_K = 10, OP_OR64_X = 11;
const OP_AND64_K = 12, OP_AND64_X = 13, OP_LSH64_K = 14, OP_LSH64_X = 15;
const OP_RSH64_K = 16, OP_RSH64_X = 17, OP_MOD64_K = 18, OP_MOD64_X = 19;
const OP_SMOD64_K = 20, OP_SMOD64_X = 21, OP_XOR64_K = 22, OP_XOR64_X = 23;
const OP_MOV64_K = 24, OP_MOV64_X = 25, OP_ARSH64_K = 26, OP_ARSH64_X = 27;
const OP_NEG64 = 28, OP_MOVSX8_64 = 29, OP_MOVSX16_64 = 30, OP_MOVSX32_64 = 31;

const OP_ADD32_K = 32, OP_ADD32_X = 33, OP_SUB32_K = 34, OP_SUB32_X = 35;
const OP_MUL32_K = 36, OP_MUL32_X = 37, OP_DIV32_K = 38, OP_DIV32_X = 39;
const OP_SDIV32_K = 40, OP_SDIV32_X = 41, OP_OR32_K = 42, OP_OR32_X = 43;
const OP_AND32_K = 44, OP_AND32_X = 45, OP_LSH32_K = 46, OP_LSH32_X = 47;
const OP_RSH32_K = 48, OP_RSH32_X = 49, OP_MOD32_K = 50, OP_MOD32_X = 51;
const OP_SMOD32_K = 52, OP_SMOD32_X = 53, OP_XOR32_K = 54, OP_XOR32_X = 55;
const OP_MOV32_K = 56, OP_MOV32_X = 57, OP_ARSH32_K = 58, OP_ARSH32_X = 59;
const OP_NEG32 = 60, OP_MOVSX8_32 = 61, OP_MOVSX16_32 = 62;

const OP_LE16 = 64, OP_LE32 = 65, OP_LE64 = 66, OP_BE16 = 67, OP_BE32 = 68, OP_BE64 = 69;

const OP_JEQ64_K = 70, OP_JEQ64_X = 71, OP_JGT64_K = 72, OP_JGT64_X = 73;
const OP_JGE64_K = 74, OP_JGE64_X = 75, OP_JSET64_K = 76, OP_JSET64_X = 77;
const OP_JNE64_K = 78, OP_JNE64_X = 79, OP_JSGT64_K = 80, OP_JSGT64_X = 81;
const OP_JSGE64_K = 82, OP_JSGE64_X = 83, OP_JLT64_K = 84, OP_JLT64_X = 85;
const OP_JLE64_K = 86, OP_JLE64_X = 87, OP_JSLT64_K = 88, OP_JSLT64_X = 89;
const OP_JSLE64_K = 90, OP_JSLE64_X = 91;

const OP_JEQ32_K = 92, OP_JEQ32_X = 93, OP_JGT32_K = 94, OP_JGT32_X = 95;
const OP_JGE32_K = 96, OP_JGE32_X = 97, OP_JSET32_K = 98, OP_JSET32_X = 99;
const OP_JNE32_K = 100, OP_JNE32_X = 101, OP_JSGT32_K = 102, OP_JSGT32_X = 103;
const OP_JSGE32_K = 104, OP_JSGE32_X = 105, OP_JLT32_K = 106, OP_JLT32_X = 107;
const OP_JLE32_K = 108, OP_JLE32_X = 109, OP_JSLT32_K = 110, OP_JSLT32_X = 111;
const OP_JSLE32_K = 112, OP_JSLE32_X = 113;

const OP_JA = 114, OP_MAY_GOTO = 115, OP_CALL_HELPER = 116, OP_CALL_LOCAL = 117;
const OP_CALLX = 118, OP_EXIT = 119, OP_TAIL_CALL = 120, OP_LDDW = 121;

const OP_LDXB = 122, OP_LDXH = 123, OP_LDXW = 124, OP_LDXDW = 125;
const OP_LDXSB = 126, OP_LDXSH = 127, OP_LDXSW = 128;
const OP_STB = 129, OP_STH = 130, OP_STW = 131, OP_STDW = 132;
const OP_STXB = 133, OP_STXH = 134, OP_STXW = 135, OP_STXDW = 136;
const OP_ATOMIC = 137, OP_LDABS = 138, OP_LDIND = 139;

const OP_FAULT = 140;

/** Opcode numbers the compiler needs (the rest are derived: \`_X\` = \`_K\` + 1, ALU32 = ALU64 + 32). */
export const OPS = { OP_ADD64_K, OP_NEG64, OP_MOVSX8_64, OP_MOVSX16_64, OP_MOVSX32_64, OP_LE16, OP_BE16, OP_JEQ64_K, OP_JEQ32_K, OP_JA, OP_MAY_GOTO, OP_CALL_HELPER, OP_CALL_LOCAL, OP_CALLX, OP_EXIT, OP_TAIL_CALL, OP_LDDW, OP_LDXB, OP_LDXH, OP_LDXW, OP_LDXDW, OP_LDXSB, OP_LDXSH, OP_LDXSW, OP_STB, OP_STXB, OP_ATOMIC, OP_LDABS, OP_LDIND, OP_FAULT } as const;

/** Stride of one slot in \`CompiledProgram.code\`: [op | dst << 8 | src << 12, off or target, imm, imm high half]. */
export const SLOT_WORDS = 4;

const TWO32 = 4294967296;

/** Offset found by `reach` (valid when it returned a region). */
let hitOff = 0;

/** The region of a fast-path access with permission `perm`, or null for the slow path. */
function reach(regions: Region[], alo: number, ahi: number, size: number, perm: number): Region | null {
  const ri = (ahi - HI_BASE) >>> 0;
  if (ri >= regions.length) return null;
  const r = regions[ri]!;
  const o = (alo - r.baseLo) >>> 0;
  if (o + size > r.size || (r.perm & perm) === 0) return null;
  hitOff = o;
  return r;
}

/** High word of `base + off` where `a = (base_lo >>> 0) + off`. */
function carryHi(h: number, a: number): number {
  return (h + (a < 0 ? -1 : a >= TWO32 ? 1 : 0)) | 0;
}

/** Instructions per call of `runSlice`; see `execute`. */
const SLICE = 1 << 14;

/**
 * Run `entry` from slot `pc` in the current frame until that frame exits; r0 holds the result.
 * Throws `VmFault` for every abnormal stop. Reentrant: helpers may call back into it.
 *
 * The loop runs in slices of `SLICE` instructions: V8's on-stack-replacement code for one
 * long-running call of a big switch loop is several times slower than the code it compiles
 * for a function that is called often, so a long program is many short calls.
 */
export function execute(m: Machine, entry: CompiledProgram, entryPc: number): void {
  const baseDepth = m.depth;
  m.sliceProg = entry;
  m.slicePc = entryPc;
  while (!runSlice(m, baseDepth)) { /* next slice */ }
}

/** Run at most `SLICE` instructions from `m.sliceProg` / `m.slicePc`; true when the base frame exited. */
function runSlice(m: Machine, baseDepth: number): boolean {
  const lo = m.lo, hi = m.hi, regions = m.space.regions;
  const tracing = m.trace !== undefined;
  let prog = m.sliceProg!;
  let code = prog.code;
  let pc = m.slicePc;
  let n = m.executed;
  const max = m.maxInsns;
  const stop = Math.min(max, n + SLICE);
  for (;;) {
    if (++n > stop) {
      if (n > max) {
        m.executed = max;
        throw m.fault(prog, pc, 'budget', `instruction budget of ${max} exhausted`);
      }
      m.executed = n - 1;
      m.sliceProg = prog;
      m.slicePc = pc;
      return false;
    }
    if (tracing) m.traceStep(prog, pc);
    const b = pc << 2;
    const w = code[b]!;
    const d = (w >> 8) & 15;
    const s = (w >> 12) & 15;
    pc++;
    switch (w & 255) {
      // ALU64
      case OP_ADD64_K: { const imm = code[b + 2]!; const t = (lo[d]! >>> 0) + (imm >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! + code[b + 3]! + (t >= TWO32 ? 1 : 0)) | 0; break; }
      case OP_ADD64_X: { const t = (lo[d]! >>> 0) + (lo[s]! >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! + hi[s]! + (t >= TWO32 ? 1 : 0)) | 0; break; }
      case OP_SUB64_K: { const t = (lo[d]! >>> 0) - (code[b + 2]! >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! - code[b + 3]! - (t < 0 ? 1 : 0)) | 0; break; }
      case OP_SUB64_X: { const t = (lo[d]! >>> 0) - (lo[s]! >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! - hi[s]! - (t < 0 ? 1 : 0)) | 0; break; }
      case OP_MUL64_K: A.mul64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case OP_MUL64_X: A.mul64(lo, hi, d, lo[s]!, hi[s]!); break;
      case OP_DIV64_K: A.div64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case OP_DIV64_X: A.div64(lo, hi, d, lo[s]!, hi[s]!); break;
      case OP_SDIV64_K: A.sdiv64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case OP_SDIV64_X: A.sdiv64(lo, hi, d, lo[s]!, hi[s]!); break;
      case OP_OR64_K: lo[d] = lo[d]! | code[b + 2]!; hi[d] = hi[d]! | code[b + 3]!; break;
      case OP_OR64_X: lo[d] = lo[d]! | lo[s]!; hi[d] = hi[d]! | hi[s]!; break;
      case OP_AND64_K: lo[d] = lo[d]! & code[b + 2]!; hi[d] = hi[d]! & code[b + 3]!; break;
      case OP_AND64_X: lo[d] = lo[d]! & lo[s]!; hi[d] = hi[d]! & hi[s]!; break;
      case OP_LSH64_K: A.lsh64(lo, hi, d, code[b + 2]!); break;
      case OP_LSH64_X: A.lsh64(lo, hi, d, lo[s]!); break;
      case OP_RSH64_K: A.rsh64(lo, hi, d, code[b + 2]!); break;
      case OP_RSH64_X: A.rsh64(lo, hi, d, lo[s]!); break;
      case OP_MOD64_K: A.mod64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case OP_MOD64_X: A.mod64(lo, hi, d, lo[s]!, hi[s]!); break;
      case OP_SMOD64_K: A.smod64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case OP_SMOD64_X: A.smod64(lo, hi, d, lo[s]!, hi[s]!); break;
      case OP_XOR64_K: lo[d] = lo[d]! ^ code[b + 2]!; hi[d] = hi[d]! ^ code[b + 3]!; break;
      case OP_XOR64_X: lo[d] = lo[d]! ^ lo[s]!; hi[d] = hi[d]! ^ hi[s]!; break;
      case OP_MOV64_K: lo[d] = code[b + 2]!; hi[d] = code[b + 3]!; break;
      case OP_MOV64_X: lo[d] = lo[s]!; hi[d] = hi[s]!; break;
      case OP_ARSH64_K: A.arsh64(lo, hi, d, code[b + 2]!); break;
      case OP_ARSH64_X: A.arsh64(lo, hi, d, lo[s]!); break;
      case OP_NEG64: { const l = lo[d]!; lo[d] = -l | 0; hi[d] = (~hi[d]! + (l === 0 ? 1 : 0)) | 0; break; }
      case OP_MOVSX8_64: { const v = (lo[s]! << 24) >> 24; lo[d] = v; hi[d] = v >> 31; break; }
      case OP_MOVSX16_64: { const v = (lo[s]! << 16) >> 16; lo[d] = v; hi[d] = v >> 31; break; }
      case OP_MOVSX32_64: { const v = lo[s]!; lo[d] = v; hi[d] = v >> 31; break; }
      // ALU32: results zero-extend
      case OP_ADD32_K: lo[d] = (lo[d]! + code[b + 2]!) | 0; hi[d] = 0; break;
      case OP_ADD32_X: lo[d] = (lo[d]! + lo[s]!) | 0; hi[d] = 0; break;
      case OP_SUB32_K: lo[d] = (lo[d]! - code[b + 2]!) | 0; hi[d] = 0; break;
      case OP_SUB32_X: lo[d] = (lo[d]! - lo[s]!) | 0; hi[d] = 0; break;
      case OP_MUL32_K: lo[d] = Math.imul(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case OP_MUL32_X: lo[d] = Math.imul(lo[d]!, lo[s]!); hi[d] = 0; break;
      case OP_DIV32_K: lo[d] = A.div32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case OP_DIV32_X: lo[d] = A.div32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case OP_SDIV32_K: lo[d] = A.sdiv32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case OP_SDIV32_X: lo[d] = A.sdiv32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case OP_OR32_K: lo[d] = lo[d]! | code[b + 2]!; hi[d] = 0; break;
      case OP_OR32_X: lo[d] = lo[d]! | lo[s]!; hi[d] = 0; break;
      case OP_AND32_K: lo[d] = lo[d]! & code[b + 2]!; hi[d] = 0; break;
      case OP_AND32_X: lo[d] = lo[d]! & lo[s]!; hi[d] = 0; break;
      case OP_LSH32_K: lo[d] = lo[d]! << (code[b + 2]! & 31); hi[d] = 0; break;
      case OP_LSH32_X: lo[d] = lo[d]! << (lo[s]! & 31); hi[d] = 0; break;
      case OP_RSH32_K: lo[d] = lo[d]! >>> (code[b + 2]! & 31); hi[d] = 0; break;
      case OP_RSH32_X: lo[d] = lo[d]! >>> (lo[s]! & 31); hi[d] = 0; break;
      case OP_MOD32_K: lo[d] = A.mod32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case OP_MOD32_X: lo[d] = A.mod32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case OP_SMOD32_K: lo[d] = A.smod32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case OP_SMOD32_X: lo[d] = A.smod32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case OP_XOR32_K: lo[d] = lo[d]! ^ code[b + 2]!; hi[d] = 0; break;
      case OP_XOR32_X: lo[d] = lo[d]! ^ lo[s]!; hi[d] = 0; break;
      case OP_MOV32_K: lo[d] = code[b + 2]!; hi[d] = 0; break;
      case OP_MOV32_X: lo[d] = lo[s]!; hi[d] = 0; break;
      case OP_ARSH32_K: lo[d] = lo[d]! >> (code[b + 2]! & 31); hi[d] = 0; break;
      case OP_ARSH32_X: lo[d] = lo[d]! >> (lo[s]! & 31); hi[d] = 0; break;
      case OP_NEG32: lo[d] = -lo[d]! | 0; hi[d] = 0; break;
      case OP_MOVSX8_32: lo[d] = (lo[s]! << 24) >> 24; hi[d] = 0; break;
      case OP_MOVSX16_32: lo[d] = (lo[s]! << 16) >> 16; hi[d] = 0; break;
      // byte order (little-endian host): le = truncate, be/bswap = swap
      case OP_LE16: lo[d] = lo[d]! & 0xffff; hi[d] = 0; break;
      case OP_LE32: hi[d] = 0; break;
      case OP_LE64: break;
      case OP_BE16: lo[d] = A.bswap16(lo[d]!); hi[d] = 0; break;
      case OP_BE32: lo[d] = A.bswap32(lo[d]!); hi[d] = 0; break;
      case OP_BE64: { const l = lo[d]!; lo[d] = A.bswap32(hi[d]!); hi[d] = A.bswap32(l); break; }
      // JMP (64-bit compare; imm sign-extended)
      case OP_JEQ64_K: if (lo[d] === code[b + 2] && hi[d] === code[b + 3]) pc = code[b + 1]!; break;
      case OP_JEQ64_X: if (lo[d] === lo[s] && hi[d] === hi[s]) pc = code[b + 1]!; break;
      case OP_JNE64_K: if (lo[d] !== code[b + 2] || hi[d] !== code[b + 3]) pc = code[b + 1]!; break;
      case OP_JNE64_X: if (lo[d] !== lo[s] || hi[d] !== hi[s]) pc = code[b + 1]!; break;
      case OP_JSET64_K: if ((lo[d]! & code[b + 2]!) !== 0 || (hi[d]! & code[b + 3]!) !== 0) pc = code[b + 1]!; break;
      case OP_JSET64_X: if ((lo[d]! & lo[s]!) !== 0 || (hi[d]! & hi[s]!) !== 0) pc = code[b + 1]!; break;
      case OP_JGT64_K: if (A.ltU64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JGT64_X: if (A.ltU64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JGE64_K: if (!A.ltU64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case OP_JGE64_X: if (!A.ltU64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case OP_JLT64_K: if (A.ltU64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case OP_JLT64_X: if (A.ltU64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case OP_JLE64_K: if (!A.ltU64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JLE64_X: if (!A.ltU64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JSGT64_K: if (A.ltS64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JSGT64_X: if (A.ltS64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JSGE64_K: if (!A.ltS64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case OP_JSGE64_X: if (!A.ltS64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case OP_JSLT64_K: if (A.ltS64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case OP_JSLT64_X: if (A.ltS64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case OP_JSLE64_K: if (!A.ltS64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case OP_JSLE64_X: if (!A.ltS64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      // JMP32 (low halves)
      case OP_JEQ32_K: if (lo[d] === code[b + 2]) pc = code[b + 1]!; break;
      case OP_JEQ32_X: if (lo[d] === lo[s]) pc = code[b + 1]!; break;
      case OP_JNE32_K: if (lo[d] !== code[b + 2]) pc = code[b + 1]!; break;
      case OP_JNE32_X: if (lo[d] !== lo[s]) pc = code[b + 1]!; break;
      case OP_JSET32_K: if ((lo[d]! & code[b + 2]!) !== 0) pc = code[b + 1]!; break;
      case OP_JSET32_X: if ((lo[d]! & lo[s]!) !== 0) pc = code[b + 1]!; break;
      case OP_JGT32_K: if (lo[d]! >>> 0 > code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case OP_JGT32_X: if (lo[d]! >>> 0 > lo[s]! >>> 0) pc = code[b + 1]!; break;
      case OP_JGE32_K: if (lo[d]! >>> 0 >= code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case OP_JGE32_X: if (lo[d]! >>> 0 >= lo[s]! >>> 0) pc = code[b + 1]!; break;
      case OP_JLT32_K: if (lo[d]! >>> 0 < code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case OP_JLT32_X: if (lo[d]! >>> 0 < lo[s]! >>> 0) pc = code[b + 1]!; break;
      case OP_JLE32_K: if (lo[d]! >>> 0 <= code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case OP_JLE32_X: if (lo[d]! >>> 0 <= lo[s]! >>> 0) pc = code[b + 1]!; break;
      case OP_JSGT32_K: if (lo[d]! > code[b + 2]!) pc = code[b + 1]!; break;
      case OP_JSGT32_X: if (lo[d]! > lo[s]!) pc = code[b + 1]!; break;
      case OP_JSGE32_K: if (lo[d]! >= code[b + 2]!) pc = code[b + 1]!; break;
      case OP_JSGE32_X: if (lo[d]! >= lo[s]!) pc = code[b + 1]!; break;
      case OP_JSLT32_K: if (lo[d]! < code[b + 2]!) pc = code[b + 1]!; break;
      case OP_JSLT32_X: if (lo[d]! < lo[s]!) pc = code[b + 1]!; break;
      case OP_JSLE32_K: if (lo[d]! <= code[b + 2]!) pc = code[b + 1]!; break;
      case OP_JSLE32_X: if (lo[d]! <= lo[s]!) pc = code[b + 1]!; break;
      // control flow
      case OP_JA: pc = code[b + 1]!; break;
      case OP_MAY_GOTO: if (m.mayGoto === 0) pc = code[b + 1]!; else m.mayGoto--; break;
      case OP_LDDW: lo[d] = code[b + 2]!; hi[d] = code[b + 3]!; pc++; break;
      case OP_CALL_LOCAL: m.pushFrame(prog, pc - 1, pc); pc = code[b + 1]!; break;
      case OP_CALL_HELPER:
        m.executed = n;
        m.callHelperAt(prog, pc - 1, code[b + 2]!);
        n = m.executed;
        break;
      case OP_CALLX: {
        m.executed = n;
        const t = m.callIndirect(prog, pc - 1, lo[d]!, hi[d]!, pc);
        n = m.executed;
        if (t !== null) { prog = t; code = t.code; pc = m.returnPc; }
        break;
      }
      case OP_TAIL_CALL: {
        const t = m.tailCall(prog, pc - 1);
        if (t !== null) { prog = t; code = t.code; pc = 0; }
        break;
      }
      case OP_EXIT:
        if (m.depth === baseDepth) {
          m.executed = n;
          if (tracing) m.traceFlush();
          return true;
        }
        prog = m.popFrame();
        code = prog.code;
        pc = m.returnPc;
        break;
      // loads
      case OP_LDXB: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 1, 1); if (r !== null) { lo[d] = r.bytes[hitOff]!; hi[d] = 0; } else m.load(prog, pc - 1, al, ah, 1, false, d); break; }
      case OP_LDXH: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 2, 1); if (r !== null) { lo[d] = r.view.getUint16(hitOff, true); hi[d] = 0; } else m.load(prog, pc - 1, al, ah, 2, false, d); break; }
      case OP_LDXW: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 4, 1); if (r !== null) { lo[d] = r.view.getInt32(hitOff, true); hi[d] = 0; } else m.load(prog, pc - 1, al, ah, 4, false, d); break; }
      case OP_LDXDW: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 8, 1); if (r !== null) { const o = hitOff; lo[d] = r.view.getInt32(o, true); hi[d] = r.view.getInt32(o + 4, true); } else m.load(prog, pc - 1, al, ah, 8, false, d); break; }
      case OP_LDXSB: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 1, 1); if (r !== null) { const v = r.view.getInt8(hitOff); lo[d] = v; hi[d] = v >> 31; } else m.load(prog, pc - 1, al, ah, 1, true, d); break; }
      case OP_LDXSH: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 2, 1); if (r !== null) { const v = r.view.getInt16(hitOff, true); lo[d] = v; hi[d] = v >> 31; } else m.load(prog, pc - 1, al, ah, 2, true, d); break; }
      case OP_LDXSW: { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 4, 1); if (r !== null) { const v = r.view.getInt32(hitOff, true); lo[d] = v; hi[d] = v >> 31; } else m.load(prog, pc - 1, al, ah, 4, true, d); break; }
      // stores of an immediate
      case OP_STB: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 1, 2); if (r !== null) r.bytes[hitOff] = code[b + 2]!; else m.store(prog, pc - 1, al, ah, 1, code[b + 2]!, 0); break; }
      case OP_STH: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 2, 2); if (r !== null) r.view.setInt16(hitOff, code[b + 2]!, true); else m.store(prog, pc - 1, al, ah, 2, code[b + 2]!, 0); break; }
      case OP_STW: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 4, 2); if (r !== null) r.view.setInt32(hitOff, code[b + 2]!, true); else m.store(prog, pc - 1, al, ah, 4, code[b + 2]!, 0); break; }
      case OP_STDW: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 8, 2); if (r !== null) { r.view.setInt32(hitOff, code[b + 2]!, true); r.view.setInt32(hitOff + 4, code[b + 3]!, true); } else m.store(prog, pc - 1, al, ah, 8, code[b + 2]!, code[b + 3]!); break; }
      // stores of a register
      case OP_STXB: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 1, 2); if (r !== null) r.bytes[hitOff] = lo[s]!; else m.store(prog, pc - 1, al, ah, 1, lo[s]!, 0); break; }
      case OP_STXH: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 2, 2); if (r !== null) r.view.setInt16(hitOff, lo[s]!, true); else m.store(prog, pc - 1, al, ah, 2, lo[s]!, 0); break; }
      case OP_STXW: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 4, 2); if (r !== null) r.view.setInt32(hitOff, lo[s]!, true); else m.store(prog, pc - 1, al, ah, 4, lo[s]!, 0); break; }
      case OP_STXDW: { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 8, 2); if (r !== null) { r.view.setInt32(hitOff, lo[s]!, true); r.view.setInt32(hitOff + 4, hi[s]!, true); } else m.store(prog, pc - 1, al, ah, 8, lo[s]!, hi[s]!); break; }
      case OP_ATOMIC: m.atomic(prog, pc - 1, d, s, code[b + 1]!, code[b + 2]!); break;
      case OP_LDABS:
      case OP_LDIND: {
        const off = (w & 255) === OP_LDABS ? code[b + 2]! : (lo[s]! + code[b + 2]!) | 0;
        if (!m.loadPacket(off, code[b + 3]!)) {
          lo[0] = 0;
          hi[0] = 0;
          if (m.depth === baseDepth) {
            m.executed = n;
            if (tracing) m.traceFlush();
            return true;
          }
          prog = m.popFrame();
          code = prog.code;
          pc = m.returnPc;
        }
        break;
      }
      case OP_FAULT: {
        if (tracing) m.traceDrop();
        const at = code[b + 1]!;
        const why = prog.notes[code[b + 2]!] ?? 'invalid instruction';
        throw m.fault(prog, at, why.startsWith('jump') ? 'bad-jump' : 'bad-insn', why);
      }
      default:
        throw m.fault(prog, pc - 1, 'bad-insn', `internal opcode ${w & 255} not executable`);
    }
  }
}
