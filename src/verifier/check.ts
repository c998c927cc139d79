/**
 * Path exploration (do_check): walks every path from the entry, one instruction at a
 * time, pushing the other side of undecided branches, pruning at prune points against
 * remembered states, and writing the kernel-style log.
 */
import type { Insn, JmpInsn } from '../isa/index.js';
import { checkAlu, checkEnd, checkLdImm } from './alu.js';
import { isPktPointer as isPkt, constScalar, pointer, regTypeStr, unknownScalar, copyReg, type RegState } from './reg-state.js';
import { setMinMax } from './branch.js';
import { branchTaken, markPtrOrNull, matchPktPointers, refOf, syncLinked } from './jump.js';
import { checkHelperCall, forEachReg } from './call.js';
import { checkSrc, checkDst, checkDstNoMark, curFrame, fail, mapSizes, regs, type Env } from './env.js';
import { formatInsn, mapRefName } from './disasm.js';
import { checkMemAccess } from './memory.js';
import { statesEqual, statesExact } from './prune.js';
import { markAllImprecise, markPrecise, propagatePrecision } from './precision.js';
import { constBounds } from './scalar.js';
import { copyState, formatFrame, newFrame, MAX_CALL_FRAMES, type Checkpoint, type VState } from './state.js';
import { vlogAlignment } from './log.js';
import { Reject } from './types.js';
import { pushSpeculative } from './unpriv.js';

interface Pending {
  state: VState;
  insn: number;
  prev: number;
  logPos: number;
}

/** Counters of the exploration, as the kernel's statistics line. */
export interface ExploreStats {
  processed: number;
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
  /** Maximum stack depth seen per subprogram start slot. */
  stackDepth: Map<number, number>;
}

function printState(env: Env, all: boolean): string {
  const f = curFrame(env);
  const sizes = mapSizes(env);
  let out = '';
  if (all) out = formatFrame(f, sizes, null, !env.privileged);
  else out = formatFrame(f, sizes, env.scratch, !env.privileged);
  if (env.cur.refs.length) out += ` refs=${env.cur.refs.join(',')}`;
  env.scratch = { regs: new Set(), slots: new Set() };
  return out;
}

function scratchAll(env: Env): void {
  if (!env.log.enabled) return;
  const f = curFrame(env);
  env.scratch = { regs: new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), slots: new Set(f.stack.map((_, i) => i)) };
}

function scratched(env: Env): boolean {
  return env.scratch.regs.size > 0 || env.scratch.slots.size > 0;
}

/** print_insn_state: append `; state` to the instruction line, or a fresh `N:` line. */
function printInsnState(env: Env): void {
  const log = env.log;
  if (!log.open) return;
  const s = printState(env, false);
  if (log.prevLogPos && log.prevLogPos === log.endPos) {
    log.reset(log.prevLogPos - 1);
    log.write(`${' '.repeat(vlogAlignment(log.prevInsnPrintPos))};${s}\n`);
  } else {
    log.write(`${env.insnIdx}:${s}\n`);
  }
}

/** widen_imprecise_scalars: scalars that changed since the previous loop iteration become unknown. */
function widenImpreciseScalars(old: VState, cur: VState): void {
  const same = (a: RegState, b: RegState): boolean => a.varOff.value === b.varOff.value && a.varOff.mask === b.varOff.mask
    && a.smin === b.smin && a.smax === b.smax && a.umin === b.umin && a.umax === b.umax && a.id === b.id;
  for (let f = 0; f < Math.min(old.frames.length, cur.frames.length); f++) {
    const of = old.frames[f]!;
    const cf = cur.frames[f]!;
    for (let r = 0; r < 11; r++) {
      const a = of.regs[r]!;
      const b = cf.regs[r]!;
      if (a.type !== 'scalar' || b.type !== 'scalar' || a.precise || b.precise || same(a, b)) continue;
      cf.regs[r] = unknownScalar();
    }
    for (let i = 0; i < Math.min(of.stack.length, cf.stack.length); i++) {
      const a = of.stack[i]!;
      const b = cf.stack[i]!;
      if (a.types[7] !== 1 || b.types[7] !== 1) continue;
      if (a.spilled.type !== 'scalar' || b.spilled.type !== 'scalar' || a.spilled.precise || b.spilled.precise || same(a.spilled, b.spilled)) continue;
      b.spilled = unknownScalar();
    }
  }
}

