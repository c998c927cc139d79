/**
 * Memory access rules (check_mem_access): stack slots with spill/fill, map values,
 * ringbuf memory, context fields and packet data, each with the kernel's message.
 */
import { curAux, curFrame, fail, nextId, regs, type Env } from './env.js';
import { ctxAccess, directPacketAccess } from './context.js';
import { copyReg, constScalar, isPointer, isPktPointer, pointer, regTypeStr, unknownScalar, unum, type RegState } from './reg-state.js';
import { S64_MIN, coerceToSize, coerceToSizeSx } from './scalar.js';
import {
  MAX_BPF_STACK, STACK_INVALID, STACK_MISC, STACK_SPILL, STACK_ZERO, growStack, isSpilledReg, type FuncState,
} from './state.js';
import { tnumAdd, tnumConst, tnumIsAligned, tnumIsConst, tnumToString } from './tnum.js';
import { BPF_MAX_VAR_OFF } from './alu.js';
import { markPrecise } from './precision.js';
import { unprivCtxDenied } from './unpriv.js';
import { mapAccessDenied, mapDirectRead } from './global-data.js';

/** Print a tnum as the alignment message does: decimal when constant. */
function tnumShort(r: RegState): string {
  // A known offset prints as verbose_unum does (seen on 6.18: `off 14+0+-56`, `off 0xfffffffffffffff6+0+-9`).
  return tnumIsConst(r.varOff) ? unum(r.varOff.value) : tnumToString(r.varOff);
}

/** The frame a stack pointer points into. */
function frameOf(env: Env, r: RegState): FuncState {
  return env.cur.frames[r.frameno] ?? curFrame(env);
}

/** __check_mem_access: [off, off+size) inside [0, memSize). */
function checkMemRange(env: Env, r: RegState, regno: number, off: bigint, size: number, memSize: number, zeroOk: boolean): void {
  const sizeOk = size > 0 || (size === 0 && zeroOk);
  if (sizeOk && off >= 0n && BigInt(size) <= BigInt(memSize) - off) return;
  const o = BigInt.asIntN(32, off);
  if (r.type === 'map_key') failDetail(`invalid access to map key, key_size=${memSize} off=${o} size=${size}`);
  if (r.type === 'map_value') failDetail(`invalid access to map value, value_size=${memSize} off=${o} size=${size}`);
  if (isPktPointer(r) || r.type === 'pkt_end') failDetail(`invalid access to packet, off=${o} size=${size}, R${regno}(id=${r.id},off=${o},r=${memSize})`);
  failDetail(`invalid access to memory, mem_size=${memSize >>> 0} off=${o} size=${size}`);
}

