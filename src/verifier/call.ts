/**
 * Helper calls (check_helper_call): argument kinds from the kernel prototypes, map and
 * memory arguments, acquired ringbuf records, and the type of r0 afterwards.
 */
import { CAP_GATED_HELPERS } from './unpriv.js';
import { helperName, BPF_FUNC_MAX_ID } from '../isa/index.js';
import { helperAllowed, helperArgs, helperProto, type HelperArg } from '../isa/helper-protos.js';
import { curFrame, fail, nextId, regs, type Env } from './env.js';
import { checkAlignment, checkMemAccess, checkMemRegion, checkPacketAccess, checkStackBounds } from './memory.js';
import { copyReg, isPktPointer, notInit, pointer, regTypeStr, unknownScalar, type RegState } from './reg-state.js';
import { STACK_INVALID, STACK_MISC, STACK_SPILL, STACK_ZERO, type FuncState } from './state.js';
import { tnumIsConst, tnumToString } from './tnum.js';
import { boundsSync } from './scalar.js';
import { BPF_MAX_VAR_OFF } from './alu.js';
import { markPrecise, markPreciseSlot } from './precision.js';
import { bprintfFormatValid, mapAccessDenied, mapHasDirectValue, mapIsRdonly, mapValueBytes, BPF_F_RDONLY_PROG } from './global-data.js';

/** Helpers whose prototype sets pkt_access (packet pointers allowed as memory arguments). */
const PKT_ACCESS = new Set([1, 2, 3, 87, 88, 89, 28, 9, 10, 11]);
/** Helpers that may move packet data (bpf_helper_changes_pkt_data): packet pointers die. */
const CHANGES_PKT = new Set([9, 10, 11, 13, 18, 19, 31, 38, 39, 43, 44, 50, 54, 63, 65, 73, 74, 75, 76, 90, 91, 143]);

const MEM_TYPES = 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_';

interface CallMeta {
  map: number;
  constKey: bigint | null;
  rawRegno: number;
  rawSize: number;
  memSize: number;
  releaseId: number;
  /** Largest value of the last size argument (msize_max_value). */
  sizeMax: number;
  /** ARG_PTR_TO_CONST_STR: the string's map and offset in its value. */
  constStr?: { map: number; off: number };
}

/** check_reg_const_str: a NUL-terminated string at a constant offset of a frozen read-only array. */
function constStr(env: Env, regno: number, r: RegState, meta: CallMeta): void {
  if (r.type !== 'map_value' || r.maybeNull) typeError(regno, r, 'map_value');
  const m = env.maps[r.map];
  if (!m || !mapIsRdonly(m)) fail(`R${regno} does not point to a readonly map'`);
  if (!tnumIsConst(r.varOff)) fail(`R${regno} is not a constant address'`);
  if (!mapHasDirectValue(m)) fail('no direct value access support for this map type');
  checkMemRegion(env, r, regno, r.off, m.valueSize - r.off, m.valueSize, false);
  const off = r.off + Number(BigInt.asIntN(64, r.varOff.value));
  if (!mapValueBytes(m).subarray(off).includes(0)) fail('string is not zero-terminated');
  meta.constStr = { map: r.map, off };
}

/** check_bpf_snprintf_call: the format in r3 with r5 / 8 arguments. */
function checkSnprintfFormat(env: Env, meta: CallMeta): void {
  if (!meta.constStr) return;
  const len = regs(env)[5]!;
  const numArgs = Number(len.varOff.value / 8n);
  const m = env.maps[meta.constStr.map]!;
  if (!bprintfFormatValid(mapValueBytes(m).subarray(meta.constStr.off), numArgs)) fail('Invalid format string');
}

/** Helpers that write a map through its map pointer (record_func_map refuses BPF_F_RDONLY_PROG maps). */
const MAP_WRITERS = new Set([2, 3, 87, 88]);

const isNull = (r: RegState): boolean => r.type === 'scalar' && tnumIsConst(r.varOff) && r.varOff.value === 0n;

function typeError(regno: number, r: RegState, expected: string): never {
  fail(`R${regno} type=${regTypeStr(r)} expected=${expected}`);
}