/** Placeholder for the unknown-scalar operand of statesEqual when there is nothing to compare. */
const UNKNOWN_UNUSED = unknownScalar();

/** The verifier's exploration engine for one program. */
export class Explorer {
  private readonly pending: Pending[] = [];
  private readonly explored = new Map<number, Checkpoint[]>();
  readonly stats: ExploreStats = { processed: 0, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0, stackDepth: new Map() };
  private liveStates = 0;
  private jmps = 0;
  private prevJmps = 0;
  private prevInsns = 0;

  constructor(private readonly env: Env, private readonly maxInsns: number) {
    env.pushBranch = (state, insn, prev) => this.pushBranch(state, insn, prev);
  }

  private pushBranch(state: VState, insn: number, prev: number): void {
    if (state.parent) state.parent.branches++;
    this.pending.push({ state, insn, prev, logPos: this.env.log.endPos });
    if (this.pending.length > 8192) fail(`The sequence of ${this.pending.length} jumps is too complex.`);
  }

  private updateBranchCounts(st: VState): void {
    let cp: { branches: number; parent: Checkpoint | null } | null = st;
    while (cp) {
      cp.branches--;
      if (cp.branches > 0) break;
      cp = cp.parent;
    }
  }

  /** is_state_visited: 1 when pruned. */
  private isStateVisited(pc: number): boolean {
    const env = this.env;
    const cur = env.cur;
    const force = env.cfg.forceCheckpoints[pc] === 1 || cur.histCnt > 40;
    let add = force || (this.jmps - this.prevJmps >= 2 && this.stats.processed - this.prevInsns >= 8);
    const list = this.explored.get(pc) ?? [];
    const live = env.live[pc]!;
    const unknown = list.length ? unknownScalar() : UNKNOWN_UNUSED;
    let count = 0;
    for (let i = 0; i < list.length; i++) {
      const sl = list[i]!;
      count++;
      if (sl.branches > 0) {
        const insn = env.slots[pc];
        if (insn?.kind === 'may_goto' && sl.state.mayGotoDepth !== cur.mayGotoDepth && statesEqual(sl.state, cur, live, env.privileged, unknown, true)) {
          sl.hit++;
          return true;
        }
        if (sl.state.mayGotoDepth === cur.mayGotoDepth && statesExact(sl.state, cur, live)) {
          const sizes = mapSizes(env);
          const fmt = (s: VState): string => formatFrame(s.frames[s.frames.length - 1]!, sizes, null, !env.privileged);
          throw new Reject(`infinite loop detected at insn ${pc}\ncur state:${fmt(cur)}\nold state:${fmt(sl.state)}`, env.prevInsnIdx, `infinite loop detected at insn ${pc}`);
        }
        if (!force && this.jmps - this.prevJmps < 20 && this.stats.processed - this.prevInsns < 100) add = false;
      } else if (statesEqual(sl.state, cur, live, env.privileged, unknown, !env.privileged || env.cfg.scc[pc] !== 0)) {
        sl.hit++;
        if (env.privileged) propagatePrecision(env, sl.state);
        return true;
      }
      if (add) sl.miss++;
      const n = force && sl.branches > 0 ? 64 : 3;
      if (sl.miss > sl.hit * n + n) {
        list.splice(i, 1);
        i--;
        this.liveStates--;
      }
    }
    if (this.stats.maxStatesPerInsn < count) this.stats.maxStatesPerInsn = count;
    if (!add) return false;
    this.stats.totalStates++;
    this.liveStates++;
    if (this.liveStates > this.stats.peakStates) this.stats.peakStates = this.liveStates;
    this.prevJmps = this.jmps;
    this.prevInsns = this.stats.processed;
    if (env.privileged) markAllImprecise(cur);
    const saved = copyState(cur);
    saved.lastInsn = env.prevInsnIdx;
    const cp: Checkpoint = { state: saved, insn: pc, branches: 1, parent: cur.parent, hit: 0, miss: 0 };
    cur.parent = cp;
    cur.trace = [];
    cur.traceStack = [];
    cur.firstInsn = pc;
    cur.histCnt = 0;
    list.unshift(cp);
    this.explored.set(pc, list);
    return false;
  }

