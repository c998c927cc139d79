import type { Insn } from '../isa/insn.js';
import { AddressSpace, PERM_READ, type Region } from './address-space.js';
import { ATOMIC_OPS, type CompiledProgram } from './compile.js';
import { PendingFault, VmFault, type VmFaultKind } from './fault.js';
import { insnText } from './insn-text.js';

/** The kernel's MAX_CALL_FRAMES: a program and its bpf-to-bpf callees use at most 8 frames. */
export const MAX_CALL_FRAMES = 8;
/** The kernel's MAX_TAIL_CALL_CNT. */
export const MAX_TAIL_CALL_CNT = 33;
/** Bytes of stack per frame (MAX_BPF_STACK). */
export const STACK_SIZE = 512;
/** The kernel's BPF_MAX_LOOPS: may_goto falls through this many times per run. */
export const BPF_MAX_LOOPS = 8 * 1024 * 1024;

/** One executed instruction, reported to the trace hook after it ran. */
export interface TraceEvent {
  /** Slot index in its program. */
  readonly pc: number;
  readonly insn: Insn | undefined;
  /** Pseudo-C text of the instruction. */
  readonly text: string;
  /** Registers whose value changed, with their new values. */
  readonly written: readonly (readonly [reg: number, value: bigint])[];
  /** Call depth (0 = the main program's frame). */
  readonly depth: number;
}

/** What the machine asks of its VM: helper calls and tail call targets. */
export interface MachineHost {
  /** Run helper `id` with the machine's r1-r5; return r0 (throw `PendingFault` to fault). */
  callHelper(id: number): bigint;
  /** The program in slot `index` of the prog array at the map address, if any. */
  tailCallTarget(mapAddr: bigint, index: number): CompiledProgram | undefined;
  /** Whether `id` is a known helper (for `callx` on a number). */
  hasHelper(id: number): boolean;
}

const TWO32 = 4294967296;
/** Negative LD_ABS / LD_IND offsets: network header and link-layer header bases (linux/filter.h). */
const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;
/** High word of function pointers: below every region window, so they cannot be dereferenced. */
export const FUNC_HI = 0xffeff000 | 0;
const FUNC_SLOT_BITS = 20;

/** The register file, frames and slow paths the interpreter loop calls into. */
export class Machine {
  readonly lo = new Int32Array(11);
  readonly hi = new Int32Array(11);
  readonly stacks: Region[] = [];
  depth = 0;
  executed = 0;
  maxInsns = 1_000_000;
  mayGoto = BPF_MAX_LOOPS;
  tailCalls = 0;
  /** Bytes LD_ABS / LD_IND read (the skb's linear data). */
  packet: Uint8Array = new Uint8Array(0);
  /** The whole frame from the link-layer header (skb programs: the Ethernet header first). */
  frame: Uint8Array = new Uint8Array(0);
  /** Offset of the network header in `frame`. */
  netOff = 0;
  trace: ((e: TraceEvent) => void) | undefined;
  /** Programs whose functions can be addressed (`funcAddress`), by index. */
  readonly programs: CompiledProgram[] = [];
  private readonly retPc = new Int32Array(MAX_CALL_FRAMES);
  private readonly retProg: (CompiledProgram | undefined)[] = new Array<CompiledProgram | undefined>(MAX_CALL_FRAMES);
  private readonly saved = new Int32Array(MAX_CALL_FRAMES * 10);
  private tracePending: { prog: CompiledProgram; pc: number; depth: number } | undefined;
  private readonly snapLo = new Int32Array(11);
  private readonly snapHi = new Int32Array(11);

  constructor(readonly space: AddressSpace, readonly host: MachineHost) {}

  /** A located fault for slot `pc` of `prog`. */
  fault(prog: CompiledProgram, pc: number, kind: VmFaultKind, reason: string, access?: PendingFault['access']): VmFault {
    const insn = pc < prog.slots ? prog.insnAt[pc] : undefined;
    return new VmFault(kind, pc, insn === undefined ? '' : safeText(insn), reason, access);
  }

  /** Turn anything thrown below the loop into a located `VmFault`. */
  locate(prog: CompiledProgram, pc: number, e: unknown): VmFault {
    if (e instanceof VmFault) return e;
    if (e instanceof PendingFault) return this.fault(prog, pc, e.kind, e.reason, e.access);
    const msg = e instanceof Error ? e.message : String(e);
    return this.fault(prog, pc, 'helper', msg);
  }