/** check_helper_mem_access: `size` bytes readable (or writable) through `r`. */
function helperMem(env: Env, regno: number, size: number, write: boolean, zeroOk: boolean, meta: CallMeta | null): void {
  const r = regs(env)[regno]!;
  switch (r.type) {
    case 'pkt': case 'pkt_meta':
      checkPacketAccess(env, r, regno, r.off, size, zeroOk);
      return;
    case 'map_value': {
      const denied = mapAccessDenied(env.maps[r.map], write, r.off, size);
      if (denied) fail(denied);
      checkMemRegion(env, r, regno, r.off, size, env.maps[r.map]?.valueSize ?? 0, zeroOk);
      return;
    }
    case 'map_key':
      checkMemRegion(env, r, regno, r.off, size, env.maps[r.map]?.keySize ?? 0, zeroOk);
      return;
    case 'mem':
      if (r.rdonly && write) fail(`R${regno} cannot write into ${regTypeStr(r)}`);
      checkMemRegion(env, r, regno, r.off, size, r.memSize, zeroOk);
      return;
    case 'fp':
      stackRange(env, regno, r, size, write, zeroOk, meta);
      return;
    default:
      if (zeroOk && size === 0 && isNull(r)) return;
      fail(`R${regno} type=${regTypeStr(r)} expected=fp`);
  }
}

/** check_stack_range_initialized. */
function stackRange(env: Env, regno: number, r: RegState, size: number, write: boolean, zeroOk: boolean, meta: CallMeta | null): void {
  if (size === 0 && zeroOk) return;
  checkStackBounds(env, r, regno, r.off, size, write ? 'write' : 'read');
  const f: FuncState = env.cur.frames[r.frameno] ?? curFrame(env);
  let minOff: number;
  let maxOff: number;
  if (tnumIsConst(r.varOff)) {
    minOff = maxOff = Number(BigInt.asIntN(64, r.varOff.value)) + r.off;
  } else {
    if (!env.privileged) fail(`R${regno} variable offset stack access prohibited for !root, var_off=${tnumToString(r.varOff)} off=${r.off} size=${size}`);
    meta = null;
    minOff = Number(r.smin) + r.off;
    maxOff = Number(r.smax) + r.off;
  }
  if (meta && write) {
    meta.rawRegno = regno;
    meta.rawSize = size;
    return;
  }
  for (let i = minOff; i < maxOff + size; i++) {
    const slot = -i - 1;
    const s = f.stack[slot >> 3];
    const t = s ? s.types[slot & 7]! : STACK_INVALID;
    if (t === STACK_MISC) continue;
    if (t === STACK_ZERO || (t === STACK_INVALID && env.privileged)) {
      if (write && s) s.types[slot & 7] = STACK_MISC;
      continue;
    }
    if (s && s.types[7] === STACK_SPILL && (s.spilled.type === 'scalar' || env.privileged)) {
      if (write) {
        s.spilled = unknownScalar();
        for (let j = 0; j < 8; j++) if (s.types[j] === STACK_SPILL) s.types[j] = STACK_MISC;
      }
      continue;
    }
    if (tnumIsConst(r.varOff)) fail(`invalid read from stack R${regno} off ${minOff}+${i - minOff} size ${size}`);
    fail(`invalid read from stack R${regno} var_off ${tnumToString(r.varOff)}+${i - minOff} size ${size}`);
  }
}

/** get_constant_map_key: the key's value when the stack holds a known constant. */
function constMapKey(env: Env, r: RegState, keySize: number): bigint | null {
  if (r.type !== 'fp' || !tnumIsConst(r.varOff)) return null;
  const off = r.off + Number(BigInt.asIntN(64, r.varOff.value));
  const f = env.cur.frames[r.frameno] ?? curFrame(env);
  const slot = -off - 1;
  const s = f.stack[slot >> 3];
  if (!s) return null;
  const idx = slot & 7;
  let zeros = 0;
  for (let i = idx; i >= 0 && s.types[i] === STACK_ZERO; i--) zeros++;
  if (zeros >= keySize) return 0n;
  if (s.types[7] !== STACK_SPILL || s.spilled.type !== 'scalar') return null;
  let spill = 0;
  for (let i = idx; i >= 0 && s.types[i] === STACK_SPILL; i--) spill++;
  if (spill !== keySize || !tnumIsConst(s.spilled.varOff)) return null;
  markPreciseSlot(env, r.frameno, slot >> 3);
  return s.spilled.varOff.value;
}