  /** Run do_check from the entry; throws Reject on the first error. */
  run(): void {
    const env = this.env;
    const log = env.log;
    let doPrintState = false;
    scratchAll(env);
    for (;;) {
      const pc = env.insnIdx;
      if (pc < 0 || pc >= env.slots.length) fail(`invalid insn idx ${pc} insn_cnt ${env.slots.length}`);
      const insn = env.slots[pc];
      if (!insn) fail('invalid BPF_LD_IMM insn');
      if (++this.stats.processed > this.maxInsns) throw new Reject(`BPF program is too large. Processed ${this.stats.processed} insn`, env.prevInsnIdx);
      let pruned = false;
      if (env.cfg.prunePoints[pc]) pruned = this.isStateVisited(pc);
      if (pruned) {
        if (log.enabled) {
          if (doPrintState) log.write(`\nfrom ${env.prevInsnIdx} to ${pc}${env.cur.speculative ? ' (speculative execution)' : ''}: safe\n`);
          else log.write(`${pc}: safe\n`);
        }
        if (!this.finishPath()) return;
        doPrintState = true;
        continue;
      }
      if (log.level === 2 && doPrintState) {
        const keep = env.scratch;
        log.write(`\nfrom ${env.prevInsnIdx} to ${pc}${env.cur.speculative ? ' (speculative execution)' : ''}:${printState(env, true)}\n`);
        env.scratch = keep;
        doPrintState = false;
      }
      if (log.enabled && !log.open) {
        // The buffer is full: skip formatting text that would be dropped.
        log.prevLogPos = 0;
      } else if (log.enabled) {
        if (scratched(env)) printInsnState(env);
        const start = log.endPos;
        const text = `${pc}: ${formatInsn(insn, mapRefName(env.privileged))}\n`;
        log.write(text);
        // The kernel prints a map reference as an 18-character kernel address; align as it would.
        const kernelLen = insn.kind === 'lddw' && insn.src !== 0 && env.privileged ? `${pc}: (18) r${insn.dst} = 0xffff000000000000\n`.length : text.length;
        log.prevInsnPrintPos = log.endPos - start - text.length + kernelLen;
        log.prevLogPos = log.endPos;
      }
      env.prevInsnIdx = pc;
      const cur = env.cur;
      // A speculative path stops at a barrier (where another speculative path failed).
      if (cur.speculative && env.aux[pc]?.nospec) {
        if (!this.finishPath()) return;
        doPrintState = true;
        continue;
      }
      cur.trace.push(pc);
      cur.traceStack.push(0);
      if (env.cfg.jmpPoints[pc]) cur.histCnt++;
      env.stackAccess = 0;
      const next = cur.speculative ? this.speculativeStep(insn, pc) : this.step(insn, pc);
      if (next === 'stop') {
        if (!this.finishPath()) return;
        doPrintState = true;
        continue;
      }
      if (env.stackAccess) {
        cur.traceStack[cur.traceStack.length - 1] = env.stackAccess;
        cur.histCnt++;
      }
      if (next === 'exit') {
        if (!this.finishPath()) return;
        doPrintState = true;
        continue;
      }
      if (next === 'call') continue;
      if (next === 'return') {
        // The callee may have grown the caller's stack through a pointer.
        this.noteStack();
        doPrintState = true;
        continue;
      }
      env.insnIdx = next;
    }
  }

  /**
   * One instruction of a speculative path: an error the kernel can fence (EPERM, EACCES, EINVAL:
   * anything but the complexity limits) puts a barrier before the instruction and ends the path,
   * as does a store that needs a barrier after it.
   */
  private speculativeStep(insn: Insn, pc: number): ReturnType<Explorer['step']> | 'stop' {
    const env = this.env;
    try {
      const next = this.step(insn, pc);
      return env.aux[pc]?.nospecResult ? 'stop' : next;
    } catch (e) {
      if (!(e instanceof Reject) || /^(BPF program is too large|The sequence of \d+ jumps is too complex)/.test(e.message)) throw e;
      const aux = env.aux[pc] ?? (env.aux[pc] = {});
      aux.nospec = true;
      aux.aluState = 0;
      if (env.log.enabled) env.log.write(`${e.message}\n`);
      return 'stop';
    }
  }

  /** Path done: pop the next pending branch. False when none is left. */
  private finishPath(): boolean {
    const env = this.env;
    scratchAll(env);
    this.updateBranchCounts(env.cur);
    const p = this.pending.pop();
    if (!p) return false;
    if (env.log.level === 1) env.log.reset(p.logPos);
    env.cur = p.state;
    env.insnIdx = p.insn;
    env.prevInsnIdx = p.prev;
    scratchAll(env);
    return true;
  }