  /** Reset per-run state: frame 0, counters, r10. */
  startRun(maxInsns: number): void {
    this.lo.fill(0);
    this.hi.fill(0);
    this.depth = 0;
    this.executed = 0;
    this.maxInsns = maxInsns;
    this.mayGoto = BPF_MAX_LOOPS;
    this.tailCalls = 0;
    this.tracePending = undefined;
    this.enterFrame(0);
  }

  private enterFrame(depth: number): void {
    const st = this.stacks[depth]!;
    st.bytes.fill(0);
    this.lo[10] = (st.baseLo + STACK_SIZE) | 0;
    this.hi[10] = st.hi;
  }

  /** bpf-to-bpf call from slot `pc`: save r6-r10 and the return point, open a fresh frame. */
  pushFrame(prog: CompiledProgram, pc: number, returnPc: number): void {
    if (this.depth + 1 >= MAX_CALL_FRAMES) {
      throw this.fault(prog, pc, 'call-depth', `call depth limit of ${MAX_CALL_FRAMES} frames exceeded`);
    }
    const d = this.depth;
    const b = d * 10;
    for (let r = 6; r <= 10; r++) {
      this.saved[b + (r - 6) * 2] = this.lo[r]!;
      this.saved[b + (r - 6) * 2 + 1] = this.hi[r]!;
    }
    this.retPc[d] = returnPc;
    this.retProg[d] = prog;
    this.depth = d + 1;
    this.enterFrame(d + 1);
  }

  /** Return from the current frame: restore r6-r10; gives the caller's program (its pc in `returnPc`). */
  popFrame(): CompiledProgram {
    const d = --this.depth;
    const b = d * 10;
    for (let r = 6; r <= 10; r++) {
      this.lo[r] = this.saved[b + (r - 6) * 2]!;
      this.hi[r] = this.saved[b + (r - 6) * 2 + 1]!;
    }
    this.returnPc = this.retPc[d]!;
    const p = this.retProg[d]!;
    this.retProg[d] = undefined;
    return p;
  }

  /** Where the interpreter resumes between slices. */
  sliceProg: CompiledProgram | undefined;
  slicePc = 0;

  /** The program and slot of the helper call in progress (for callbacks' faults). */
  helperProg: CompiledProgram | undefined;
  helperPc = 0;

  /** Slot to continue at after `popFrame` or a `callx` into a function. */
  returnPc = 0;