/** check_mem_region_access: a fixed-size region through a pointer with a variable part. */
export function checkMemRegion(env: Env, r: RegState, regno: number, off: number, size: number, memSize: number, zeroOk: boolean): void {
  const o = BigInt(off);
  if (r.smin < 0n && (r.smin === S64_MIN || o + r.smin !== BigInt.asIntN(32, o + r.smin) || r.smin + o < 0n)) {
    fail(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  tryOrPrefix(() => checkMemRange(env, r, regno, r.smin + o, size, memSize, zeroOk), `R${regno} min value is outside of the allowed memory range`);
  if (r.umax >= BigInt(BPF_MAX_VAR_OFF)) fail(`R${regno} unbounded memory access, make sure to bounds check any such access`);
  tryOrPrefix(() => checkMemRange(env, r, regno, r.umax + o, size, memSize, zeroOk), `R${regno} max value is outside of the allowed memory range`);
}

/** Run `f`; if it fails with a detail line, fail with `detail\nsummary` (the kernel prints both). */
function tryOrPrefix(f: () => void, summary: string): void {
  try {
    f();
  } catch (e) {
    if (e instanceof DetailError) fail(`${e.message}\n${summary}`);
    throw e;
  }
}

class DetailError extends Error {}

function failDetail(message: string): never {
  throw new DetailError(message);
}

function failMaybeDetail(message: string, detail: boolean): never {
  if (detail) failDetail(message);
  fail(message);
}

export { failMaybeDetail };

/** check_packet_access. */
export function checkPacketAccess(env: Env, r: RegState, regno: number, off: number, size: number, zeroOk: boolean): void {
  if (r.smin < 0n) fail(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  tryOrPrefix(() => checkMemRange(env, r, regno, BigInt(off), size, r.range, zeroOk), `R${regno} offset is outside of the packet`);
}

/** check_stack_access_within_bounds, growing the frame's stack. */
export function checkStackBounds(env: Env, r: RegState, regno: number, off: number, size: number, kind: 'read' | 'write' | 'helper'): void {
  const extra = kind === 'helper' ? ' indirect access to' : kind === 'read' ? ' read from' : ' write to';
  let minOff: bigint;
  let maxOff: bigint;
  if (tnumIsConst(r.varOff)) {
    minOff = BigInt.asIntN(64, r.varOff.value) + BigInt(off);
    maxOff = minOff + BigInt(size);
  } else {
    const lim = BigInt(BPF_MAX_VAR_OFF);
    if (r.smax >= lim || r.smin <= -lim) fail(`invalid unbounded variable-offset${extra} stack R${regno}`);
    minOff = r.smin + BigInt(off);
    maxOff = r.smax + BigInt(off) + BigInt(size);
  }
  const f = frameOf(env, r);
  const minValid = kind === 'write' || env.privileged ? -MAX_BPF_STACK : -f.stack.length * 8;
  const bad = minOff < BigInt(minValid) || minOff > -1n || maxOff > 0n || size < 0;
  if (bad) {
    if (tnumIsConst(r.varOff)) fail(`invalid${extra} stack R${regno} off=${off} size=${size}`);
    fail(`invalid variable-offset${extra} stack R${regno} var_off=${tnumToString(r.varOff)} off=${off} size=${size}`);
  }
  growStack(f, Number(-minOff));
}

function slotOf(off: number): { spi: number; idx: number } {
  const slot = -off - 1;
  return { spi: slot >> 3, idx: slot & 7 };
}

/** check_stack_write_fixed_off. `value` is the stored register, or null for BPF_ST (with `imm`). */
function stackWriteFixed(env: Env, f: FuncState, off: number, size: number, value: RegState | null, imm: number | null, valueReg = -1): void {
  const { spi } = slotOf(off);
  const slot = f.stack[spi]!;
  const slotIdx = -off - 1;
  env.scratch.slots.add(spi);
  if (!env.privileged && isSpilledReg(slot) && slot.spilled.type !== 'scalar' && size !== 8) fail('attempt to corrupt spilled pointer on stack');
  if (!env.privileged) {
    // Spectre v4: a barrier after a store of a pointer, or over bytes that were not data (the
    // kernel looks at the slot's first `size` byte types).
    let sanitize = value !== null && isPointer(value);
    for (let i = 0; i < size && !sanitize; i++) sanitize = slot.types[i] !== STACK_MISC && slot.types[i] !== STACK_ZERO;
    if (sanitize) curAux(env).nospecResult = true;
  }
  const aligned = off % 8 === 0;
  const save = (reg: RegState): void => {
    env.stackAccess = 1 + f.frameno * 64 + spi;
    slot.spilled = copyReg(reg);
    let i = 8;
    for (; i > 8 - size; i--) slot.types[i - 1] = STACK_SPILL;
    for (; i > 0; i--) {
      const t = slot.types[i - 1]!;
      if (t === STACK_ZERO || (env.privileged && t === STACK_INVALID)) continue;
      slot.types[i - 1] = STACK_MISC;
    }
  };
  if (value && aligned && value.type === 'scalar' && env.privileged) {
    const bits = value.umax === 0n ? 0 : value.umax.toString(2).length;
    const fits = bits <= size * 8;
    if (fits && !value.id && !tnumIsConst(value.varOff)) value.id = nextId(env);
    save(value);
    if (!fits) slot.spilled.id = 0;
    return;
  }
  if (!value && imm !== null && aligned && env.privileged) {
    save(constScalar(BigInt(imm)));
    return;
  }
  if (value && isPointer(value)) {
    if (size !== 8) fail('invalid size of register spill');
    if (f !== curFrame(env) && value.type === 'fp') fail('cannot spill pointers to stack into stack frame of the caller');
    save(value);
    return;
  }
  slot.spilled = { ...slot.spilled, type: 'not_init' };
  if (slot.types.includes(STACK_SPILL)) for (let i = 0; i < 8; i++) if (slot.types[i] !== STACK_INVALID) slot.types[i] = STACK_MISC;
  const zero = (value && value.type === 'scalar' && tnumIsConst(value.varOff) && value.varOff.value === 0n) || (!value && imm === 0);
  if (zero && value && valueReg >= 0) markPrecise(env, valueReg);
  const type = zero ? STACK_ZERO : STACK_MISC;
  for (let i = 0; i < size; i++) slot.types[(slotIdx - i) & 7] = type;
}

/** check_stack_read_fixed_off: fill a register from the stack. */
function stackReadFixed(env: Env, f: FuncState, off: number, size: number, dst: number): void {
  const { spi } = slotOf(off);
  const slot = f.stack[spi]!;
  const slotIdx = -off - 1;
  env.scratch.slots.add(spi);
  const rs = regs(env);
  const byteOk = (t: number): boolean => t === STACK_MISC || t === STACK_ZERO || (t === STACK_INVALID && env.privileged);
  if (isSpilledReg(slot)) {
    let spillSize = 1;
    for (let i = 7; i > 0 && slot.types[i - 1] === STACK_SPILL; i--) spillSize++;
    const reg = slot.spilled;
    if (size !== 8 || spillSize !== 8) {
      if (reg.type !== 'scalar') fail('invalid size of register fill');
      if (dst < 0) return;
      // bpf_stack_narrow_access_ok: little-endian, the read must start at the spill's start.
      const narrowOk = (off % 8 + 8) % 8 === 0;
      if (size <= spillSize && narrowOk) {
        env.stackAccess = 1 + f.frameno * 64 + spi;
        const d = copyReg(reg);
        const bits = reg.umax === 0n ? 0 : reg.umax.toString(2).length;
        if (bits > size * 8) d.id = 0;
        rs[dst] = d;
      } else {
        let spills = 0;
        let zeros = 0;
        for (let i = 0; i < size; i++) {
          const t = slot.types[(slotIdx - i) & 7]!;
          if (t === STACK_SPILL) spills++;
          else if (t === STACK_ZERO) zeros++;
          else if (!byteOk(t)) fail(`invalid read from stack off ${off}+${i} size ${size}`);
        }
        if (spills === size && tnumIsConst(reg.varOff) && reg.varOff.value === 0n) {
          env.stackAccess = 1 + f.frameno * 64 + spi;
          rs[dst] = constScalar(0n);
        } else if (zeros === size) rs[dst] = constScalar(0n);
        else rs[dst] = unknownScalar();
      }
    } else if (dst >= 0) {
      env.stackAccess = 1 + f.frameno * 64 + spi;
      rs[dst] = copyReg(reg);
    } else if (isPointer(reg) && !env.privileged) {
      fail(`leaking pointer from stack off ${off}`);
    }
    return;
  }
  let zeros = 0;
  for (let i = 0; i < size; i++) {
    const t = f.stack[(-(off + i) - 1) >> 3]?.types[(-(off + i) - 1) & 7] ?? STACK_INVALID;
    if (t === STACK_ZERO) zeros++;
    if (!byteOk(t)) fail(`invalid read from stack off ${off}+${i} size ${size}`);
  }
  if (dst >= 0) rs[dst] = zeros === size ? constScalar(0n) : unknownScalar();
}

/** Variable-offset stack write: every byte it may touch becomes misc (check_stack_write_var_off). */
function stackWriteVar(env: Env, f: FuncState, r: RegState, off: number, size: number, value: RegState | null, imm: number | null): void {
  const minOff = Number(r.smin) + off;
  const maxOff = Number(r.smax) + off + size;
  const zero = (value && value.type === 'scalar' && tnumIsConst(value.varOff) && value.varOff.value === 0n) || (!value && imm === 0);
  if (value && isPointer(value) && !env.privileged) fail('spilled ptr in range of var-offset stack write');
  for (let i = minOff; i < maxOff; i++) {
    const { spi, idx } = slotOf(i);
    const slot = f.stack[spi]!;
    env.scratch.slots.add(spi);
    if (slot.types[7] === STACK_SPILL) {
      slot.spilled = { ...slot.spilled, type: 'not_init' };
      for (let j = 0; j < 8; j++) if (slot.types[j] === STACK_SPILL) slot.types[j] = STACK_MISC;
    }
    const writesAll = minOff === maxOff - size;
    if (slot.types[idx] === STACK_INVALID && !env.privileged) fail(`uninit stack in range of var-offset write prohibited for !root; insn ${env.insnIdx}, off: ${i}`);
    if (!(zero && slot.types[idx] === STACK_ZERO) || writesAll) slot.types[idx] = zero && writesAll ? STACK_ZERO : STACK_MISC;
  }
}

function stackReadVar(env: Env, f: FuncState, r: RegState, off: number, size: number, dst: number): void {
  const minOff = Number(r.smin) + off;
  const maxOff = Number(r.smax) + off + size;
  let allZero = true;
  for (let i = minOff; i < maxOff; i++) {
    const { spi, idx } = slotOf(i);
    const t = f.stack[spi]?.types[idx] ?? STACK_INVALID;
    if (t !== STACK_ZERO) allZero = false;
    if (t === STACK_INVALID && !env.privileged) fail(`invalid variable-offset read from stack R? var_off=${tnumToString(r.varOff)} off=${off} size=${size}`);
  }
  // mark_reg_stack_read: slots are marked for the log up to the first byte that is not a zero.
  for (let i = minOff; i < maxOff; i++) {
    const { spi, idx } = slotOf(i);
    env.scratch.slots.add(spi);
    if ((f.stack[spi]?.types[idx] ?? STACK_INVALID) !== STACK_ZERO) break;
  }
  if (dst >= 0) regs(env)[dst] = allZero ? constScalar(0n) : unknownScalar();
}

/** Alignment (check_ptr_alignment): only stack accesses are strict on x86-64. */
export function checkAlignment(r: RegState, off: number, size: number, strict: boolean): void {
  if ((r.type !== 'fp' && !strict) || size === 1) return;
  const desc = r.maybeNull ? '' : r.type === 'fp' ? 'stack ' : r.type === 'map_value' ? 'value ' : r.type === 'map_key' ? 'key ' : r.type === 'ctx' ? 'context ' : '';
  if (isPktPointer(r)) return;
  const regOff = tnumAdd(r.varOff, tnumConst(BigInt(r.off + off)));
  if (!tnumIsAligned(regOff, size)) fail(`misaligned ${desc}access off ${tnumShort(r)}+${r.off}+${off} size ${size}`);
}

/**
 * check_mem_access: a load (`valueReg` = destination) or store (`valueReg` = source, -1 for
 * BPF_ST with `imm`) of `size` bytes at `regno + off`.
 */
export function checkMemAccess(env: Env, regno: number, off: number, size: number, write: boolean, valueReg: number, imm: number | null, sx = false, strict = false): void {
  const rs = regs(env);
  const r = rs[regno]!;
  checkAlignment(r, off, size, strict);
  const full = off + r.off;
  const value = write && valueReg >= 0 ? rs[valueReg]! : null;
  const leak = (what: string): void => {
    if (!env.privileged && value && isPointer(value)) fail(`R${valueReg} leaks addr into ${what}`);
  };
  if (r.type === 'map_value' && !r.maybeNull) {
    leak('map');
    const m = env.maps[r.map];
    const denied = mapAccessDenied(m, write, full, size);
    if (denied) fail(denied);
    checkMemRegion(env, r, regno, full, size, m?.valueSize ?? 0, false);
    if (!write && valueReg >= 0) {
      // A frozen read-only array's bytes are known (bpf_map_direct_read).
      const known = tnumIsConst(r.varOff) ? mapDirectRead(m, full + Number(BigInt.asIntN(64, r.varOff.value)), size) : null;
      rs[valueReg] = known === null ? unknownScalar() : constScalar(known);
    }
  } else if (r.type === 'mem' && !r.maybeNull) {
    if (write && r.rdonly) fail(`R${regno} cannot write into ${regTypeStr(r)}`);
    leak('mem');
    checkMemRegion(env, r, regno, full, size, r.memSize, false);
    if (valueReg >= 0 && (!write || r.rdonly)) rs[valueReg] = unknownScalar();
  } else if (r.type === 'ctx') {
    leak('ctx');
    if (r.off < 0) fail(`negative offset ctx ptr R${regno} off=${r.off} disallowed`);
    if (r.off) fail(`dereference of modified ctx ptr R${regno} off=${r.off} disallowed`);
    if (!tnumIsConst(r.varOff) || r.varOff.value !== 0n) fail(`variable ctx access var_off=${tnumToString(r.varOff)} disallowed`);
    const acc = env.privileged || !unprivCtxDenied(env.progType, full, write) ? ctxAccess(env.progType, full, size, write) : null;
    if (!acc) fail(`invalid bpf_context access off=${full} size=${size}`);
    if (!write && valueReg >= 0) {
      if (acc.regType === 'scalar') rs[valueReg] = unknownScalar();
      else {
        const p = pointer(acc.regType);
        if (acc.regType === 'sock_common') {
          p.maybeNull = true;
          p.id = nextId(env);
        }
        rs[valueReg] = p;
      }
    }
  } else if (r.type === 'fp') {
    checkStackBounds(env, r, regno, full, size, write ? 'write' : 'read');
    const f = frameOf(env, r);
    if (tnumIsConst(r.varOff)) {
      const o = full + Number(BigInt.asIntN(64, r.varOff.value));
      if (write) stackWriteFixed(env, f, o, size, value, valueReg < 0 ? imm : null, valueReg);
      else stackReadFixed(env, f, o, size, valueReg);
    } else if (write) {
      stackWriteVar(env, f, r, full, size, value, valueReg < 0 ? imm : null);
    } else {
      if (valueReg < 0) fail(`variable offset stack pointer cannot be passed into helper function; var_off=${tnumToString(r.varOff)} off=${full} size=${size}`);
      stackReadVar(env, f, r, full, size, valueReg);
    }
  } else if (isPktPointer(r)) {
    if (write && !directPacketAccess(env.progType, true)) fail('cannot write into packet');
    leak('packet');
    checkPacketAccess(env, r, regno, full, size, false);
    if (!write && valueReg >= 0) rs[valueReg] = unknownScalar();
  } else {
    fail(`R${regno} invalid mem access '${regTypeStr(r)}'`);
  }
  if (!write && valueReg >= 0 && size < 8) {
    const d = rs[valueReg]!;
    if (d.type === 'scalar') {
      const c = copyReg(d);
      if (sx) coerceToSizeSx(c, size);
      else coerceToSize(c, size);
      rs[valueReg] = c;
    }
  }
}

export { STACK_INVALID, STACK_MISC, STACK_ZERO };