function checkSize(env: Env, regno: number, prevArg: HelperArg, zeroOk: boolean, meta: CallMeta): void {
  const r = regs(env)[regno]!;
  if (r.type !== 'scalar') typeError(regno, r, 'scalar');
  meta.sizeMax = Number(r.umax > 0xffffffffn ? 0xffffffffn : r.umax);
  const useMeta = tnumIsConst(r.varOff) ? meta : null;
  if (r.smin < 0n) fail(`R${regno} min value is negative, either use unsigned or 'var &= const'`);
  if (r.umin === 0n && !zeroOk) fail(`R${regno} invalid zero-sized read: u64=[${BigInt.asIntN(64, r.umin)},${BigInt.asIntN(64, r.umax)}]`);
  if (r.umax >= BigInt(BPF_MAX_VAR_OFF)) fail(`R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
  const write = prevArg === 'ARG_PTR_TO_UNINIT_MEM' || prevArg === 'ARG_PTR_TO_MEM_OR_NULL';
  const prev = regs(env)[regno - 1]!;
  if (prevArg.endsWith('_OR_NULL') && isNull(prev)) {
    if (r.umax !== 0n) fail(`R${regno - 1} type=${regTypeStr(prev)} expected=fp`);
    return;
  }
  helperMem(env, regno - 1, Number(r.umax), write, zeroOk, useMeta);
  markPrecise(env, regno);
}

function checkArg(env: Env, regno: number, arg: HelperArg, args: readonly HelperArg[], meta: CallMeta, fid: number): void {
  const rs = regs(env);
  env.scratch.regs.add(regno);
  const r = rs[regno]!;
  if (r.type === 'not_init') fail(`R${regno} !read_ok`);
  if (arg === 'ARG_ANYTHING') {
    if (!env.privileged && r.type !== 'scalar') fail(`R${regno} leaks addr into helper function`);
    return;
  }
  if ((r.type === 'pkt' || r.type === 'pkt_meta') && !PKT_ACCESS.has(fid)) fail('helper access to the packet is not allowed');
  const nullable = arg.endsWith('_OR_NULL');
  if (nullable && isNull(r)) {
    if (arg === 'ARG_PTR_TO_MEM_OR_NULL' || arg === 'ARG_PTR_TO_MEM_RDONLY_OR_NULL') return;
    return;
  }
  switch (arg) {
    case 'ARG_CONST_MAP_PTR':
      if (r.type !== 'map_ptr') typeError(regno, r, 'map_ptr');
      meta.map = r.map;
      return;
    case 'ARG_PTR_TO_MAP_KEY': case 'ARG_PTR_TO_MAP_VALUE': case 'ARG_PTR_TO_MAP_VALUE_UNINIT': {
      if (!['fp', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem'].includes(r.type) || r.maybeNull) typeError(regno, r, MEM_TYPES);
      const m = env.maps[meta.map];
      if (!m) fail(arg === 'ARG_PTR_TO_MAP_KEY' ? 'invalid map_ptr to access map->key' : 'invalid map_ptr to access map->value');
      if (arg === 'ARG_PTR_TO_MAP_KEY') {
        // get_constant_map_key: only for bpf_capable loaders.
        if ((m.type === 2 || m.type === 6) && env.privileged) meta.constKey = constMapKey(env, r, m.keySize);
        helperMem(env, regno, m.keySize, false, false, null);
      } else {
        helperMem(env, regno, m.valueSize, arg === 'ARG_PTR_TO_MAP_VALUE_UNINIT', false, arg === 'ARG_PTR_TO_MAP_VALUE_UNINIT' ? meta : null);
      }
      return;
    }
    case 'ARG_PTR_TO_MEM_RDONLY': case 'ARG_PTR_TO_MEM_RDONLY_OR_NULL': case 'ARG_PTR_TO_UNINIT_MEM': case 'ARG_PTR_TO_MEM_OR_NULL':
      if (!['fp', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem'].includes(r.type) || r.maybeNull) typeError(regno, r, MEM_TYPES);
      if (r.type === 'mem' && r.rdonly && arg !== 'ARG_PTR_TO_MEM_RDONLY' && arg !== 'ARG_PTR_TO_MEM_RDONLY_OR_NULL') typeError(regno, r, MEM_TYPES);
      return;
    case 'ARG_PTR_TO_LONG':
      if (!['fp', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem'].includes(r.type) || r.maybeNull) typeError(regno, r, MEM_TYPES);
      if (r.type === 'mem' && r.rdonly) typeError(regno, r, MEM_TYPES);
      helperMem(env, regno, 8, true, false, meta);
      checkAlignment(r, 0, 8, true);
      return;
    case 'ARG_CONST_SIZE': case 'ARG_CONST_SIZE_OR_ZERO':
      checkSize(env, regno, args[regno - 2]!, arg === 'ARG_CONST_SIZE_OR_ZERO', meta);
      return;
    case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
      if (r.type !== 'scalar') typeError(regno, r, 'scalar');
      if (!tnumIsConst(r.varOff)) fail(`R${regno} is not a known constant'`);
      meta.memSize = Number(r.varOff.value);
      markPrecise(env, regno);
      return;
    case 'ARG_PTR_TO_CTX': case 'ARG_PTR_TO_CTX_OR_NULL':
      if (r.type !== 'ctx') typeError(regno, r, 'ctx');
      if (r.off) fail(`dereference of modified ctx ptr R${regno} off=${r.off} disallowed`);
      return;
    case 'ARG_PTR_TO_STACK_OR_NULL':
      if (r.type !== 'fp') typeError(regno, r, 'fp');
      return;
    case 'ARG_PTR_TO_FUNC':
      if (r.type !== 'func') typeError(regno, r, 'func');
      return;
    case 'ARG_PTR_TO_CONST_STR':
      constStr(env, regno, r, meta);
      return;
    case 'ARG_PTR_TO_RINGBUF_MEM_RELEASE':
      if (r.type !== 'mem' || !r.ringbuf || r.maybeNull) typeError(regno, r, 'ringbuf_mem');
      if (r.off !== 0 || !tnumIsConst(r.varOff) || r.varOff.value !== 0n) fail(`R${regno} must have zero offset when passed to release func or trusted arg to kfunc`);
      if (!r.refObjId) fail(`R${regno} must be referenced when passed to release function`);
      meta.releaseId = r.refObjId;
      return;
    default:
      void fid;
  }
}

