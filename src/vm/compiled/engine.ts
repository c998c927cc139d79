import type { CompiledProgram } from '../compile.js';
import { VmFault } from '../fault.js';
import { execute as interpret, OPS } from '../interpreter.js';
import { MAX_CALL_FRAMES, STACK_SIZE, type Machine } from '../machine.js';
import { compileToWasm } from './codegen.js';
import * as L from './layout.js';
import { RegionMirror } from './region-mirror.js';
import { Wasm, type WasmMemory } from './wasm-api.js';

interface ProgramCode {
  run: (pc: number) => number;
  /** Slots given their own block after the code entered them from elsewhere. */
  readonly extra: Set<number>;
}

const TWO32 = 4294967296;
/** Rows above which a program is not compiled (V8 limits a br_table to 65,520 targets). */
const MAX_ROWS = 60_000;
/** Budgets above this are treated as this (2^52 instructions never run out in practice). */
const MAX_LEFT = 2 ** 52;

/**
 * The compiled tier: runs a machine's programs as WebAssembly (one module per program,
 * compiled on first use) with the interpreter's semantics. The machine's slow paths do
 * everything the inline code does not: context hooks, faults, helpers, atomics, tail
 * calls, `callx`, LD_ABS/LD_IND, and a block during which the budget runs out.
 * @example
 * const engine = new CompiledEngine(); // the VM maps engine.stackBytes(d) as its stacks
 * engine.execute(machine, mainProgram, 0);
 */
export class CompiledEngine {
  readonly memory: WasmMemory;
  private readonly i32: Int32Array;
  private readonly codes = new Map<CompiledProgram, ProgramCode>();
  private readonly tooBig = new WeakSet<CompiledProgram>();
  private mirror: RegionMirror | undefined;
  private m: Machine | undefined;
  private exec0 = 0;
  private budget0 = 0;

  constructor() {
    if (Wasm === undefined) throw new VmFault('setup', -1, '', 'the compiled engine needs WebAssembly, which this JavaScript runtime does not have');
    this.memory = new Wasm.Memory({ initial: L.MEMORY_PAGES, maximum: L.MEMORY_PAGES });
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** The bytes of the stack frame at `depth`: the VM maps them as its stack regions. */
  stackBytes(depth: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, L.OFF_STACKS + depth * STACK_SIZE, STACK_SIZE);
  }

  /**
   * Run `entry` from slot `pc` at depth 0 until it exits, as the interpreter's `execute`
   * does: r0 and the executed count end up in the machine; faults throw `VmFault`.
   */
  execute(m: Machine, entry: CompiledProgram, pc: number): void {
    if (m.trace !== undefined || m.depth !== 0) {
      interpret(m, entry, pc);
      return;
    }
    const mirror = this.bind(m);
    if (this.codeFor(entry) === undefined) {
      // too big for one WebAssembly function: the interpreter runs it
      interpret(m, entry, pc);
      return;
    }
    this.exec0 = m.executed;
    this.budget0 = Math.max(0, Math.min(m.maxInsns - m.executed, MAX_LEFT));
    this.fromMachine();
    mirror.startRun(m.space);
    let prog = entry;
    const i32 = this.i32;
    try {
      for (;;) {
        const c = this.codeFor(prog);
        if (c === undefined) throw new VmFault('setup', -1, '', `compiled engine: a program of ${prog.slots} slots is too big to compile (limit ${MAX_ROWS}); use the interpreter`);
        const st = c.run(pc);
        if (st === L.RUN_DONE) break;
        if (st === L.RUN_SWITCH) {
          const next = m.programs[i32[L.OFF_RESUME_PROG >> 2]!];
          if (next === undefined) throw new VmFault('setup', -1, '', 'internal error: compiled code returned to an unknown program');
          prog = next;
          pc = i32[L.OFF_RESUME_PC >> 2]!;
          continue;
        }
        const at = i32[L.OFF_RESUME_PC >> 2]!;
        if (c.extra.has(at)) throw new VmFault('setup', -1, '', `internal error: slot ${at} has no block`);
        c.extra.add(at);
        this.codes.delete(prog);
        pc = at;
        if (this.codeFor(prog, c.extra) === undefined) throw new VmFault('setup', -1, '', `internal error: cannot recompile with a block at slot ${at}`);
      }
    } finally {
      mirror.syncOut();
    }
    this.toMachine();
  }

