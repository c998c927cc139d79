import { HI_BASE, type Region } from './address-space.js';
import * as A from './alu64.js';
import type { CompiledProgram } from './compile.js';
import type { Machine } from './machine.js';

/**
 * Internal opcodes of the pre-decoded program: one dense number per executable form, so the
 * loop dispatches with one `switch`. `_K` takes the immediate, `_X` the source register;
 * ALU32 forms are the ALU64 ones + 32. The `case` labels below are the same numbers written
 * as literals (with the name in a comment; a test checks they agree): V8 builds a jump table
 * from literal labels in every tier, but not from named constants in on-stack-replacement
 * code, which was 4x slower.
 */
export const OPS = {
  OP_ADD64_K: 0, OP_ADD64_X: 1, OP_SUB64_K: 2, OP_SUB64_X: 3,
  OP_MUL64_K: 4, OP_MUL64_X: 5, OP_DIV64_K: 6, OP_DIV64_X: 7,
  OP_SDIV64_K: 8, OP_SDIV64_X: 9, OP_OR64_K: 10, OP_OR64_X: 11,
  OP_AND64_K: 12, OP_AND64_X: 13, OP_LSH64_K: 14, OP_LSH64_X: 15,
  OP_RSH64_K: 16, OP_RSH64_X: 17, OP_MOD64_K: 18, OP_MOD64_X: 19,
  OP_SMOD64_K: 20, OP_SMOD64_X: 21, OP_XOR64_K: 22, OP_XOR64_X: 23,
  OP_MOV64_K: 24, OP_MOV64_X: 25, OP_ARSH64_K: 26, OP_ARSH64_X: 27,
  OP_NEG64: 28, OP_MOVSX8_64: 29, OP_MOVSX16_64: 30, OP_MOVSX32_64: 31,
  OP_ADD32_K: 32, OP_ADD32_X: 33, OP_SUB32_K: 34, OP_SUB32_X: 35,
  OP_MUL32_K: 36, OP_MUL32_X: 37, OP_DIV32_K: 38, OP_DIV32_X: 39,
  OP_SDIV32_K: 40, OP_SDIV32_X: 41, OP_OR32_K: 42, OP_OR32_X: 43,
  OP_AND32_K: 44, OP_AND32_X: 45, OP_LSH32_K: 46, OP_LSH32_X: 47,
  OP_RSH32_K: 48, OP_RSH32_X: 49, OP_MOD32_K: 50, OP_MOD32_X: 51,
  OP_SMOD32_K: 52, OP_SMOD32_X: 53, OP_XOR32_K: 54, OP_XOR32_X: 55,
  OP_MOV32_K: 56, OP_MOV32_X: 57, OP_ARSH32_K: 58, OP_ARSH32_X: 59,
  OP_NEG32: 60, OP_MOVSX8_32: 61, OP_MOVSX16_32: 62, OP_LE16: 64,
  OP_LE32: 65, OP_LE64: 66, OP_BE16: 67, OP_BE32: 68,
  OP_BE64: 69, OP_JEQ64_K: 70, OP_JEQ64_X: 71, OP_JGT64_K: 72,
  OP_JGT64_X: 73, OP_JGE64_K: 74, OP_JGE64_X: 75, OP_JSET64_K: 76,
  OP_JSET64_X: 77, OP_JNE64_K: 78, OP_JNE64_X: 79, OP_JSGT64_K: 80,
  OP_JSGT64_X: 81, OP_JSGE64_K: 82, OP_JSGE64_X: 83, OP_JLT64_K: 84,
  OP_JLT64_X: 85, OP_JLE64_K: 86, OP_JLE64_X: 87, OP_JSLT64_K: 88,
  OP_JSLT64_X: 89, OP_JSLE64_K: 90, OP_JSLE64_X: 91, OP_JEQ32_K: 92,
  OP_JEQ32_X: 93, OP_JGT32_K: 94, OP_JGT32_X: 95, OP_JGE32_K: 96,
  OP_JGE32_X: 97, OP_JSET32_K: 98, OP_JSET32_X: 99, OP_JNE32_K: 100,
  OP_JNE32_X: 101, OP_JSGT32_K: 102, OP_JSGT32_X: 103, OP_JSGE32_K: 104,
  OP_JSGE32_X: 105, OP_JLT32_K: 106, OP_JLT32_X: 107, OP_JLE32_K: 108,
  OP_JLE32_X: 109, OP_JSLT32_K: 110, OP_JSLT32_X: 111, OP_JSLE32_K: 112,
  OP_JSLE32_X: 113, OP_JA: 114, OP_MAY_GOTO: 115, OP_CALL_HELPER: 116,
  OP_CALL_LOCAL: 117, OP_CALLX: 118, OP_EXIT: 119, OP_TAIL_CALL: 120,
  OP_LDDW: 121, OP_LDXB: 122, OP_LDXH: 123, OP_LDXW: 124,
  OP_LDXDW: 125, OP_LDXSB: 126, OP_LDXSH: 127, OP_LDXSW: 128,
  OP_STB: 129, OP_STH: 130, OP_STW: 131, OP_STDW: 132,
  OP_STXB: 133, OP_STXH: 134, OP_STXW: 135, OP_STXDW: 136,
  OP_ATOMIC: 137, OP_LDABS: 138, OP_LDIND: 139, OP_FAULT: 140,
} as const;