/** Which map types each map-taking helper accepts (check_map_func_compatibility). */
function checkMapFunc(env: Env, fid: number, map: number): void {
  const m = env.maps[map];
  if (!m) return;
  const name = `${helperName(fid)}#${fid}`;
  const bad = (): never => fail(`cannot pass map_type ${m.type} into func ${name}`);
  if (fid === 12 && m.type !== 3) fail('expected prog array map for tail call');
  const byMap: Record<number, number[]> = {
    3: [12], 4: [22, 25, 55, 111, 121], 27: [130, 131, 134], 22: [87, 88, 89], 23: [87, 88, 89],
    7: [27], 8: [33, 37], 14: [51, 1], 25: [51, 1], 16: [51], 17: [51, 1],
  };
  const allowed = byMap[m.type];
  if (allowed && !allowed.includes(fid)) bad();
  const byFunc: Record<number, number[]> = {
    12: [3], 25: [4], 130: [27], 131: [27], 134: [27], 87: [22, 23, 30], 88: [22, 23], 89: [22, 23, 30],
    22: [4], 55: [4], 27: [7], 33: [8], 37: [8], 51: [14, 16, 17, 25], 195: [5, 6, 10],
  };
  const need = byFunc[fid];
  if (need && !need.includes(m.type)) bad();
}