  private bind(m: Machine): RegionMirror {
    if (this.m === m && this.mirror !== undefined) return this.mirror;
    const s0 = m.stacks[0];
    for (let d = 0; d < MAX_CALL_FRAMES; d++) {
      const st = m.stacks[d];
      if (st === undefined || s0 === undefined || st.id !== s0.id + d || st.bytes.buffer !== this.memory.buffer) {
        throw new VmFault('setup', -1, '', 'compiled engine: the VM must map the engine\'s stackBytes() as its stacks');
      }
    }
    this.m = m;
    this.codes.clear();
    this.mirror = new RegionMirror(this.memory, s0!.id);
    return this.mirror;
  }

  /** The compiled code of `prog`, compiled now if needed; undefined when it cannot be (too big). */
  private codeFor(prog: CompiledProgram, extra: Set<number> = new Set()): ProgramCode | undefined {
    const have = this.codes.get(prog);
    if (have !== undefined) return have;
    if (this.tooBig.has(prog) || prog.code.length / 4 > MAX_ROWS) {
      this.tooBig.add(prog);
      return undefined;
    }
    const m = this.m!;
    const index = this.indexOf(prog);
    let module: object;
    try {
      module = new Wasm.Module(compileToWasm(prog, { progIndex: index, stackRegion0: m.stacks[0]!.id, extraBlocks: extra }));
    } catch {
      // an implementation limit of the WebAssembly engine (function size, locals)
      this.tooBig.add(prog);
      return undefined;
    }
    const inst = new Wasm.Instance(module, {
      e: {
        m: this.memory,
        js: (op: number, pc: number) => this.js(prog, op, pc),
        ld: (pc: number, lo: number, hi: number) => this.load(prog, pc, lo, hi),
        st: (pc: number, lo: number, hi: number, vlo: number, vhi: number) => this.store(prog, pc, lo, hi, vlo, vhi),
      },
    });
    const c: ProgramCode = { run: inst.exports.run as (pc: number) => number, extra };
    this.codes.set(prog, c);
    return c;
  }

  /** Registers, depth, may_goto and the executed count: WebAssembly memory -> machine. */
  private toMachine(): void {
    const m = this.m!, i32 = this.i32;
    for (let r = 0; r <= 10; r++) {
      m.lo[r] = i32[2 * r]!;
      m.hi[r] = i32[2 * r + 1]!;
    }
    m.depth = i32[L.OFF_DEPTH >> 2]!;
    m.mayGoto = i32[L.OFF_MAY_GOTO >> 2]!;
    const left = (i32[L.OFF_LEFT >> 2]! >>> 0) + i32[(L.OFF_LEFT >> 2) + 1]! * TWO32;
    m.executed = this.exec0 + this.budget0 - left;
  }

  /** Machine -> WebAssembly memory (after JavaScript ran helpers or callbacks). */
  private fromMachine(): void {
    const m = this.m!, i32 = this.i32;
    for (let r = 0; r <= 10; r++) {
      i32[2 * r] = m.lo[r]!;
      i32[2 * r + 1] = m.hi[r]!;
    }
    i32[L.OFF_DEPTH >> 2] = m.depth;
    i32[L.OFF_MAY_GOTO >> 2] = m.mayGoto;
    const left = Math.max(0, this.budget0 - (m.executed - this.exec0));
    i32[L.OFF_LEFT >> 2] = left % TWO32 | 0;
    i32[(L.OFF_LEFT >> 2) + 1] = Math.floor(left / TWO32);
  }

  private indexOf(prog: CompiledProgram): number {
    const m = this.m!;
    const i = m.programs.indexOf(prog);
    return i >= 0 ? i : m.programs.push(prog) - 1;
  }

  /** Helper call (or callx of a helper id) at `pc`, with memory synced around it. */
  private callHelper(prog: CompiledProgram, pc: number, id: number): void {
    const mirror = this.mirror!;
    mirror.syncOut();
    try {
      this.m!.callHelperAt(prog, pc, id);
    } finally {
      mirror.syncIn();
    }
    this.fromMachine();
  }

