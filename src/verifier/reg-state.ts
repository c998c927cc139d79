/**
 * Abstract register state: the kernel's `struct bpf_reg_state` reduced to what the
 * supported program types need, and its log text (`R0=42`, `R1=ctx()`, `R2=fp-8`).
 */
import { S32_MAX, S32_MIN, S64_MAX, S64_MIN, type ScalarBounds } from './scalar.js';
import { U32_MAX, U64_MAX, tnumIsConst, tnumIsUnknown, tnumToString } from './tnum.js';

/** Base register types (enum bpf_reg_type). */
export type RegType =
  | 'not_init' | 'scalar' | 'ctx' | 'map_ptr' | 'map_value' | 'map_key' | 'fp'
  | 'pkt' | 'pkt_meta' | 'pkt_end' | 'mem' | 'func' | 'sock_common';

/** One register (or spilled stack slot). Pointers keep their variable offset in the bounds. */
export interface RegState extends ScalarBounds {
  type: RegType;
  /** PTR_MAYBE_NULL. */
  maybeNull: boolean;
  /** MEM_RDONLY. */
  rdonly: boolean;
  /** MEM_RINGBUF. */
  ringbuf: boolean;
  /** Fixed offset of a pointer. */
  off: number;
  /** Id shared by copies (null checks, packet ranges, linked scalars). */
  id: number;
  /** Reference id of an acquired object (ringbuf record). */
  refObjId: number;
  /** Verified packet range beyond `off` for packet pointers. */
  range: number;
  /** Map index into `Program.maps` for map_ptr / map_value / map_key. */
  map: number;
  /** Size of the memory region of a `mem` pointer. */
  memSize: number;
  /** Frame of a stack pointer. */
  frameno: number;
  /** Subprogram index of a `func` pointer. */
  subprog: number;
  /** Precision mark (printed as `P`). */
  precise: boolean;
  /** BPF_ADD_CONST: this scalar is `id`'s value plus `off`. */
  addConst: boolean;
}

const S64_MIN_ = -(1n << 63n);
const S64_MAX_ = (1n << 63n) - 1n;
const S32_MIN_ = -(1n << 31n);
const S32_MAX_ = (1n << 31n) - 1n;
const U64_MAX_ = (1n << 64n) - 1n;
const U32_MAX_ = (1n << 32n) - 1n;
const UNKNOWN_TNUM = { value: 0n, mask: U64_MAX_ };

function make(type: RegType): RegState {
  return {
    varOff: UNKNOWN_TNUM, smin: S64_MIN_, smax: S64_MAX_, umin: 0n, umax: U64_MAX_, s32min: S32_MIN_, s32max: S32_MAX_, u32min: 0n, u32max: U32_MAX_,
    type, maybeNull: false, rdonly: false, ringbuf: false, off: 0, id: 0, refObjId: 0, range: 0, map: -1, memSize: 0, frameno: 0, subprog: 0,
    precise: false, addConst: false,
  };
}

/** A register never written (NOT_INIT). */
export function notInit(): RegState {
  return make('not_init');
}

/** An unknown scalar. */
export function unknownScalar(): RegState {
  return make('scalar');
}

/** Known-scalar templates by value: building one costs several BigInt operations, copying none. */
const constCache = new Map<bigint, RegState>();

/** A known scalar. */
export function constScalar(v: bigint): RegState {
  let t = constCache.get(v);
  if (t === undefined) {
    if (constCache.size >= 4096) constCache.clear();
    t = make('scalar');
    markConst(t, v);
    constCache.set(v, t);
  }
  return copyReg(t);
}

function markConst(r: RegState, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  r.varOff = { value: u, mask: 0n };
  r.smin = r.smax = BigInt.asIntN(64, u);
  r.umin = r.umax = u;
  r.s32min = r.s32max = BigInt.asIntN(32, u);
  r.u32min = r.u32max = BigInt.asUintN(32, u);
}

/** A pointer of `type` with fixed offset `off` and a zero variable part. */
export function pointer(type: RegType, off = 0): RegState {
  const r = make(type);
  markConst(r, 0n);
  r.off = off;
  return r;
}

/** A copy of a register state. */
export function copyReg(r: RegState): RegState {
  return {
    varOff: r.varOff, smin: r.smin, smax: r.smax, umin: r.umin, umax: r.umax, s32min: r.s32min, s32max: r.s32max, u32min: r.u32min, u32max: r.u32max,
    type: r.type, maybeNull: r.maybeNull, rdonly: r.rdonly, ringbuf: r.ringbuf, off: r.off, id: r.id, refObjId: r.refObjId, range: r.range,
    map: r.map, memSize: r.memSize, frameno: r.frameno, subprog: r.subprog, precise: r.precise, addConst: r.addConst,
  };
}

/** Whether a register holds a pointer (not a scalar, not uninitialised). */
export function isPointer(r: RegState): boolean {
  return r.type !== 'scalar' && r.type !== 'not_init';
}

