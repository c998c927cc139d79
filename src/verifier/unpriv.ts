/**
 * Rules for an unprivileged loader (no CAP_BPF / CAP_PERFMON: bypass_spec_v1 off, bpf_capable off):
 * helpers only capable loaders get, no bpf-to-bpf calls, BPF_MAXINSNS, and the pointer-arithmetic
 * sanitation of adjust_ptr_min_max_vals (sanitize_ptr_alu, sanitize_check_bounds), with the
 * kernel's messages. Checked against Linux 6.18 as nobody (test/verifier/kernel-unpriv.test.ts).
 */
import type { AluInsn, MapDef } from '../isa/index.js';
import { mapTypeName } from '../isa/map-types.js';
import { progTypeName } from '../isa/prog-types.js';
import { fail, type Env } from './env.js';
import type { RegState } from './reg-state.js';
import { copyState } from './state.js';
import { Reject } from './types.js';
import { tnumIsConst, tnumToString } from './tnum.js';

/**
 * Helpers that bpf_base_func_proto / bpf_sk_base_func_proto give only to CAP_BPF or CAP_PERFMON
 * loaders: the ids a socket filter may call as root but not as nobody, measured on Linux 6.18.
 */
export const CAP_GATED_HELPERS: ReadonlySet<number> = new Set([
  6, 16, 17, 22, 35, 37, 55, 80, 93, 94, 109, 112, 113, 114, 115, 117, 118, 123, 136, 137, 138, 139, 140, 141, 148, 149,
  153, 154, 156, 157, 158, 164, 165, 169, 170, 171, 172, 175, 176, 177, 178, 180, 181, 191, 194, 196, 197, 198, 199, 200,
  201, 202, 203, 209, 210, 211,
]);

/**
 * Map types BPF_MAP_CREATE gives a loader without CAP_BPF (map_create; the others need CAP_BPF or
 * CAP_NET_ADMIN and fail with EPERM before any program is loaded). Checked on 6.18 as nobody.
 */
export const UNPRIV_MAP_TYPES: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 8, 12, 13, 19, 21, 27, 31]);

/** The rejection for a map an unprivileged loader cannot create, or null. */
export function unprivMapProblem(maps: readonly MapDef[]): string | null {
  const m = maps.find((d) => !UNPRIV_MAP_TYPES.has(d.type));
  if (!m) return null;
  return `map '${m.name}': BPF_MAP_CREATE of a ${mapTypeName(m.type)} map needs CAP_BPF or CAP_NET_ADMIN (EPERM, before BPF_PROG_LOAD)`;
}

/** Program types BPF_PROG_LOAD takes without CAP_BPF: socket_filter and cgroup_skb (checked on 6.18 for types 1..32 as nobody). */
export const UNPRIV_PROG_TYPES: ReadonlySet<number> = new Set([1, 8]);

/** The rejection for a program type an unprivileged loader cannot load (EPERM before the verifier runs), or null. */
export function unprivProgTypeProblem(progType: number): string | null {
  if (UNPRIV_PROG_TYPES.has(progType)) return null;
  return `EPERM: a ${progTypeName(progType)} program needs CAP_BPF (without it only socket_filter and cgroup_skb load; the kernel writes no log)`;
}

/**
 * cg_skb_is_valid_access without CAP_BPF: `__sk_buff` data / data_end cannot be read and tstamp
 * cannot be written (the kernel's `invalid bpf_context access`).
 */
export function unprivCtxDenied(progType: number, off: number, write: boolean): boolean {
  if (progType !== 8) return false;
  return (off >= 76 && off < 84) || (write && off >= 152 && off < 160);
}

/** BPF_MAXINSNS: the instruction count limit of BPF_PROG_LOAD without CAP_BPF (E2BIG, no log). */
export const BPF_MAXINSNS = 4096;

/** add_subprog_and_kfunc without bpf_capable: the message for the first pseudo call or function pointer. */
export const SUBPROG_CALLS_PROHIBITED = 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN';

const PROHIBITED = 'pointer arithmetic with it prohibited for !root';
const MAX_BPF_STACK = 512;
// alu_state bits (BPF_ALU_SANITIZE_SRC/DST, BPF_ALU_NEG_VALUE, BPF_ALU_IMMEDIATE).
const SANITIZE_SRC = 1;
const SANITIZE_DST = 2;
const NEG_VALUE = 4;
const IMMEDIATE = 8;

/** What the first sanitize_ptr_alu call (before the operation) remembers for the second. */
export interface SanitizeInfo {
  maskToLeft: boolean;
  aluState: number;
  aluLimit: number;
}

/** Per-instruction sanitation state across paths (bpf_insn_aux_data.alu_state / alu_limit). */
export interface AluSanitation {
  aluState?: number;
  aluLimit?: number;
}

/** Register numbers of the pointer and the offset operand of `insn` (the kernel names one or the other). */
function regnos(insn: AluInsn, dstIsOff: boolean): { ptr: number; off: number } {
  const src = insn.src ?? insn.dst;
  return dstIsOff ? { ptr: src, off: insn.dst } : { ptr: insn.dst, off: src };
}