/** Stride of one slot in `CompiledProgram.code`: [op | dst << 8 | src << 12, off or target, imm, imm high half]. */
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
      case 0: /* ADD64_K */ { const imm = code[b + 2]!; const t = (lo[d]! >>> 0) + (imm >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! + code[b + 3]! + (t >= TWO32 ? 1 : 0)) | 0; break; }
      case 1: /* ADD64_X */ { const t = (lo[d]! >>> 0) + (lo[s]! >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! + hi[s]! + (t >= TWO32 ? 1 : 0)) | 0; break; }
      case 2: /* SUB64_K */ { const t = (lo[d]! >>> 0) - (code[b + 2]! >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! - code[b + 3]! - (t < 0 ? 1 : 0)) | 0; break; }
      case 3: /* SUB64_X */ { const t = (lo[d]! >>> 0) - (lo[s]! >>> 0); lo[d] = t | 0; hi[d] = (hi[d]! - hi[s]! - (t < 0 ? 1 : 0)) | 0; break; }
      case 4: /* MUL64_K */ A.mul64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case 5: /* MUL64_X */ A.mul64(lo, hi, d, lo[s]!, hi[s]!); break;
      case 6: /* DIV64_K */ A.div64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case 7: /* DIV64_X */ A.div64(lo, hi, d, lo[s]!, hi[s]!); break;
      case 8: /* SDIV64_K */ A.sdiv64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case 9: /* SDIV64_X */ A.sdiv64(lo, hi, d, lo[s]!, hi[s]!); break;
      case 10: /* OR64_K */ lo[d] = lo[d]! | code[b + 2]!; hi[d] = hi[d]! | code[b + 3]!; break;
      case 11: /* OR64_X */ lo[d] = lo[d]! | lo[s]!; hi[d] = hi[d]! | hi[s]!; break;
      case 12: /* AND64_K */ lo[d] = lo[d]! & code[b + 2]!; hi[d] = hi[d]! & code[b + 3]!; break;
      case 13: /* AND64_X */ lo[d] = lo[d]! & lo[s]!; hi[d] = hi[d]! & hi[s]!; break;
      case 14: /* LSH64_K */ A.lsh64(lo, hi, d, code[b + 2]!); break;
      case 15: /* LSH64_X */ A.lsh64(lo, hi, d, lo[s]!); break;
      case 16: /* RSH64_K */ A.rsh64(lo, hi, d, code[b + 2]!); break;
      case 17: /* RSH64_X */ A.rsh64(lo, hi, d, lo[s]!); break;
      case 18: /* MOD64_K */ A.mod64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case 19: /* MOD64_X */ A.mod64(lo, hi, d, lo[s]!, hi[s]!); break;
      case 20: /* SMOD64_K */ A.smod64(lo, hi, d, code[b + 2]!, code[b + 3]!); break;
      case 21: /* SMOD64_X */ A.smod64(lo, hi, d, lo[s]!, hi[s]!); break;
      case 22: /* XOR64_K */ lo[d] = lo[d]! ^ code[b + 2]!; hi[d] = hi[d]! ^ code[b + 3]!; break;
      case 23: /* XOR64_X */ lo[d] = lo[d]! ^ lo[s]!; hi[d] = hi[d]! ^ hi[s]!; break;
      case 24: /* MOV64_K */ lo[d] = code[b + 2]!; hi[d] = code[b + 3]!; break;
      case 25: /* MOV64_X */ lo[d] = lo[s]!; hi[d] = hi[s]!; break;
      case 26: /* ARSH64_K */ A.arsh64(lo, hi, d, code[b + 2]!); break;
      case 27: /* ARSH64_X */ A.arsh64(lo, hi, d, lo[s]!); break;
      case 28: /* NEG64 */ { const l = lo[d]!; lo[d] = -l | 0; hi[d] = (~hi[d]! + (l === 0 ? 1 : 0)) | 0; break; }
      case 29: /* MOVSX8_64 */ { const v = (lo[s]! << 24) >> 24; lo[d] = v; hi[d] = v >> 31; break; }
      case 30: /* MOVSX16_64 */ { const v = (lo[s]! << 16) >> 16; lo[d] = v; hi[d] = v >> 31; break; }
      case 31: /* MOVSX32_64 */ { const v = lo[s]!; lo[d] = v; hi[d] = v >> 31; break; }
      // ALU32: results zero-extend
      case 32: /* ADD32_K */ lo[d] = (lo[d]! + code[b + 2]!) | 0; hi[d] = 0; break;
      case 33: /* ADD32_X */ lo[d] = (lo[d]! + lo[s]!) | 0; hi[d] = 0; break;
      case 34: /* SUB32_K */ lo[d] = (lo[d]! - code[b + 2]!) | 0; hi[d] = 0; break;
      case 35: /* SUB32_X */ lo[d] = (lo[d]! - lo[s]!) | 0; hi[d] = 0; break;
      case 36: /* MUL32_K */ lo[d] = Math.imul(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case 37: /* MUL32_X */ lo[d] = Math.imul(lo[d]!, lo[s]!); hi[d] = 0; break;
      case 38: /* DIV32_K */ lo[d] = A.div32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case 39: /* DIV32_X */ lo[d] = A.div32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case 40: /* SDIV32_K */ lo[d] = A.sdiv32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case 41: /* SDIV32_X */ lo[d] = A.sdiv32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case 42: /* OR32_K */ lo[d] = lo[d]! | code[b + 2]!; hi[d] = 0; break;
      case 43: /* OR32_X */ lo[d] = lo[d]! | lo[s]!; hi[d] = 0; break;
      case 44: /* AND32_K */ lo[d] = lo[d]! & code[b + 2]!; hi[d] = 0; break;
      case 45: /* AND32_X */ lo[d] = lo[d]! & lo[s]!; hi[d] = 0; break;
      case 46: /* LSH32_K */ lo[d] = lo[d]! << (code[b + 2]! & 31); hi[d] = 0; break;
      case 47: /* LSH32_X */ lo[d] = lo[d]! << (lo[s]! & 31); hi[d] = 0; break;
      case 48: /* RSH32_K */ lo[d] = lo[d]! >>> (code[b + 2]! & 31); hi[d] = 0; break;
      case 49: /* RSH32_X */ lo[d] = lo[d]! >>> (lo[s]! & 31); hi[d] = 0; break;
      case 50: /* MOD32_K */ lo[d] = A.mod32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case 51: /* MOD32_X */ lo[d] = A.mod32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case 52: /* SMOD32_K */ lo[d] = A.smod32(lo[d]!, code[b + 2]!); hi[d] = 0; break;
      case 53: /* SMOD32_X */ lo[d] = A.smod32(lo[d]!, lo[s]!); hi[d] = 0; break;
      case 54: /* XOR32_K */ lo[d] = lo[d]! ^ code[b + 2]!; hi[d] = 0; break;
      case 55: /* XOR32_X */ lo[d] = lo[d]! ^ lo[s]!; hi[d] = 0; break;
      case 56: /* MOV32_K */ lo[d] = code[b + 2]!; hi[d] = 0; break;
      case 57: /* MOV32_X */ lo[d] = lo[s]!; hi[d] = 0; break;
      case 58: /* ARSH32_K */ lo[d] = lo[d]! >> (code[b + 2]! & 31); hi[d] = 0; break;
      case 59: /* ARSH32_X */ lo[d] = lo[d]! >> (lo[s]! & 31); hi[d] = 0; break;
      case 60: /* NEG32 */ lo[d] = -lo[d]! | 0; hi[d] = 0; break;
      case 61: /* MOVSX8_32 */ lo[d] = (lo[s]! << 24) >> 24; hi[d] = 0; break;
      case 62: /* MOVSX16_32 */ lo[d] = (lo[s]! << 16) >> 16; hi[d] = 0; break;
      // byte order (little-endian host): le = truncate, be/bswap = swap
      case 64: /* LE16 */ lo[d] = lo[d]! & 0xffff; hi[d] = 0; break;
      case 65: /* LE32 */ hi[d] = 0; break;
      case 66: /* LE64 */ break;
      case 67: /* BE16 */ lo[d] = A.bswap16(lo[d]!); hi[d] = 0; break;
      case 68: /* BE32 */ lo[d] = A.bswap32(lo[d]!); hi[d] = 0; break;
      case 69: /* BE64 */ { const l = lo[d]!; lo[d] = A.bswap32(hi[d]!); hi[d] = A.bswap32(l); break; }
      // JMP (64-bit compare; imm sign-extended)
      case 70: /* JEQ64_K */ if (lo[d] === code[b + 2] && hi[d] === code[b + 3]) pc = code[b + 1]!; break;
      case 71: /* JEQ64_X */ if (lo[d] === lo[s] && hi[d] === hi[s]) pc = code[b + 1]!; break;
      case 78: /* JNE64_K */ if (lo[d] !== code[b + 2] || hi[d] !== code[b + 3]) pc = code[b + 1]!; break;
      case 79: /* JNE64_X */ if (lo[d] !== lo[s] || hi[d] !== hi[s]) pc = code[b + 1]!; break;
      case 76: /* JSET64_K */ if ((lo[d]! & code[b + 2]!) !== 0 || (hi[d]! & code[b + 3]!) !== 0) pc = code[b + 1]!; break;
      case 77: /* JSET64_X */ if ((lo[d]! & lo[s]!) !== 0 || (hi[d]! & hi[s]!) !== 0) pc = code[b + 1]!; break;
      case 72: /* JGT64_K */ if (A.ltU64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 73: /* JGT64_X */ if (A.ltU64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 74: /* JGE64_K */ if (!A.ltU64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case 75: /* JGE64_X */ if (!A.ltU64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case 84: /* JLT64_K */ if (A.ltU64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case 85: /* JLT64_X */ if (A.ltU64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case 86: /* JLE64_K */ if (!A.ltU64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 87: /* JLE64_X */ if (!A.ltU64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 80: /* JSGT64_K */ if (A.ltS64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 81: /* JSGT64_X */ if (A.ltS64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 82: /* JSGE64_K */ if (!A.ltS64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case 83: /* JSGE64_X */ if (!A.ltS64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case 88: /* JSLT64_K */ if (A.ltS64(lo[d]!, hi[d]!, code[b + 2]!, code[b + 3]!)) pc = code[b + 1]!; break;
      case 89: /* JSLT64_X */ if (A.ltS64(lo[d]!, hi[d]!, lo[s]!, hi[s]!)) pc = code[b + 1]!; break;
      case 90: /* JSLE64_K */ if (!A.ltS64(code[b + 2]!, code[b + 3]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      case 91: /* JSLE64_X */ if (!A.ltS64(lo[s]!, hi[s]!, lo[d]!, hi[d]!)) pc = code[b + 1]!; break;
      // JMP32 (low halves)
      case 92: /* JEQ32_K */ if (lo[d] === code[b + 2]) pc = code[b + 1]!; break;
      case 93: /* JEQ32_X */ if (lo[d] === lo[s]) pc = code[b + 1]!; break;
      case 100: /* JNE32_K */ if (lo[d] !== code[b + 2]) pc = code[b + 1]!; break;
      case 101: /* JNE32_X */ if (lo[d] !== lo[s]) pc = code[b + 1]!; break;
      case 98: /* JSET32_K */ if ((lo[d]! & code[b + 2]!) !== 0) pc = code[b + 1]!; break;
      case 99: /* JSET32_X */ if ((lo[d]! & lo[s]!) !== 0) pc = code[b + 1]!; break;
      case 94: /* JGT32_K */ if (lo[d]! >>> 0 > code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case 95: /* JGT32_X */ if (lo[d]! >>> 0 > lo[s]! >>> 0) pc = code[b + 1]!; break;
      case 96: /* JGE32_K */ if (lo[d]! >>> 0 >= code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case 97: /* JGE32_X */ if (lo[d]! >>> 0 >= lo[s]! >>> 0) pc = code[b + 1]!; break;
      case 106: /* JLT32_K */ if (lo[d]! >>> 0 < code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case 107: /* JLT32_X */ if (lo[d]! >>> 0 < lo[s]! >>> 0) pc = code[b + 1]!; break;
      case 108: /* JLE32_K */ if (lo[d]! >>> 0 <= code[b + 2]! >>> 0) pc = code[b + 1]!; break;
      case 109: /* JLE32_X */ if (lo[d]! >>> 0 <= lo[s]! >>> 0) pc = code[b + 1]!; break;
      case 102: /* JSGT32_K */ if (lo[d]! > code[b + 2]!) pc = code[b + 1]!; break;
      case 103: /* JSGT32_X */ if (lo[d]! > lo[s]!) pc = code[b + 1]!; break;
      case 104: /* JSGE32_K */ if (lo[d]! >= code[b + 2]!) pc = code[b + 1]!; break;
      case 105: /* JSGE32_X */ if (lo[d]! >= lo[s]!) pc = code[b + 1]!; break;
      case 110: /* JSLT32_K */ if (lo[d]! < code[b + 2]!) pc = code[b + 1]!; break;
      case 111: /* JSLT32_X */ if (lo[d]! < lo[s]!) pc = code[b + 1]!; break;
      case 112: /* JSLE32_K */ if (lo[d]! <= code[b + 2]!) pc = code[b + 1]!; break;
      case 113: /* JSLE32_X */ if (lo[d]! <= lo[s]!) pc = code[b + 1]!; break;
      // control flow
      case 114: /* JA */ pc = code[b + 1]!; break;
      case 115: /* MAY_GOTO */ if (m.mayGoto === 0) pc = code[b + 1]!; else m.mayGoto--; break;
      case 121: /* LDDW */ lo[d] = code[b + 2]!; hi[d] = code[b + 3]!; pc++; break;
      case 117: /* CALL_LOCAL */ m.pushFrame(prog, pc - 1, pc); pc = code[b + 1]!; break;
      case 116: /* CALL_HELPER */
        m.executed = n;
        m.callHelperAt(prog, pc - 1, code[b + 2]!);
        n = m.executed;
        break;
      case 118: /* CALLX */ {
        m.executed = n;
        const t = m.callIndirect(prog, pc - 1, lo[d]!, hi[d]!, pc);
        n = m.executed;
        if (t !== null) { prog = t; code = t.code; pc = m.returnPc; }
        break;
      }
      case 120: /* TAIL_CALL */ {
        const t = m.tailCall(prog, pc - 1);
        if (t !== null) { prog = t; code = t.code; pc = 0; }
        break;
      }
      case 119: /* EXIT */
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
      case 122: /* LDXB */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 1, 1); if (r !== null) { lo[d] = r.bytes[hitOff]!; hi[d] = 0; } else m.load(prog, pc - 1, al, ah, 1, false, d); break; }
      case 123: /* LDXH */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 2, 1); if (r !== null) { lo[d] = r.view.getUint16(hitOff, true); hi[d] = 0; } else m.load(prog, pc - 1, al, ah, 2, false, d); break; }
      case 124: /* LDXW */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 4, 1); if (r !== null) { lo[d] = r.view.getInt32(hitOff, true); hi[d] = 0; } else m.load(prog, pc - 1, al, ah, 4, false, d); break; }
      case 125: /* LDXDW */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 8, 1); if (r !== null) { const o = hitOff; lo[d] = r.view.getInt32(o, true); hi[d] = r.view.getInt32(o + 4, true); } else m.load(prog, pc - 1, al, ah, 8, false, d); break; }
      case 126: /* LDXSB */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 1, 1); if (r !== null) { const v = r.view.getInt8(hitOff); lo[d] = v; hi[d] = v >> 31; } else m.load(prog, pc - 1, al, ah, 1, true, d); break; }
      case 127: /* LDXSH */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 2, 1); if (r !== null) { const v = r.view.getInt16(hitOff, true); lo[d] = v; hi[d] = v >> 31; } else m.load(prog, pc - 1, al, ah, 2, true, d); break; }
      case 128: /* LDXSW */ { const a = (lo[s]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[s]!, a); const r = reach(regions, al, ah, 4, 1); if (r !== null) { const v = r.view.getInt32(hitOff, true); lo[d] = v; hi[d] = v >> 31; } else m.load(prog, pc - 1, al, ah, 4, true, d); break; }
      // stores of an immediate
      case 129: /* STB */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 1, 2); if (r !== null) r.bytes[hitOff] = code[b + 2]!; else m.store(prog, pc - 1, al, ah, 1, code[b + 2]!, 0); break; }
      case 130: /* STH */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 2, 2); if (r !== null) r.view.setInt16(hitOff, code[b + 2]!, true); else m.store(prog, pc - 1, al, ah, 2, code[b + 2]!, 0); break; }
      case 131: /* STW */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 4, 2); if (r !== null) r.view.setInt32(hitOff, code[b + 2]!, true); else m.store(prog, pc - 1, al, ah, 4, code[b + 2]!, 0); break; }
      case 132: /* STDW */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 8, 2); if (r !== null) { r.view.setInt32(hitOff, code[b + 2]!, true); r.view.setInt32(hitOff + 4, code[b + 3]!, true); } else m.store(prog, pc - 1, al, ah, 8, code[b + 2]!, code[b + 3]!); break; }
      // stores of a register
      case 133: /* STXB */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 1, 2); if (r !== null) r.bytes[hitOff] = lo[s]!; else m.store(prog, pc - 1, al, ah, 1, lo[s]!, 0); break; }
      case 134: /* STXH */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 2, 2); if (r !== null) r.view.setInt16(hitOff, lo[s]!, true); else m.store(prog, pc - 1, al, ah, 2, lo[s]!, 0); break; }
      case 135: /* STXW */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 4, 2); if (r !== null) r.view.setInt32(hitOff, lo[s]!, true); else m.store(prog, pc - 1, al, ah, 4, lo[s]!, 0); break; }
      case 136: /* STXDW */ { const a = (lo[d]! >>> 0) + code[b + 1]!, al = a | 0, ah = carryHi(hi[d]!, a); const r = reach(regions, al, ah, 8, 2); if (r !== null) { r.view.setInt32(hitOff, lo[s]!, true); r.view.setInt32(hitOff + 4, hi[s]!, true); } else m.store(prog, pc - 1, al, ah, 8, lo[s]!, hi[s]!); break; }
      case 137: /* ATOMIC */ m.atomic(prog, pc - 1, d, s, code[b + 1]!, code[b + 2]!); break;
      case 138: /* LDABS */
      case 139: /* LDIND */ {
        const off = (w & 255) === 138 /* LDABS */ ? code[b + 2]! : (lo[s]! + code[b + 2]!) | 0;
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
      case 140: /* FAULT */ {
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