  /** The glue behind the `js` import: instructions the generated code hands over. */
  private js(prog: CompiledProgram, op: number, pc: number): number {
    const m = this.m!, mirror = this.mirror!, code = prog.code, b = pc * 4;
    this.toMachine();
    switch (op) {
      case L.JS_HELPER:
        this.callHelper(prog, pc, code[b + 2]!);
        return L.JS_CONTINUE;
      case L.JS_ATOMIC: {
        const w = code[b]!;
        mirror.syncOut();
        try {
          m.atomic(prog, pc, (w >> 8) & 15, (w >> 12) & 15, code[b + 1]!, code[b + 2]!);
        } finally {
          mirror.syncIn();
        }
        this.fromMachine();
        return L.JS_CONTINUE;
      }
      case L.JS_INTERPRET: {
        // The budget runs out in this block (or it is a fault row): the interpreter runs it exactly.
        mirror.syncOut();
        try {
          interpret(m, prog, pc);
        } finally {
          mirror.syncIn();
        }
        throw new VmFault('setup', -1, '', `internal error: block at pc ${pc} did not fault`);
      }
      case L.JS_TAIL_CALL: {
        const t = m.tailCall(prog, pc);
        if (t === null) return L.JS_CONTINUE;
        this.i32[L.OFF_RESUME_PROG >> 2] = this.indexOf(t);
        this.i32[L.OFF_RESUME_PC >> 2] = 0;
        return L.JS_SWITCH;
      }
      case L.JS_CALLX: {
        const d = (code[b]! >> 8) & 15;
        const lo = m.lo[d]!, hi = m.hi[d]!;
        if (hi === 0 && m.host.hasHelper(lo)) {
          this.callHelper(prog, pc, lo);
          return L.JS_CONTINUE;
        }
        const depth = m.depth;
        const t = m.callIndirect(prog, pc, lo, hi, pc + 1);
        if (t === null) throw new VmFault('setup', -1, '', 'internal error: callx did not enter a function');
        // keep the frame where the compiled exit finds it
        const i32 = this.i32, f = (L.OFF_FRAMES + depth * L.FRAME_BYTES) >> 2;
        for (let r = 6; r <= 10; r++) {
          i32[f + (r - 6) * 2] = i32[2 * r]!;
          i32[f + (r - 6) * 2 + 1] = i32[2 * r + 1]!;
        }
        i32[f + 10] = pc + 1;
        i32[f + 11] = this.indexOf(prog);
        this.fromMachine();
        i32[L.OFF_RESUME_PROG >> 2] = this.indexOf(t);
        i32[L.OFF_RESUME_PC >> 2] = m.returnPc;
        return L.JS_SWITCH;
      }
      case L.JS_LD_PACKET: {
        const w = code[b]!;
        const off = (w & 255) === OPS.OP_LDABS ? code[b + 2]! : (m.lo[(w >> 12) & 15]! + code[b + 2]!) | 0;
        mirror.syncOut();
        if (m.loadPacket(off, code[b + 3]!)) {
          this.fromMachine();
          return L.JS_CONTINUE;
        }
        m.lo[0] = 0;
        m.hi[0] = 0;
        this.fromMachine();
        return L.JS_EXIT;
      }
      case L.JS_CALL_DEPTH:
        m.pushFrame(prog, pc, pc + 1);
        throw new VmFault('setup', -1, '', 'internal error: call depth check did not fault');
      default:
        throw new VmFault('setup', -1, '', `internal error: unknown compiled-code request ${op}`);
    }
  }

  /** Slow-path load (context hook, copy-less region, or a fault): the machine's own load. */
  private load(prog: CompiledProgram, pc: number, lo: number, hi: number): number {
    const m = this.m!, mirror = this.mirror!;
    const insn = prog.insnAt[pc];
    const size = insn !== undefined && insn.kind === 'ldx' ? insn.size : 8;
    const sx = insn !== undefined && insn.kind === 'ldx' && insn.sx && size !== 8;
    const d = (prog.code[pc * 4]! >> 8) & 15;
    const sync = mirror.aliased && m.space.regionAt(lo, hi)?.ctx === undefined;
    if (sync) mirror.syncOut();
    try {
      m.load(prog, pc, lo, hi, size, sx, d);
    } finally {
      if (sync) mirror.syncIn();
    }
    this.i32[L.OFF_LOAD_HI >> 2] = m.hi[d]!;
    return m.lo[d]!;
  }

  /** Slow-path store. */
  private store(prog: CompiledProgram, pc: number, lo: number, hi: number, vlo: number, vhi: number): void {
    const m = this.m!, mirror = this.mirror!;
    const insn = prog.insnAt[pc];
    const size = insn !== undefined && (insn.kind === 'st' || insn.kind === 'stx') ? insn.size : 8;
    const sync = mirror.aliased && m.space.regionAt(lo, hi)?.ctx === undefined;
    if (sync) mirror.syncOut();
    try {
      m.store(prog, pc, lo, hi, size, vlo, size === 8 ? vhi : 0);
    } finally {
      if (sync) mirror.syncIn();
    }
  }
}