  /** Call helper `id` from slot `pc`: r0 = its result. */
  callHelperAt(prog: CompiledProgram, pc: number, id: number): void {
    let v: bigint;
    this.helperProg = prog;
    this.helperPc = pc;
    try {
      v = this.host.callHelper(id);
    } catch (e) {
      throw this.locate(prog, pc, e);
    }
    this.lo[0] = Number(BigInt.asIntN(32, v));
    this.hi[0] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /**
   * `callx`: a helper id (the bpf_conformance convention) or a function address from
   * `lddw` with BPF_PSEUDO_FUNC. Returns the callee's program (entry in `returnPc`) or null.
   */
  callIndirect(prog: CompiledProgram, pc: number, lo: number, hi: number, returnPc: number): CompiledProgram | null {
    if (hi === 0 && this.host.hasHelper(lo)) {
      this.callHelperAt(prog, pc, lo);
      return null;
    }
    const f = this.functionAt(lo, hi);
    if (f === undefined) {
      const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      throw this.fault(prog, pc, 'bad-jump', `callx to 0x${v.toString(16)}: not a helper id or function address`);
    }
    this.pushFrame(prog, pc, returnPc);
    this.returnPc = f.slot;
    return f.prog;
  }

  /** The address of slot `slot` of `prog` as a function pointer (outside every data region). */
  funcAddress(progIndex: number, slot: number): { lo: number; hi: number } {
    return { lo: ((progIndex << FUNC_SLOT_BITS) | slot) * 8 | 0, hi: FUNC_HI };
  }

  /** The function a pointer names, if it is one. */
  functionAt(lo: number, hi: number): { prog: CompiledProgram; slot: number } | undefined {
    if (hi !== FUNC_HI || (lo & 7) !== 0) return undefined;
    const v = lo >>> 3;
    const prog = this.programs[v >>> FUNC_SLOT_BITS];
    const slot = v & ((1 << FUNC_SLOT_BITS) - 1);
    if (prog === undefined || slot >= prog.slots || prog.insnAt[slot] === undefined) return undefined;
    return { prog, slot };
  }

  /** bpf_tail_call(ctx, prog_array, index): the target program, or null to fall through. */
  tailCall(prog: CompiledProgram, pc: number): CompiledProgram | null {
    if (this.tailCalls >= MAX_TAIL_CALL_CNT) return null;
    const map = (BigInt(this.hi[2]! >>> 0) << 32n) | BigInt(this.lo[2]! >>> 0);
    let t: CompiledProgram | undefined;
    try {
      t = this.host.tailCallTarget(map, this.lo[3]! >>> 0);
    } catch (e) {
      throw this.locate(prog, pc, e);
    }
    if (t === undefined) return null;
    this.tailCalls++;
    return t;
  }

  /** Load through the slow path (faults, context hooks) into register `d`. */
  load(prog: CompiledProgram, pc: number, lo: number, hi: number, size: number, sx: boolean, d: number): void {
    const r = this.space.regionAt(lo, hi);
    let v: bigint;
    try {
      if (r !== undefined && r.ctx !== undefined) {
        const off = (lo - r.baseLo) | 0;
        const got = off < 0 || off + size > r.size ? `out-of-bounds read of ${size} bytes at ${this.space.describe(lo, hi)}` : r.ctx.load(off, size);
        if (typeof got === 'string') throw new PendingFault('memory', got, this.accessOf(lo, hi, size, false));
        v = got;
      } else {
        const { region, off } = this.space.check(lo, hi, size, false);
        v = readLe(region, off, size);
      }
    } catch (e) {
      throw this.locate(prog, pc, e);
    }
    if (sx) v = BigInt.asUintN(64, BigInt.asIntN(size * 8, v));
    this.lo[d] = Number(BigInt.asIntN(32, v));
    this.hi[d] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Store through the slow path (faults, context hooks). */
  store(prog: CompiledProgram, pc: number, lo: number, hi: number, size: number, vlo: number, vhi: number): void {
    const r = this.space.regionAt(lo, hi);
    const v = (BigInt(vhi >>> 0) << 32n) | BigInt(vlo >>> 0);
    try {
      if (r !== undefined && r.ctx !== undefined) {
        const off = (lo - r.baseLo) | 0;
        const why = off < 0 || off + size > r.size ? `out-of-bounds write of ${size} bytes at ${this.space.describe(lo, hi)}` : r.ctx.store(off, size, BigInt.asUintN(size * 8, v));
        if (why !== undefined) throw new PendingFault('memory', why, this.accessOf(lo, hi, size, true));
        return;
      }
      const { region, off } = this.space.check(lo, hi, size, true);
      writeLe(region, off, size, v);
    } catch (e) {
      throw this.locate(prog, pc, e);
    }
  }

  private accessOf(lo: number, hi: number, size: number, write: boolean): PendingFault['access'] {
    return { address: (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), size, write, where: this.space.describe(lo, hi) };
  }

  /** BPF_STX | BPF_ATOMIC on `*(size *)(dst + off)`; `spec` = size | op << 4 | fetch << 8. */
  atomic(prog: CompiledProgram, pc: number, d: number, s: number, off: number, spec: number): void {
    const size = spec & 15;
    const op = ATOMIC_OPS[(spec >> 4) & 15]!;
    const fetch = (spec & 256) !== 0;
    const base = op === 'load_acq' ? s : d;
    const a = (this.lo[base]! >>> 0) + off;
    const alo = a | 0;
    const ahi = (this.hi[base]! + (a < 0 ? -1 : a >= TWO32 ? 1 : 0)) | 0;
    if (op === 'load_acq') {
      this.load(prog, pc, alo, ahi, size, false, d);
      return;
    }
    if (op === 'store_rel') {
      this.store(prog, pc, alo, ahi, size, this.lo[s]!, size === 8 ? this.hi[s]! : 0);
      return;
    }
    let region: Region;
    let o: number;
    try {
      const r = this.space.regionAt(alo, ahi);
      if (r !== undefined && r.ctx !== undefined) throw new PendingFault('memory', `atomic access to ${r.name} is not allowed`, this.accessOf(alo, ahi, size, true));
      ({ region, off: o } = this.space.check(alo, ahi, size, true));
      if ((region.perm & PERM_READ) === 0) this.space.check(alo, ahi, size, false);
    } catch (e) {
      throw this.locate(prog, pc, e);
    }
    const bits = size * 8;
    const old = readLe(region, o, size);
    const sv = BigInt.asUintN(bits, (BigInt(this.hi[s]! >>> 0) << 32n) | BigInt(this.lo[s]! >>> 0));
    let nv: bigint;
    switch (op) {
      case 'add': nv = BigInt.asUintN(bits, old + sv); break;
      case 'or': nv = old | sv; break;
      case 'and': nv = old & sv; break;
      case 'xor': nv = old ^ sv; break;
      case 'xchg': nv = sv; break;
      case 'cmpxchg': {
        const r0 = BigInt.asUintN(bits, (BigInt(this.hi[0]! >>> 0) << 32n) | BigInt(this.lo[0]! >>> 0));
        nv = r0 === old ? sv : old;
        break;
      }
    }
    writeLe(region, o, size, nv);
    const dest = op === 'cmpxchg' ? 0 : fetch ? s : -1;
    if (dest >= 0) {
      this.lo[dest] = Number(BigInt.asIntN(32, old));
      this.hi[dest] = Number(BigInt.asIntN(32, old >> 32n));
    }
  }

  /**
   * LD_ABS / LD_IND: r0 = big-endian load from the packet; false when out of range (the
   * program then exits with r0 = 0). Negative offsets from SKF_NET_OFF / SKF_LL_OFF address
   * the network header (the packet start) / the link-layer header (`frame`), as the kernel.
   */
  loadPacket(offset: number, size: number): boolean {
    let p = this.packet;
    let off = offset | 0;
    if (off < 0) {
      if (off >= SKF_LL_OFF) {
        off = off >= SKF_NET_OFF ? off - SKF_NET_OFF + this.netOff : off - SKF_LL_OFF;
        p = this.frame;
      } else return false;
    }
    if (off + size > p.length) return false;
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + p[off++]!;
    this.lo[0] = v | 0;
    this.hi[0] = 0;
    return true;
  }

  /** Trace bookkeeping before executing slot `pc`: report the previous instruction. */
  traceStep(prog: CompiledProgram, pc: number): void {
    this.traceFlush();
    this.snapLo.set(this.lo);
    this.snapHi.set(this.hi);
    this.tracePending = { prog, pc, depth: this.depth };
  }

  /** Report the last instruction, if one is pending. */
  traceFlush(): void {
    const t = this.tracePending;
    if (t === undefined || this.trace === undefined) return;
    this.tracePending = undefined;
    const written: [number, bigint][] = [];
    for (let r = 0; r <= 10; r++) {
      if (this.lo[r] !== this.snapLo[r] || this.hi[r] !== this.snapHi[r]) {
        written.push([r, (BigInt(this.hi[r]! >>> 0) << 32n) | BigInt(this.lo[r]! >>> 0)]);
      }
    }
    const insn = t.pc < t.prog.slots ? t.prog.insnAt[t.pc] : undefined;
    this.trace({ pc: t.pc, insn, text: insn === undefined ? '' : safeText(insn), written, depth: t.depth });
  }

  /** Drop a pending trace step (the instruction faulted). */
  traceDrop(): void {
    this.tracePending = undefined;
  }
}

function safeText(insn: Insn): string {
  try {
    return insnText(insn);
  } catch {
    return '?';
  }
}

/** Little-endian read of `size` bytes at `off` of a region. */
export function readLe(r: Region, off: number, size: number): bigint {
  switch (size) {
    case 1: return BigInt(r.bytes[off]!);
    case 2: return BigInt(r.view.getUint16(off, true));
    case 4: return BigInt(r.view.getUint32(off, true));
    default: return r.view.getBigUint64(off, true);
  }
}

/** Little-endian write of the low `size` bytes of `v` at `off` of a region. */
export function writeLe(r: Region, off: number, size: number, v: bigint): void {
  switch (size) {
    case 1: r.bytes[off] = Number(v & 0xffn); break;
    case 2: r.view.setUint16(off, Number(v & 0xffffn), true); break;
    case 4: r.view.setUint32(off, Number(v & 0xffffffffn), true); break;
    default: r.view.setBigUint64(off, BigInt.asUintN(64, v), true);
  }
}