export function isPktPointer(r: RegState): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta';
}

/** The kernel's reg_type_str: `map_value_or_null`, `ringbuf_mem_or_null`, `rdonly_mem`. */
export function regTypeStr(r: Pick<RegState, 'type' | 'maybeNull' | 'rdonly' | 'ringbuf'>): string {
  const base = r.type === 'not_init' ? '?' : r.type;
  return `${r.rdonly ? 'rdonly_' : ''}${r.ringbuf ? 'ringbuf_' : ''}${base}${r.maybeNull ? '_or_null' : ''}`;
}

/** Map key/value sizes for printing, by map index. */
export type MapSizes = (map: number) => { keySize: number; valueSize: number; name?: string };

/** The kernel's verbose_snum: decimal within [S16_MIN, S16_MAX], else `%#llx` of the 64-bit image. */
export function snum(x: bigint): string {
  const v = BigInt.asIntN(64, x);
  return v >= -32768n && v <= 32767n ? v.toString() : `0x${BigInt.asUintN(64, v).toString(16)}`;
}

/** The kernel's verbose_unum: decimal up to U16_MAX, else `%#llx`. */
export function unum(x: bigint): string {
  const v = BigInt.asUintN(64, x);
  return v <= 65535n ? v.toString() : `0x${v.toString(16)}`;
}

function scalarRanges(r: RegState, parts: string[]): void {
  const items: { name: string; val: bigint; omit: boolean }[] = [
    { name: 'smin', val: r.smin, omit: r.smin === S64_MIN },
    { name: 'smax', val: r.smax, omit: r.smax === S64_MAX },
    { name: 'umin', val: r.umin, omit: r.umin === 0n },
    { name: 'umax', val: r.umax, omit: r.umax === U64_MAX },
    { name: 'smin32', val: r.s32min, omit: r.s32min === S32_MIN },
    { name: 'smax32', val: r.s32max, omit: r.s32max === S32_MAX },
    { name: 'umin32', val: r.u32min, omit: r.u32min === 0n },
    { name: 'umax32', val: r.u32max, omit: r.u32max === U32_MAX },
  ];
  // The kernel compares u64 images; signed 32-bit values are sign-extended to 64 bits.
  const img = (x: bigint): bigint => BigInt.asUintN(64, x);
  for (let i = 0; i < items.length; i++) {
    const m1 = items[i]!;
    if (m1.omit) continue;
    const neg1 = m1.name[0] === 's' && m1.val < 0n;
    let text = `${m1.name}=`;
    for (let j = i + 2; j < items.length; j += 2) {
      const m2 = items[j]!;
      if (m2.omit || img(m2.val) !== img(m1.val)) continue;
      const neg2 = m2.name[0] === 's' && m2.val < 0n;
      if (neg2 !== neg1) continue;
      m2.omit = true;
      text += `${m2.name}=`;
    }
    text += m1.name[0] === 's' ? snum(m1.val) : unum(m1.val);
    parts.push(text);
  }
}

/** The kernel's print_reg_state text of a register (after `R0=`), seen from frame `frameno`. */
export function formatReg(r: RegState, mapSizes: MapSizes, frameno = 0, allPrecise = false): string {
  const p = (r.precise || allPrecise) && r.type === 'scalar' ? 'P' : '';
  if (r.type === 'scalar' && tnumIsConst(r.varOff)) return p + snum(r.varOff.value);
  let out = p + regTypeStr(r);
  if (r.type === 'fp') {
    if (r.frameno !== frameno) out += `[${r.frameno}]`;
    if (tnumIsConst(r.varOff)) return out + snum(r.varOff.value + BigInt(r.off));
  }
  const parts: string[] = [];
  if (r.id) parts.push(`id=${r.id}${r.addConst ? (r.off < 0 ? `${r.off}` : `+${r.off}`) : ''}`);
  if (r.refObjId) parts.push(`ref_obj_id=${r.refObjId}`);
  if (r.type === 'map_ptr' || r.type === 'map_key' || r.type === 'map_value') {
    const m = mapSizes(r.map);
    parts.push(`${m.name ? `map=${m.name},` : ''}ks=${m.keySize},vs=${m.valueSize}`);
  }
  if (r.type !== 'scalar' && r.off) parts.push(`off=${snum(BigInt(r.off))}`);
  if (isPktPointer(r)) parts.push(`r=${unum(BigInt(r.range))}`);
  if (r.type === 'mem') parts.push(`sz=${unum(BigInt(r.memSize))}`);
  if (tnumIsConst(r.varOff)) {
    if (r.varOff.value !== 0n) parts.push(`imm=${snum(r.varOff.value)}`);
  } else {
    scalarRanges(r, parts);
    if (!tnumIsUnknown(r.varOff)) parts.push(`var_off=${tnumToString(r.varOff)}`);
  }
  return `${out}(${parts.join(',')})`;
}