  /** Record the current frame's stack depth (after every instruction that may grow it). */
  private noteStack(): void {
    const f = curFrame(this.env);
    const start = f.subprog;
    const d = f.stack.length * 8;
    if ((this.stats.stackDepth.get(start) ?? 0) < d) this.stats.stackDepth.set(start, d);
  }

  /** One instruction; returns the next slot, 'exit' when the path ends, or 'call' after a frame change. */
  private step(insn: Insn, pc: number): number | 'exit' | 'call' | 'return' {
    const env = this.env;
    switch (insn.kind) {
      case 'alu':
        checkAlu(env, insn);
        return pc + 1;
      case 'end':
        checkEnd(env, insn);
        return pc + 1;
      case 'lddw':
        checkLdImm(env, insn);
        return pc + 2;
      case 'ldx': {
        checkSrc(env, insn.src);
        checkDstNoMark(env, insn.dst);
        const base = regs(env)[insn.src]!;
        this.checkPtrType(pc, base);
        checkMemAccess(env, insn.src, insn.off, insn.size, false, insn.dst, null, insn.sx);
        this.noteStack();
        return pc + 1;
      }
      case 'stx': {
        checkSrc(env, insn.src);
        checkSrc(env, insn.dst);
        this.checkPtrType(pc, regs(env)[insn.dst]!);
        checkMemAccess(env, insn.dst, insn.off, insn.size, true, insn.src, null);
        this.noteStack();
        return pc + 1;
      }
      case 'st': {
        const d = checkSrc(env, insn.dst);
        this.checkPtrType(pc, d);
        checkMemAccess(env, insn.dst, insn.off, insn.size, true, -1, insn.imm);
        this.noteStack();
        return pc + 1;
      }
      case 'atomic':
        this.checkAtomic(insn);
        this.noteStack();
        return pc + 1;
      case 'jmp':
        return this.checkCondJmp(insn, pc);
      case 'ja':
        this.jmps++;
        return pc + insn.off + 1;
      case 'gotol':
        this.jmps++;
        return pc + insn.imm + 1;
      case 'may_goto': {
        this.jmps++;
        // The loop body (fall-through) is explored later with one more level of may_goto;
        // this path takes the exit.
        const body = copyState(env.cur);
        body.mayGotoDepth++;
        const prev = (this.explored.get(pc) ?? []).find((sl) => sl.branches > 0 && sl !== env.cur.parent);
        if (prev) widenImpreciseScalars(prev.state, body);
        this.pushBranch(body, pc + 1, pc);
        return pc + insn.off + 1;
      }
      case 'call':
        this.jmps++;
        if (insn.target === 'helper') {
          checkHelperCall(env, insn.imm);
          // Helpers write through stack pointers (the only stack growth outside loads and stores).
          this.noteStack();
          if (insn.imm === 12) {
            // A successful tail call does not return; the failing case falls through.
          }
          return pc + 1;
        }
        if (insn.target === 'local') return this.localCall(pc, pc + insn.imm + 1);
        fail('calling kernel functions is not supported');
      // eslint-disable-next-line no-fallthrough
      case 'callx':
        fail(`unknown opcode 8d`);
      // eslint-disable-next-line no-fallthrough
      case 'exit':
        this.jmps++;
        return this.exit();
      case 'ldabs': case 'ldind':
        return this.checkLdAbs(insn, pc);
    }
  }

  /** check_return_code: program types with a fixed return range. */
  private checkReturn(r0: RegState): void {
    const range = this.env.progType === 8 ? [0n, 1n] : null;
    if (!range) return;
    if (r0.type !== 'scalar') fail(`At program exit the register R0 is not a known value (${regTypeStr(r0)})`);
    markPrecise(this.env, 0);
    if (r0.smin >= range[0]! && r0.smax <= range[1]!) return;
    let msg = 'At program exit the register R0 has';
    if (r0.smin > -(1n << 63n)) msg += ` smin=${r0.smin}`;
    if (r0.smax < (1n << 63n) - 1n) msg += ` smax=${r0.smax}`;
    if (r0.smin === -(1n << 63n) && r0.smax === (1n << 63n) - 1n) msg += ' unknown scalar value';
    fail(`${msg} should have been in [${range[0]}, ${range[1]}]`);
  }