/** check_helper_call for `call <helper id>`. */
export function checkHelperCall(env: Env, fid: number): void {
  if (fid < 0 || fid >= BPF_FUNC_MAX_ID) fail(`invalid func unknown#${fid}`);
  const proto = helperProto(fid);
  const name = fid === 0 ? 'bpf_unspec' : helperName(fid) ?? 'unknown';
  if (!proto || !helperAllowed(proto, env.progType, env.privileged) || (!env.privileged && CAP_GATED_HELPERS.has(fid))) {
    fail(`program of this type cannot use helper ${name}#${fid}`);
  }
  if (proto.gplOnly && env.program.license !== undefined && !isGpl(env.program.license)) {
    fail('cannot call GPL-restricted function from non-GPL compatible program');
  }
  const meta: CallMeta = { map: -1, constKey: null, rawRegno: -1, rawSize: 0, memSize: 0, releaseId: 0, sizeMax: 0 };
  const args = helperArgs(proto, env.progType);
  for (let i = 0; i < args.length; i++) checkArg(env, i + 1, args[i]!, args, meta, fid);
  if (meta.map >= 0 && MAP_WRITERS.has(fid) && ((env.maps[meta.map]?.flags ?? 0) & BPF_F_RDONLY_PROG) !== 0) fail('write into map forbidden');
  if (fid === 165) checkSnprintfFormat(env, meta);
  // check_get_func_ip: of the types we model, only kprobes know their function's address.
  if (fid === 173 && env.progType !== 2) fail(`func ${name}#${fid} not supported for program type ${env.progType}`);
  if (meta.rawRegno >= 0) {
    for (let i = 0; i < meta.rawSize; i++) checkMemAccess(env, meta.rawRegno, i, 1, true, -1, null);
  }
  if (meta.releaseId) releaseReference(env, meta.releaseId);
  const rs = regs(env);
  for (let r = 1; r <= 5; r++) {
    rs[r] = notInit();
    env.scratch.regs.add(r);
  }
  env.scratch.regs.add(0);
  switch (proto.ret) {
    case 'RET_INTEGER':
      rs[0] = unknownScalar();
      refineRetval(env, fid, rs[0], meta);
      break;
    case 'RET_VOID':
      rs[0] = notInit();
      break;
    case 'RET_PTR_TO_MAP_VALUE_OR_NULL': {
      const m = env.maps[meta.map];
      const r = pointer('map_value');
      r.map = meta.map;
      const elide = fid === 1 && m && (m.type === 2 || m.type === 6) && meta.constKey !== null && meta.constKey < BigInt(m.maxEntries);
      if (!elide) {
        r.maybeNull = true;
        r.id = nextId(env);
      }
      rs[0] = r;
      break;
    }
    case 'RET_PTR_TO_RINGBUF_MEM_OR_NULL': {
      const r = pointer('mem');
      r.ringbuf = true;
      r.maybeNull = true;
      r.memSize = meta.memSize;
      nextId(env);
      const id = nextId(env);
      r.id = id;
      r.refObjId = id;
      env.cur.refs.push(id);
      env.refInsn.set(id, env.insnIdx);
      rs[0] = r;
      break;
    }
  }
  if (meta.map >= 0) checkMapFunc(env, fid, meta.map);
  if (CHANGES_PKT.has(fid)) {
    forEachReg(env, (r, set) => {
      if (r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end') set(unknownScalar());
    });
  }
}

/** do_refine_retval_range: helpers whose result range the kernel knows. */
function refineRetval(env: Env, fid: number, r: RegState, meta: CallMeta): void {
  if (fid === 8) {
    const max = BigInt(env.nrCpus - 1);
    r.umin = r.u32min = r.smin = r.s32min = 0n;
    r.umax = r.u32max = r.smax = r.s32max = max;
    boundsSync(r);
  } else if (fid === 45 || fid === 114 || fid === 115 || fid === 67 || fid === 141) {
    r.smax = r.s32max = BigInt(meta.sizeMax);
    r.smin = r.s32min = -4095n;
    boundsSync(r);
  }
}

function isGpl(license: string): boolean {
  return ['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL'].includes(license);
}

/** Drop an acquired reference and invalidate every register holding it. */
export function releaseReference(env: Env, id: number): void {
  env.cur.refs = env.cur.refs.filter((x) => x !== id);
  forEachReg(env, (r, set) => {
    if (r.refObjId === id) set(env.privileged ? unknownScalar() : notInit());
  });
}

/** Visit every register and spilled register of every frame (bpf_for_each_reg_in_vstate). */
export function forEachReg(env: Env, f: (r: RegState, set: (n: RegState) => void) => void): void {
  for (const fr of env.cur.frames) {
    for (let i = 0; i < fr.regs.length; i++) f(fr.regs[i]!, (n) => { fr.regs[i] = n; });
    for (const s of fr.stack) if (s.types[7] === STACK_SPILL) f(s.spilled, (n) => { s.spilled = n; });
  }
}

export { copyReg, isPktPointer };
