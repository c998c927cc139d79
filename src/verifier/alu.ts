/**
 * ALU instructions (check_alu_op): moves, scalar arithmetic with range propagation,
 * pointer arithmetic rules (adjust_ptr_min_max_vals) and 64-bit immediate loads.
 */
import type { AluInsn, EndInsn, LdImm64Insn } from '../isa/index.js';
import { checkDst, checkDstNoMark, checkSrc, fail, nextId, regs, type Env } from './env.js';
import { constScalar, copyReg, isPktPointer, pointer, regTypeStr, unknownScalar, type RegState } from './reg-state.js';
import {
  S64_MAX, S64_MIN, boundsSync, coerceSubregToSizeSx, coerceToSize, coerceToSizeSx, constBounds, copyBounds, markKnown, markUnbounded32,
  s32, zext32To64,
} from './scalar.js';
import { scalarAlu } from './scalar-alu.js';
import { markPrecise } from './precision.js';
import { checkMemRegion } from './memory.js';
import { needsSanitation, sanitizeBefore, sanitizeCheckBounds, sanitizeCommit } from './unpriv.js';
import { U64_MAX, tnumAdd, tnumIsConst, tnumSub, tnumToString } from './tnum.js';

const ALU_STR: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', neg: 'neg',
  mod: '%=', smod: '%=', xor: '^=', mov: '=', arsh: 's>>=', movsx8: '=', movsx16: '=', movsx32: '=',
};

/** BPF_MAX_VAR_OFF. */
export const BPF_MAX_VAR_OFF = 1 << 29;

/** Width in bits a scalar occupies (get_reg_width). */
function regWidth(r: RegState): number {
  const v = r.umax;
  return v === 0n ? 0 : v.toString(2).length;
}

function isConst(r: RegState): boolean {
  return r.type === 'scalar' && tnumIsConst(r.varOff);
}

/** Give a scalar an id before copying it, so that copies are linked. */
function assignScalarId(env: Env, r: RegState): void {
  if (r.type === 'scalar' && !r.id && !tnumIsConst(r.varOff)) r.id = nextId(env);
}

function checkSaneOffset(r: RegState, type: string): void {
  const known = tnumIsConst(r.varOff);
  const val = BigInt.asIntN(64, r.varOff.value);
  const lim = BigInt(BPF_MAX_VAR_OFF);
  if (known && (val >= lim || val <= -lim)) fail(`math between ${type} pointer and ${val} is not allowed`);
  if (r.off >= BPF_MAX_VAR_OFF || r.off <= -BPF_MAX_VAR_OFF) fail(`${type} pointer offset ${r.off} is not allowed`);
  if (r.smin === S64_MIN) fail(`math between ${type} pointer and register with unbounded min value is not allowed`);
  if (r.smin >= lim || r.smin <= -lim) fail(`value ${r.smin} makes ${type} pointer be out of bounds`);
}