  private checkPtrType(pc: number, r: RegState): void {
    const aux = this.env.aux[pc] ?? (this.env.aux[pc] = {});
    const t = r.type;
    if (aux.ptrType === undefined) aux.ptrType = t;
    else if (aux.ptrType !== t && (aux.ptrType === 'ctx' || t === 'ctx')) fail('same insn cannot be used with different pointers');
  }

  private checkAtomic(insn: Insn & { kind: 'atomic' }): void {
    const env = this.env;
    if (insn.op === 'load_acq') {
      checkSrc(env, insn.src);
      checkDstNoMark(env, insn.dst);
      checkMemAccess(env, insn.src, insn.off, insn.size, false, insn.dst, null);
      return;
    }
    if (insn.op === 'store_rel') {
      checkSrc(env, insn.src);
      checkSrc(env, insn.dst);
      checkMemAccess(env, insn.dst, insn.off, insn.size, true, insn.src, null);
      return;
    }
    checkSrc(env, insn.src);
    const d = checkSrc(env, insn.dst);
    if (insn.op === 'cmpxchg') {
      const r0 = checkSrc(env, 0);
      // The comparand is written back to R0 from memory: a pointer in it would leak.
      if (!env.privileged && r0.type !== 'scalar') fail('R0 leaks addr into mem');
    }
    if (!env.privileged && regs(env)[insn.src]!.type !== 'scalar') fail(`R${insn.src} leaks addr into mem`);
    if (d.type === 'ctx' || isPkt(d)) fail(`BPF_ATOMIC stores into R${insn.dst} ${d.type} is not allowed`);
    let loadReg = -1;
    if (insn.fetch) {
      loadReg = insn.op === 'cmpxchg' ? 0 : insn.src;
      checkDst(env, loadReg);
    }
    checkMemAccess(env, insn.dst, insn.off, insn.size, false, -1, null, false, true);
    if (loadReg >= 0) checkMemAccess(env, insn.dst, insn.off, insn.size, false, loadReg, null, false, true);
    checkMemAccess(env, insn.dst, insn.off, insn.size, true, -1, null, false, true);
  }

  private checkLdAbs(insn: Insn & { kind: 'ldabs' | 'ldind' }, pc: number): number {
    const env = this.env;
    const allowed = env.progType === 1 || env.progType === 3 || env.progType === 4;
    if (!allowed) fail('BPF_LD_[ABS|IND] instructions not allowed for this program type');
    const r6 = checkSrc(env, 6);
    if (insn.kind === 'ldind') checkSrc(env, insn.src);
    if (r6.type !== 'ctx') fail('at the time of BPF_LD_ABS|IND R6 != pointer to skb');
    const rs = regs(env);
    for (let r = 1; r <= 5; r++) rs[r] = { ...rs[r]!, type: 'not_init' };
    const r0 = unknownScalar();
    rs[0] = r0;
    env.scratch.regs.add(0);
    return pc + 1;
  }