/** retrieve_ptr_limit: how far the pointer may move (u32), or the failure reason. */
function ptrLimit(env: Env, ptr: RegState, maskToLeft: boolean): number | 'type' | 'limit' {
  let max: number;
  let limit: number;
  if (ptr.type === 'fp') {
    max = MAX_BPF_STACK + (maskToLeft ? 1 : 0);
    limit = Number(BigInt.asUintN(32, -(ptr.varOff.value + BigInt(ptr.off))));
  } else if (ptr.type === 'map_value') {
    max = env.maps[ptr.map]?.valueSize ?? 0;
    limit = Number(BigInt.asUintN(32, (maskToLeft ? ptr.smin : ptr.umax) + BigInt(ptr.off)));
  } else {
    return 'type';
  }
  return limit >= max ? 'limit' : limit;
}

function sanitizeErr(insn: AluInsn, reason: 'bounds' | 'type' | 'limit' | 'paths', dstIsOff: boolean): never {
  const { ptr, off } = regnos(insn, dstIsOff);
  const op = insn.op === 'add' ? 'add' : 'sub';
  const messages = {
    bounds: `R${off} has unknown scalar with mixed signed bounds`,
    type: `R${ptr} has pointer with unsupported alu operation`,
    paths: `R${insn.dst} tried to ${op} from different maps, paths or scalars`,
    limit: `R${insn.dst} tried to ${op} beyond pointer bounds`,
  };
  fail(`${messages[reason]}, ${PROHIBITED}`);
}

/**
 * can_skip_alu_sanitation (plus sanitize_needed): only ADD/SUB with a register operand, for
 * unprivileged loaders, and not where a speculative path already put a barrier.
 */
export function needsSanitation(env: Env, insn: AluInsn): boolean {
  return !env.privileged && insn.src !== null && (insn.op === 'add' || insn.op === 'sub') && !env.aux[env.insnIdx]?.nospec;
}

/** sanitize_speculative_path: queue `next` as a speculative path of the current state, with `reg` in `regno`. */
export function pushSpeculative(env: Env, next: number, changes: readonly (readonly [number, RegState])[]): void {
  const st = copyState(env.cur);
  st.speculative = true;
  const rs = st.frames[st.frames.length - 1]!.regs;
  for (const [r, v] of changes) rs[r] = v;
  env.pushBranch(st, next, env.insnIdx);
}

/**
 * sanitize_ptr_alu before the operation (commit_window false): the checks (skipped on speculative
 * paths), then, for an offset not known, the path where the masked offset is 0 (`dst` = `dstAsPtr`).
 */
export function sanitizeBefore(env: Env, insn: AluInsn, ptr: RegState, off: RegState, dstIsOff: boolean, dstAsPtr: RegState): SanitizeInfo | null {
  const offIsImm = tnumIsConst(off.varOff);
  let info: SanitizeInfo | null = null;
  if (!env.cur.speculative) {
    const offIsNeg = off.smin < 0n;
    if (!offIsImm && offIsNeg !== off.smax < 0n) sanitizeErr(insn, 'bounds', dstIsOff);
    const maskToLeft = (insn.op === 'add' && offIsNeg) || (insn.op === 'sub' && !offIsNeg);
    const limit = ptrLimit(env, ptr, maskToLeft);
    if (typeof limit !== 'number') sanitizeErr(insn, limit, dstIsOff);
    const aluState = (offIsNeg ? NEG_VALUE : 0) | (offIsImm ? IMMEDIATE : 0) | (dstIsOff ? SANITIZE_DST : SANITIZE_SRC);
    info = { maskToLeft, aluState, aluLimit: limit };
  }
  if (!offIsImm) pushSpeculative(env, env.insnIdx + 1, [[insn.dst, dstAsPtr]]);
  return info;
}

/** sanitize_ptr_alu after the operation (commit_window true): the limit must agree with every earlier path. */
export function sanitizeCommit(env: Env, insn: AluInsn, res: RegState, info: SanitizeInfo, aux: AluSanitation, dstIsOff: boolean): void {
  const limit = ptrLimit(env, res, info.maskToLeft);
  if (typeof limit !== 'number') sanitizeErr(insn, limit, dstIsOff);
  const aluLimit = Math.abs(info.aluLimit - limit);
  if (aux.aluState && (aux.aluState !== info.aluState || aux.aluLimit !== aluLimit)) sanitizeErr(insn, 'paths', dstIsOff);
  aux.aluState = info.aluState;
  aux.aluLimit = aluLimit;
}

/**
 * sanitize_check_bounds: for unprivileged loaders the result of pointer arithmetic must stay in
 * bounds (stack: a constant offset inside the frame; map value: a 1-byte access at its offset).
 * `checkMapAccess` is check_map_access(dst, dst->off, 1).
 */
export function sanitizeCheckBounds(env: Env, dst: number, r: RegState, checkMapAccess: () => void): void {
  if (env.privileged) return;
  if (r.type === 'fp') {
    const off = r.off + Number(BigInt.asIntN(64, r.varOff.value));
    if (!tnumIsConst(r.varOff)) fail(`R${dst} variable stack access prohibited for !root, var_off=${tnumToString(r.varOff)} off=${off}`);
    if (off >= 0 || off < -MAX_BPF_STACK) fail(`R${dst} stack pointer arithmetic goes out of range, prohibited for !root; off=${off}`);
  } else if (r.type === 'map_value') {
    try {
      checkMapAccess();
    } catch (e) {
      if (e instanceof Reject) fail(`${e.message}\nR${dst} pointer arithmetic of map value goes out of range, prohibited for !root`);
      throw e;
    }
  }
}