/** pointer += / -= scalar (adjust_ptr_min_max_vals). `dstIsOff` for `scalar += pointer`. */
function ptrArith(env: Env, insn: AluInsn, ptr: RegState, off: RegState, dstIsOff: boolean): void {
  const dst = insn.dst;
  const known = tnumIsConst(off.varOff);
  if ((known && (off.smin !== off.smax || off.umin !== off.umax)) || off.smin > off.smax || off.umin > off.umax) {
    regs(env)[dst] = unknownScalar();
    return;
  }
  if (insn.width === 32) {
    if (insn.op === 'sub' && env.privileged) {
      regs(env)[dst] = unknownScalar();
      return;
    }
    fail(`R${dst} 32-bit pointer arithmetic prohibited`);
  }
  const typeStr = regTypeStr(ptr);
  if (ptr.maybeNull) fail(`R${dst} pointer arithmetic on ${typeStr} prohibited, null-check it first`);
  switch (ptr.type) {
    case 'ctx': case 'map_value': case 'map_key': case 'fp': case 'pkt_meta': case 'pkt': case 'mem': case 'func':
      break;
    default:
      if (ptr.type === 'map_ptr' && known && off.smin === 0n && insn.op === 'add') break;
      fail(`R${dst} pointer arithmetic on ${typeStr} prohibited`);
  }
  const res = copyReg(ptr);
  res.id = ptr.id;
  checkSaneOffset(off, typeStr);
  checkSaneOffset(ptr, typeStr);
  markUnbounded32(res);
  const sanitize = needsSanitation(env, insn) ? sanitizeBefore(env, insn, ptr, off, dstIsOff, dstIsOff ? copyReg(ptr) : copyReg(res)) : null;
  const smin = off.smin;
  switch (insn.op) {
    case 'add': {
      const fixed = BigInt(ptr.off) + smin;
      if (known && fixed === BigInt(s32(fixed))) {
        res.off = Number(fixed);
        break;
      }
      let a = ptr.smin + off.smin;
      let b = ptr.smax + off.smax;
      if (a < S64_MIN || a > S64_MAX || b < S64_MIN || b > S64_MAX) [a, b] = [S64_MIN, S64_MAX];
      [res.smin, res.smax] = [a, b];
      let c = ptr.umin + off.umin;
      let d = ptr.umax + off.umax;
      if (c > U64_MAX || d > U64_MAX) [c, d] = [0n, U64_MAX];
      [res.umin, res.umax] = [c, d];
      res.varOff = tnumAdd(ptr.varOff, off.varOff);
      if (isPktPointer(ptr)) {
        res.id = nextId(env);
        res.range = 0;
      }
      break;
    }
    case 'sub': {
      if (dstIsOff) fail(`R${dst} tried to subtract pointer from scalar`);
      if (ptr.type === 'fp') fail(`R${dst} subtraction from stack pointer prohibited`);
      const fixed = BigInt(ptr.off) - smin;
      if (known && fixed === BigInt(s32(fixed))) {
        res.off = Number(fixed);
        break;
      }
      let a = ptr.smin - off.smax;
      let b = ptr.smax - off.smin;
      if (a < S64_MIN || a > S64_MAX || b < S64_MIN || b > S64_MAX) [a, b] = [S64_MIN, S64_MAX];
      [res.smin, res.smax] = [a, b];
      if (ptr.umin < off.umax) [res.umin, res.umax] = [0n, U64_MAX];
      else [res.umin, res.umax] = [ptr.umin - off.umax, ptr.umax - off.umin];
      res.varOff = tnumSub(ptr.varOff, off.varOff);
      if (isPktPointer(ptr)) {
        res.id = nextId(env);
        if (off.smin < 0n) res.range = 0;
      }
      break;
    }
    default:
      if (insn.op === 'and' || insn.op === 'or' || insn.op === 'xor') fail(`R${dst} bitwise operator ${ALU_STR[insn.op]} on pointer prohibited`);
      fail(`R${dst} pointer arithmetic with ${ALU_STR[insn.op]} operator prohibited`);
  }
  checkSaneOffset(res, typeStr);
  boundsSync(res);
  sanitizeCheckBounds(env, dst, res, () => checkMemRegion(env, res, dst, res.off, 1, env.maps[res.map]?.valueSize ?? 0, false));
  if (sanitize) sanitizeCommit(env, insn, res, sanitize, env.aux[env.insnIdx] ?? (env.aux[env.insnIdx] = {}), dstIsOff);
  regs(env)[dst] = res;
}