  private checkCondJmp(insn: JmpInsn, pc: number): number {
    const env = this.env;
    this.jmps++;
    const dst = checkSrc(env, insn.dst);
    let src: RegState;
    if (insn.src !== null) {
      src = checkSrc(env, insn.src);
      const pkts = (isPkt(dst) || dst.type === 'pkt_end') && (isPkt(src) || src.type === 'pkt_end');
      if (!pkts && !env.privileged && src.type !== 'scalar') fail(`R${insn.src} pointer comparison prohibited`);
    } else {
      src = constScalar(BigInt(insn.imm));
    }
    const w32 = insn.width === 32;
    const pred = branchTaken(dst, src, insn.op, w32);
    const target = pc + insn.off + 1;
    if (pred >= 0) {
      if (dst.type === 'scalar') markPrecise(env, insn.dst);
      if (insn.src !== null && src.type === 'scalar') markPrecise(env, insn.src);
    }
    if (pred >= 0 && !env.privileged) {
      // sanitize_speculative_path: the side not taken is still walked, its operands unknown.
      const changes: [number, RegState][] = [[insn.dst, unknownScalar()]];
      if (insn.src !== null) changes.push([insn.src, unknownScalar()]);
      pushSpeculative(env, pred === 1 ? pc + 1 : target, changes);
    }
    if (pred === 1) {
      printInsnState(env);
      return target;
    }
    if (pred === 0) {
      printInsnState(env);
      return pc + 1;
    }
    const other = copyState(env.cur);
    // push_stack comes first: a failure below still leaves the other side queued (it matters on speculative paths).
    this.pushBranch(other, target, pc);
    const ors = other.frames[other.frames.length - 1]!.regs;
    const rs = regs(env);
    if (insn.src !== null) {
      setMinMax(ors[insn.dst]!, ors[insn.src]!, rs[insn.dst]!, rs[insn.src]!, insn.op, w32);
      if (src.type === 'scalar' && src.id) {
        syncLinked(env.cur, rs[insn.src]!);
        syncLinked(other, ors[insn.src]!);
      }
    } else {
      const k1 = constBounds(BigInt(insn.imm));
      const k2 = constBounds(BigInt(insn.imm));
      setMinMax(ors[insn.dst]!, k1, rs[insn.dst]!, k2, insn.op, w32);
    }
    if (rs[insn.dst]!.type === 'scalar' && rs[insn.dst]!.id) {
      syncLinked(env.cur, rs[insn.dst]!);
      syncLinked(other, ors[insn.dst]!);
    }
    if (!w32 && insn.src === null && insn.imm === 0 && (insn.op === 'jeq' || insn.op === 'jne') && dst.maybeNull) {
      const ref = dst.refObjId;
      const nullSide = insn.op === 'jeq' ? other : env.cur;
      if (ref) nullSide.refs = nullSide.refs.filter((x) => x !== ref);
      void refOf;
      markPtrOrNull(env.cur, dst.id, insn.op === 'jne');
      markPtrOrNull(other, dst.id, insn.op === 'jeq');
      if (insn.op === 'jne') {
        // fall-through is the NULL side for jne: handled by the swap above
      }
    } else if (!matchPktPointers(insn, rs[insn.dst]!, insn.src !== null ? rs[insn.src]! : src, env.cur, other) && !env.privileged && dst.type !== 'scalar') {
      fail(`R${insn.dst} pointer comparison prohibited`);
    }
    printInsnState(env);
    return pc + 1;
  }

  private localCall(pc: number, target: number): 'call' {
    const env = this.env;
    const st = env.cur;
    if (st.frames.length >= MAX_CALL_FRAMES) fail(`the call stack of ${st.frames.length + 1} frames is too deep`);
    const caller = curFrame(env);
    const callee = newFrame(st.frames.length, pc, target);
    for (let r = 1; r <= 5; r++) callee.regs[r] = copyReg(caller.regs[r]!);
    for (let r = 0; r <= 5; r++) caller.regs[r] = { ...caller.regs[r]!, type: 'not_init' };
    st.frames.push(callee);
    if (env.log.enabled) {
      const sizes = mapSizes(env);
      env.log.write(`caller:\n${formatFrame(caller, sizes, null, !env.privileged)}\ncallee:\n${formatFrame(callee, sizes, null, !env.privileged)}\n`);
    }
    scratchAll(env);
    env.insnIdx = target;
    return 'call';
  }

  private exit(): number | 'exit' | 'return' {
    const env = this.env;
    const st = env.cur;
    if (st.frames.length > 1) {
      const callee = curFrame(env);
      const r0 = callee.regs[0]!;
      if (r0.type === 'fp') fail('cannot return stack pointer to the caller');
      st.frames.pop();
      const caller = curFrame(env);
      caller.regs[0] = copyReg(r0);
      env.insnIdx = callee.callsite + 1;
      if (env.log.enabled) {
        const sizes = mapSizes(env);
        env.log.write(`returning from callee:\n${formatFrame(callee, sizes, null, !env.privileged)}\nto caller at ${env.insnIdx}:\n${formatFrame(caller, sizes, null, !env.privileged)}\n`);
      }
      return 'return';
    }
    if (st.refs.length > 0) {
      const id = st.refs[0]!;
      fail(`Unreleased reference id=${id} alloc_insn=${env.refInsn.get(id) ?? 0}\nBPF_EXIT instruction in main prog would lead to reference leak`);
    }
    const r0 = checkSrc(env, 0);
    if (!env.privileged && r0.type !== 'scalar') fail('R0 leaks addr as return value');
    this.checkReturn(r0);
    void pointer;
    forEachReg;
    return 'exit';
  }
}

export { Reject };
