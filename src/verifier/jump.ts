/**
 * Jump-specific rules used by do_check: null checks on `_or_null` pointers, packet range
 * learning from `data + N > data_end` comparisons (try_match_pkt_pointers), decided
 * branches on pointers (is_branch_taken) and linked scalar ids (sync_linked_regs).
 */
import type { JmpInsn } from '../isa/index.js';
import { isPktPointer as isPkt, unknownScalar, copyReg, type RegState } from './reg-state.js';
import { flipOp, scalarBranchTaken } from './branch.js';
import { scalarAlu } from './scalar-alu.js';
import { constBounds } from './scalar.js';
import type { VState } from './state.js';

const BEYOND_PKT_END = -2;
const AT_PKT_END = -1;
const MAX_PACKET_OFF = 0xffffn;

export function markPtrOrNull(st: VState, id: number, isNull: boolean): void {
  for (const fr of st.frames) {
    const fix = (r: RegState): RegState => {
      if (!r.maybeNull || r.id !== id) return r;
      const n = copyReg(r);
      if (isNull) {
        const z = unknownScalar();
        Object.assign(z, constBounds(0n));
        return z;
      }
      n.maybeNull = false;
      n.id = 0;
      return n;
    };
    for (let i = 0; i < fr.regs.length; i++) fr.regs[i] = fix(fr.regs[i]!);
    for (const s of fr.stack) if (s.types[7] === 1) s.spilled = fix(s.spilled);
  }
}

export function refOf(st: VState, id: number): number {
  for (const fr of st.frames) for (const r of fr.regs) if (r.maybeNull && r.id === id && r.refObjId) return r.refObjId;
  return 0;
}

export function findGoodPktPointers(st: VState, dst: RegState, rightOpen: boolean): void {
  if (dst.off < 0 || (dst.off === 0 && rightOpen)) return;
  if (dst.umax > MAX_PACKET_OFF || dst.umax + BigInt(dst.off) > MAX_PACKET_OFF) return;
  let range = dst.off;
  if (rightOpen) range++;
  for (const fr of st.frames) {
    for (const r of fr.regs) if (r.type === dst.type && r.id === dst.id) r.range = Math.max(r.range, range);
    for (const s of fr.stack) if (s.types[7] === 1 && s.spilled.type === dst.type && s.spilled.id === dst.id) s.spilled.range = Math.max(s.spilled.range, range);
  }
}

export function markPktEnd(st: VState, regno: number, open: boolean): void {
  const r = st.frames[st.frames.length - 1]!.regs[regno]!;
  if (r.type !== 'pkt') return;
  r.range = open ? BEYOND_PKT_END : AT_PKT_END;
}

const isInitPkt = (r: RegState, t: string): boolean => r.type === t && r.off === 0 && r.varOff.mask === 0n && r.varOff.value === 0n;

/** try_match_pkt_pointers: `data + N > data_end` style comparisons. */
export function matchPktPointers(insn: JmpInsn, d: RegState, s: RegState, self: VState, other: VState): boolean {
  if (insn.src === null || insn.width === 32) return false;
  const fwd = (d.type === 'pkt' && s.type === 'pkt_end') || (d.type === 'pkt_meta' && isInitPkt(s, 'pkt'));
  const rev = (d.type === 'pkt_end' && s.type === 'pkt') || (isInitPkt(d, 'pkt') && s.type === 'pkt_meta');
  switch (insn.op) {
    case 'jgt':
      if (fwd) { findGoodPktPointers(self, d, false); markPktEnd(other, insn.dst, true); } else if (rev) { findGoodPktPointers(other, s, true); markPktEnd(self, insn.src, false); } else return false;
      return true;
    case 'jlt':
      if (fwd) { findGoodPktPointers(other, d, true); markPktEnd(self, insn.dst, false); } else if (rev) { findGoodPktPointers(self, s, false); markPktEnd(other, insn.src, true); } else return false;
      return true;
    case 'jge':
      if (fwd) { findGoodPktPointers(self, d, true); markPktEnd(other, insn.dst, false); } else if (rev) { findGoodPktPointers(other, s, false); markPktEnd(self, insn.src, true); } else return false;
      return true;
    case 'jle':
      if (fwd) { findGoodPktPointers(other, d, false); markPktEnd(self, insn.dst, true); } else if (rev) { findGoodPktPointers(self, s, true); markPktEnd(other, insn.src, false); } else return false;
      return true;
    default:
      return false;
  }
}

export function pktBranchTaken(d: RegState, s: RegState, op: JmpInsn['op']): -1 | 0 | 1 {
  let pkt: RegState;
  if (s.type === 'pkt_end') pkt = d;
  else if (d.type === 'pkt_end') { pkt = s; op = flipOp(op); } else return -1;
  if (pkt.range >= 0) return -1;
  switch (op) {
    case 'jle': case 'jgt':
      if (pkt.range === BEYOND_PKT_END) return op === 'jgt' ? 1 : 0;
      return -1;
    case 'jlt': case 'jge':
      if (pkt.range === BEYOND_PKT_END || pkt.range === AT_PKT_END) return op === 'jge' ? 1 : 0;
      return -1;
    default:
      return -1;
  }
}

export function regNotNull(r: RegState): boolean {
  if (r.maybeNull) return false;
  return r.type === 'map_value' || r.type === 'map_key' || r.type === 'mem' || r.type === 'map_ptr';
}

export function branchTaken(d: RegState, s: RegState, op: JmpInsn['op'], w32: boolean): -1 | 0 | 1 {
  const anyPkt = (r: RegState): boolean => isPkt(r) || r.type === 'pkt_end';
  if (anyPkt(d) && anyPkt(s) && !w32) return pktBranchTaken(d, s, op);
  const ptr = (r: RegState): boolean => r.type !== 'scalar';
  if (ptr(d) || ptr(s)) {
    let a = d;
    let b = s;
    const isConst = (r: RegState): boolean => r.type === 'scalar' && (w32 ? (r.varOff.mask & 0xffffffffn) === 0n : r.varOff.mask === 0n);
    if (!isConst(b)) { op = flipOp(op); [a, b] = [b, a]; }
    if (!isConst(b)) return -1;
    if (!regNotNull(a)) return -1;
    const v = w32 ? b.varOff.value & 0xffffffffn : b.varOff.value;
    if (v !== 0n) return -1;
    return op === 'jeq' ? 0 : op === 'jne' ? 1 : -1;
  }
  return scalarBranchTaken(d, s, op, w32);
}

/** Propagate new bounds to registers linked by id (sync_linked_regs). */
export function syncLinked(st: VState, known: RegState): void {
  if (known.type !== 'scalar' || !known.id) return;
  for (const fr of st.frames) {
    const fix = (r: RegState): RegState => {
      if (r === known || r.type !== 'scalar' || r.id !== known.id) return r;
      if ((!r.addConst && !known.addConst) || r.off === known.off) {
        const n = copyReg(known);
        n.addConst = r.addConst;
        n.off = r.off;
        return n;
      }
      const n = copyReg(known);
      n.off = r.off;
      n.addConst = r.addConst;
      n.id = r.id;
      const delta = BigInt(r.off | 0) - BigInt(known.addConst ? known.off | 0 : 0);
      scalarAlu('add', 64, n, constBounds(delta));
      n.id = r.id;
      return n;
    };
    for (let i = 0; i < fr.regs.length; i++) fr.regs[i] = fix(fr.regs[i]!);
    for (const s of fr.stack) if (s.types[7] === 1) s.spilled = fix(s.spilled);
  }
}