function aluMov(env: Env, insn: AluInsn): void {
  const rs = regs(env);
  if (insn.src === null) {
    checkDstNoMark(env, insn.dst);
    const v = insn.width === 64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0);
    rs[insn.dst] = constScalar(v);
    return;
  }
  const src = checkSrc(env, insn.src);
  checkDstNoMark(env, insn.dst);
  const sx = insn.op === 'mov' ? 0 : insn.op === 'movsx8' ? 1 : insn.op === 'movsx16' ? 2 : 4;
  if (insn.width === 64) {
    if (sx === 0) {
      assignScalarId(env, src);
      rs[insn.dst] = copyReg(src);
      return;
    }
    if (src.type !== 'scalar') {
      if (!env.privileged) fail(`R${insn.src} sign-extension part of pointer`);
      rs[insn.dst] = unknownScalar();
      return;
    }
    const noSext = src.umax < 1n << BigInt(sx * 8 - 1);
    if (noSext) assignScalarId(env, src);
    const d = copyReg(src);
    if (!noSext) d.id = 0;
    coerceToSizeSx(d, sx);
    d.addConst = false;
    d.off = 0;
    rs[insn.dst] = d;
    return;
  }
  if (src.type === 'scalar') {
    let d: RegState;
    if (sx === 0) {
      const fits = regWidth(src) <= 32;
      if (fits) assignScalarId(env, src);
      d = copyReg(src);
      if (!fits) d.id = 0;
    } else {
      const noSext = src.umax < 1n << BigInt(sx * 8 - 1);
      if (noSext) assignScalarId(env, src);
      d = copyReg(src);
      if (!noSext) d.id = 0;
      coerceSubregToSizeSx(d, sx);
    }
    if (d.addConst) {
      d.addConst = false;
      d.id = 0;
      d.off = 0;
    }
    zext32To64(d);
    boundsSync(d);
    rs[insn.dst] = d;
    return;
  }
  if (!env.privileged) fail(`R${insn.src} partial copy of pointer`);
  const u = unknownScalar();
  zext32To64(u);
  boundsSync(u);
  rs[insn.dst] = u;
}

/** check_alu_op for one ALU instruction. */
export function checkAlu(env: Env, insn: AluInsn): void {
  const rs = regs(env);
  if (insn.op === 'neg') {
    const d = checkSrc(env, insn.dst);
    if (d.type !== 'scalar' && !env.privileged) fail(`R${insn.dst} pointer arithmetic prohibited`);
    if (d.type === 'scalar') {
      checkDstNoMark(env, insn.dst);
      const r = copyReg(d);
      r.id = 0;
      scalarAlu('neg', insn.width, r, constBounds(0n));
      rs[insn.dst] = r;
    } else {
      checkDst(env, insn.dst);
    }
    return;
  }
  if (insn.op === 'mov' || insn.op === 'movsx8' || insn.op === 'movsx16' || insn.op === 'movsx32') {
    aluMov(env, insn);
    return;
  }
  let src: RegState;
  if (insn.src !== null) src = checkSrc(env, insn.src);
  const dst = checkSrc(env, insn.dst);
  if ((insn.op === 'div' || insn.op === 'sdiv' || insn.op === 'mod' || insn.op === 'smod') && insn.src === null && insn.imm === 0) {
    fail('div by zero');
  }
  if ((insn.op === 'lsh' || insn.op === 'rsh' || insn.op === 'arsh') && insn.src === null) {
    if (insn.imm < 0 || insn.imm >= insn.width) fail(`invalid shift ${insn.imm}`);
  }
  checkDstNoMark(env, insn.dst);
  src = insn.src !== null ? rs[insn.src]! : constScalar(BigInt(insn.imm));
  if (dst.type !== 'scalar') {
    if (src.type !== 'scalar') {
      if (insn.op === 'sub' && env.privileged) {
        rs[insn.dst] = unknownScalar();
        return;
      }
      fail(`R${insn.dst} pointer ${ALU_STR[insn.op]} pointer prohibited`);
    }
    if (insn.src !== null) markPrecise(env, insn.src);
    ptrArith(env, insn, dst, src, false);
    return;
  }
  if (src.type !== 'scalar') {
    markPrecise(env, insn.dst);
    ptrArith(env, insn, src, dst, true);
    return;
  }
  const d = copyReg(dst);
  if (d.addConst) {
    d.addConst = false;
    d.off = 0;
  }
  scalarAlu(insn.op, insn.width, d, src);
  d.precise = false;
  if (env.privileged && insn.op === 'add' && insn.width === 64 && dst.id && isConst(src)) {
    const val = BigInt.asIntN(64, src.varOff.value);
    if (dst.addConst || val > 0x7fffffffn) {
      d.id = 0;
      d.off = 0;
      d.addConst = false;
    } else {
      d.id = dst.id;
      d.addConst = true;
      d.off = Number(BigInt.asIntN(32, val));
    }
  } else {
    d.id = 0;
  }
  rs[insn.dst] = d;
}

/**
 * Byte swaps (pointers only for privileged loaders). On a scalar, as 6.18 does: `le` (no swap on a
 * little-endian machine) truncates to `bits` keeping the ranges (coerce_reg_to_size); a swap
 * permutes the tnum's bytes and the ranges follow from it.
 */
export function checkEnd(env: Env, insn: EndInsn): void {
  const d = checkSrc(env, insn.dst);
  if (d.type !== 'scalar' && !env.privileged) fail(`R${insn.dst} pointer arithmetic prohibited`);
  const known = d.type === 'scalar' && tnumIsConst(d.varOff) ? d.varOff.value : null;
  checkDst(env, insn.dst);
  if (known !== null) {
    regs(env)[insn.dst] = constScalar(byteOrder(known, insn.order, insn.bits));
    return;
  }
  if (d.type !== 'scalar') return;
  const r = unknownScalar();
  if (insn.order === 'le') {
    copyBounds(r, d);
    if (insn.bits < 64) coerceToSize(r, insn.bits / 8);
  } else {
    r.varOff = { value: byteOrder(d.varOff.value, insn.order, insn.bits), mask: byteOrder(d.varOff.mask, insn.order, insn.bits) };
    boundsSync(r);
  }
  regs(env)[insn.dst] = r;
}

/** Concrete BPF_END on a little-endian machine: `le` truncates, `be` and `swap` reverse the bytes. */
export function byteOrder(v: bigint, order: 'le' | 'be' | 'swap', bits: 16 | 32 | 64): bigint {
  const mask = (1n << BigInt(bits)) - 1n;
  const x = v & mask;
  if (order === 'le') return x;
  let out = 0n;
  for (let i = 0; i < bits / 8; i++) out = (out << 8n) | ((x >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** check_ld_imm: constants, map pointers, map values and function pointers. */
export function checkLdImm(env: Env, insn: LdImm64Insn): void {
  checkDstNoMark(env, insn.dst);
  const rs = regs(env);
  if (insn.src === 0) {
    rs[insn.dst] = constScalar(insn.imm);
    return;
  }
  if (insn.src === 4) {
    fail('missing btf func_info');
    const r = pointer('func');
    r.subprog = env.insnIdx + Number(BigInt.asIntN(32, insn.imm)) + 1;
    rs[insn.dst] = r;
    return;
  }
  const idx = resolveMap(env, insn);
  if (insn.src === 1 || insn.src === 5) {
    const r = pointer('map_ptr');
    r.map = idx;
    rs[insn.dst] = r;
    return;
  }
  if (insn.src === 2 || insn.src === 6) {
    const r = pointer('map_value');
    r.map = idx;
    r.off = Number(insn.imm >> 32n);
    rs[insn.dst] = r;
    return;
  }
  fail('unrecognized bpf_ld_imm64 insn');
}

/** The map index a map-referencing lddw names. */
export function resolveMap(env: Env, insn: LdImm64Insn): number {
  if (insn.map !== undefined) {
    const i = env.maps.findIndex((m) => m.name === insn.map);
    if (i >= 0) return i;
    fail(`fd ${insn.map} is not pointing to valid bpf_map`);
  }
  const i = Number(insn.imm & 0xffffffffn);
  if (i >= env.maps.length) fail(`fd ${BigInt.asIntN(32, insn.imm & 0xffffffffn)} is not pointing to valid bpf_map`);
  return i;
}

export { markKnown, tnumToString };
