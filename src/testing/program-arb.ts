/**
 * Random VALID eBPF programs of a chosen shape, for people testing their own tools (VMs,
 * verifiers, JITs, printers): straight-line ALU, forward branches, bounded loops, stack use
 * (every read initialised first), helper calls, map lookups with null checks and bpf-to-bpf
 * calls of subprograms.
 *
 * "Valid" means the kernel verifier accepts them: registers are written before they are read,
 * r10 is never written, immediates are legal (no division by an immediate 0, shift immediates
 * below the width), stack accesses are aligned and initialised, call-clobbered r1-r5 are not
 * read after a call, every instruction is reachable, loops count up a callee-saved register to a
 * constant bound, and r0 holds a scalar at `exit`.
 *
 * The arbitrary draws an abstract statement tree of plain numbers; `compileShape` turns any such
 * tree into a valid program, so shrinking only ever sees valid programs.
 */
import fc, { type Arbitrary } from 'fast-check';
import {
  R0, R1, R2, R3, R4, R10, add64, atomic, call, exit, jeq, jlt, ja, ldMapFd, lddw, mov64, reg, stdw, stw,
} from '../isa/builders.js';
import { BPF_FUNC_get_prandom_u32, BPF_FUNC_get_smp_processor_id, BPF_FUNC_ktime_get_ns, BPF_FUNC_map_lookup_elem, BPF_FUNC_map_update_elem } from '../isa/helpers.js';
import { insnSlots, slotIndices, type AluOp, type AtomicOp, type Insn, type JmpOp, type Reg, type Size } from '../isa/insn.js';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH } from '../isa/map-types.js';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP } from '../isa/prog-types.js';
import type { MapDef, Program } from '../isa/program.js';

/** Helpers a generated program may call. */
export type GenHelper = 'ktime_get_ns' | 'get_prandom_u32' | 'get_smp_processor_id' | 'map_lookup_elem' | 'map_update_elem';

/** What a generated program may contain. Everything but ALU is off unless asked for. */
export interface ProgramShape {
  /** Forward if/else branches (conditional jumps on initialised registers). */
  readonly branches?: boolean;
  /** Bounded loops: a counter in r6-r9 counts to a constant of at most `maxIterations` (default 8). */
  readonly loops?: boolean;
  readonly maxIterations?: number;
  /** Stack stores and loads (loads only from initialised, aligned bytes), and atomics when `atomics`. */
  readonly stack?: boolean;
  readonly atomics?: boolean;
  /** Helpers to call. Map helpers add a map `gen_map` to the program. */
  readonly helpers?: readonly GenHelper[];
  /**
   * bpf-to-bpf calls: up to this many subprograms (default 0), each taking 0-5 scalar arguments
   * and returning a scalar; a subprogram only calls later ones (no recursion), and each frame keeps
   * to 128 bytes of stack so the deepest chain stays within the kernel's 512.
   */
  readonly subprograms?: number;
  /** Read scalar context fields at entry (socket filter: len; XDP: ingress_ifindex, rx_queue_index). */
  readonly ctxReads?: boolean;
  /** cpu v4 instructions (movsx, sdiv/smod, bswap, sign-extending loads). Default true. */
  readonly cpuv4?: boolean;
  /** Statements per block (default 10) and nesting depth of branches/loops (default 2). */
  readonly maxStatements?: number;
  readonly maxDepth?: number;
  /** Program type: socket filter (default) or XDP. */
  readonly progType?: typeof BPF_PROG_TYPE_SOCKET_FILTER | typeof BPF_PROG_TYPE_XDP;
  /** The map helpers' map: array (default) or hash, value size 8..64 (default 16), 8 entries. */
  readonly mapType?: typeof BPF_MAP_TYPE_ARRAY | typeof BPF_MAP_TYPE_HASH;
  readonly mapValueSize?: number;
}

/** One abstract statement; every number is a choice the compiler reads modulo what is legal. */
export type ShapeStmt =
  | { readonly t: 'alu'; readonly op: number; readonly w64: boolean; readonly dst: number; readonly src: number; readonly useImm: boolean; readonly imm: number }
  | { readonly t: 'mov'; readonly dst: number; readonly imm: number; readonly wide: bigint | null }
  | { readonly t: 'end'; readonly dst: number; readonly kind: number }
  | { readonly t: 'store'; readonly size: number; readonly slot: number; readonly src: number; readonly useImm: boolean; readonly imm: number }
  | { readonly t: 'load'; readonly pick: number; readonly dst: number; readonly sx: boolean }
  | { readonly t: 'atomic'; readonly pick: number; readonly op: number; readonly fetch: boolean; readonly src: number }
  | { readonly t: 'if'; readonly op: number; readonly w64: boolean; readonly a: number; readonly b: number; readonly useImm: boolean; readonly imm: number; readonly then: readonly ShapeStmt[]; readonly else: readonly ShapeStmt[] }
  | { readonly t: 'loop'; readonly count: number; readonly counter: number; readonly body: readonly ShapeStmt[] }
  | { readonly t: 'call'; readonly helper: number }
  | { readonly t: 'lookup'; readonly key: number; readonly slot: number; readonly body: readonly { readonly load: boolean; readonly off: number; readonly reg: number }[] }
  | { readonly t: 'update'; readonly key: number; readonly slot: number; readonly vals: readonly number[] }
  | { readonly t: 'callLocal'; readonly fn: number; readonly args: readonly number[] };

/** A subprogram: how many arguments (r1..rN) it takes, its statements, and its return value choice. */
export interface ShapeFunc {
  readonly args: number;
  readonly body: readonly ShapeStmt[];
  readonly ret: number;
}

/** The drawn tree: entry register values, context reads, statements, the exit value choice, subprograms. */
export interface ShapeTree {
  readonly init: readonly { readonly reg: number; readonly imm: number; readonly wide: bigint | null }[];
  readonly ctx: readonly { readonly field: number; readonly dst: number }[];
  readonly body: readonly ShapeStmt[];
  readonly ret: number;
  readonly funcs?: readonly ShapeFunc[];
}

const ALU_OPS: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'neg', 'mod', 'xor', 'mov', 'arsh'];
const ALU_OPS_V4: readonly AluOp[] = [...ALU_OPS, 'sdiv', 'smod', 'movsx8', 'movsx16', 'movsx32'];
const JMP_OPS: readonly JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];
const ATOMIC_OPS: readonly AtomicOp[] = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'];
const HELPER_IDS: Record<string, number> = {
  ktime_get_ns: BPF_FUNC_ktime_get_ns,
  get_prandom_u32: BPF_FUNC_get_prandom_u32,
  get_smp_processor_id: BPF_FUNC_get_smp_processor_id,
};
const MAP_NAME = 'gen_map';
const MAP_ENTRIES = 8;

/** Interesting 32-bit immediates first, then any. */
const immArb: Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 7, 8, 31, 32, 63, 0x7fffffff, -0x80000000, 0xff, 0xffff),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }),
);
const wideArb: Arbitrary<bigint | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), weight: 1 },
);

function stmtArb(shape: ProgramShape, depth: number): Arbitrary<ShapeStmt> {
  const n = fc.nat();
  const parts: Arbitrary<ShapeStmt>[] = [
    fc.record({ t: fc.constant('alu' as const), op: n, w64: fc.boolean(), dst: n, src: n, useImm: fc.boolean(), imm: immArb }),
    fc.record({ t: fc.constant('mov' as const), dst: n, imm: immArb, wide: wideArb }),
    fc.record({ t: fc.constant('end' as const), dst: n, kind: n }),
  ];
  if (shape.stack) {
    parts.push(
      fc.record({ t: fc.constant('store' as const), size: n, slot: fc.nat({ max: 63 }), src: n, useImm: fc.boolean(), imm: immArb }),
      fc.record({ t: fc.constant('load' as const), pick: n, dst: n, sx: fc.boolean() }),
    );
    if (shape.atomics) parts.push(fc.record({ t: fc.constant('atomic' as const), pick: n, op: n, fetch: fc.boolean(), src: n }));
  }
  const helpers = shape.helpers ?? [];
  if (helpers.some((h) => h in HELPER_IDS)) parts.push(fc.record({ t: fc.constant('call' as const), helper: n }));
  if (helpers.includes('map_lookup_elem')) {
    parts.push(fc.record({
      t: fc.constant('lookup' as const), key: fc.nat({ max: MAP_ENTRIES + 1 }), slot: fc.nat({ max: 63 }),
      body: fc.array(fc.record({ load: fc.boolean(), off: n, reg: n }), { maxLength: 3 }),
    }));
  }
  if (helpers.includes('map_update_elem')) {
    parts.push(fc.record({ t: fc.constant('update' as const), key: fc.nat({ max: MAP_ENTRIES + 1 }), slot: fc.nat({ max: 31 }), vals: fc.array(n, { minLength: 8, maxLength: 8 }) }));
  }
  if ((shape.subprograms ?? 0) > 0) {
    parts.push(fc.record({ t: fc.constant('callLocal' as const), fn: n, args: fc.array(immArb, { minLength: 5, maxLength: 5 }) }));
  }
  if (depth > 0) {
    const block = blockArb(shape, depth - 1);
    if (shape.branches) {
      parts.push(fc.record({ t: fc.constant('if' as const), op: n, w64: fc.boolean(), a: n, b: n, useImm: fc.boolean(), imm: immArb, then: block, else: block }));
    }
    if (shape.loops) {
      const max = shape.maxIterations ?? 8;
      parts.push(fc.record({ t: fc.constant('loop' as const), count: fc.integer({ min: 1, max }), counter: n, body: block }));
    }
  }
  return fc.oneof(...parts);
}

function blockArb(shape: ProgramShape, depth: number): Arbitrary<ShapeStmt[]> {
  return fc.array(stmtArb(shape, depth), { maxLength: shape.maxStatements ?? 10 });
}

const KNOWN_HELPERS: readonly GenHelper[] = ['ktime_get_ns', 'get_prandom_u32', 'get_smp_processor_id', 'map_lookup_elem', 'map_update_elem'];

function checkShape(shape: ProgramShape): void {
  const bad = (what: string) => {
    throw new Error(`programArb: ${what}`);
  };
  const vs = shape.mapValueSize ?? 16;
  if (!(Number.isInteger(vs) && vs >= 8 && vs <= 64 && vs % 8 === 0)) bad(`mapValueSize must be a multiple of 8 from 8 to 64 (got ${vs})`);
  const it = shape.maxIterations ?? 8;
  if (!(Number.isInteger(it) && it >= 1 && it <= 1000)) bad(`maxIterations must be 1..1000 (got ${it})`);
  const st = shape.maxStatements ?? 10;
  if (!(Number.isInteger(st) && st >= 0)) bad(`maxStatements must be a non-negative integer (got ${st})`);
  const sp = shape.subprograms ?? 0;
  if (!(Number.isInteger(sp) && sp >= 0 && sp <= 3)) bad(`subprograms must be 0..3 (got ${sp})`);
  const d = shape.maxDepth ?? 2;
  if (!(Number.isInteger(d) && d >= 0 && d <= 4)) bad(`maxDepth must be 0..4 (got ${d})`);
  for (const h of shape.helpers ?? []) if (!KNOWN_HELPERS.includes(h)) bad(`unknown helper '${h}' (known: ${KNOWN_HELPERS.join(', ')})`);
}

/** The abstract statement trees behind `programArb` (exposed so tools can shrink or print them). */
export function shapeTreeArb(shape: ProgramShape = {}): Arbitrary<ShapeTree> {
  checkShape(shape);
  const n = fc.nat();
  return fc.record({
    init: fc.array(fc.record({ reg: n, imm: immArb, wide: wideArb }), { minLength: 1, maxLength: 5 }),
    ctx: shape.ctxReads ? fc.array(fc.record({ field: n, dst: n }), { maxLength: 3 }) : fc.constant([]),
    body: blockArb(shape, shape.maxDepth ?? 2),
    ret: n,
    funcs: fc.array(
      fc.record({ args: fc.integer({ min: 0, max: 5 }), body: blockArb(shape, Math.max(0, (shape.maxDepth ?? 2) - 1)), ret: n }),
      { minLength: shape.subprograms ?? 0, maxLength: shape.subprograms ?? 0 },
    ),
  });
}

/**
 * Random valid programs of a shape, with `progType`, license GPL and (for map helpers) `gen_map`.
 * @example fc.assert(fc.property(programArb({ branches: true, stack: true }), (p) => myVerifier(p).ok))
 */
export function programArb(shape: ProgramShape = {}): Arbitrary<Program> {
  return shapeTreeArb(shape).map((tree) => compileShape(tree, shape));
}

/** Compiler state: which registers hold scalars, which are loop counters, which stack bytes are written. */
interface State {
  init: Set<Reg>;
  reserved: Set<Reg>;
  stack: boolean[];
}

const clone = (s: State): State => ({ init: new Set(s.init), reserved: new Set(s.reserved), stack: [...s.stack] });
const meet = (a: State, b: State): State => ({
  init: new Set([...a.init].filter((r) => b.init.has(r))),
  reserved: a.reserved,
  stack: a.stack.map((v, i) => v && b.stack[i]!),
});

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;
const R = (r: Reg) => reg(r);
const ALL: readonly Reg[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The stack offsets of `size`-byte aligned slots whose bytes are all initialised. */
function initSlots(s: State, size: number, limit: number): number[] {
  const out: number[] = [];
  for (let off = -size; off >= -limit; off -= size) {
    let ok = true;
    for (let i = 0; i < size && ok; i++) ok = s.stack[512 + off + i]!;
    if (ok) out.push(off);
  }
  return out;
}
const markStack = (s: State, off: number, size: number) => {
  for (let i = 0; i < size; i++) s.stack[512 + off + i] = true;
};
const slots = (insns: readonly Insn[]) => insns.reduce((n, i) => n + insnSlots(i), 0);

/** A local call to patch once the subprograms are laid out: its placeholder instruction and the callee. */
interface CallFixup {
  readonly placeholder: Insn;
  readonly fn: number;
}

class Compiler {
  /** Bytes of stack each frame may use (all 512 without subprograms). */
  readonly stackLimit: number;
  /** The function being compiled: -1 for the main program, else a subprogram index. */
  current = -1;
  readonly fixups: CallFixup[] = [];

  constructor(private readonly shape: ProgramShape, private readonly v4: boolean, readonly funcs: readonly ShapeFunc[]) {
    this.stackLimit = funcs.length > 0 ? 128 : 512;
  }

  writable(s: State): Reg[] {
    return ALL.filter((r) => !s.reserved.has(r));
  }

  /** A scalar register to read; null when none is initialised. */
  readable(s: State, n: number): Reg | null {
    const xs = [...s.init].sort((a, b) => a - b);
    return xs.length ? pick(xs, n) : null;
  }

  block(stmts: readonly ShapeStmt[], s: State, out: Insn[]): void {
    for (const st of stmts) this.stmt(st, s, out);
  }

  movImm(dst: Reg, imm: number, wide: bigint | null, s: State, out: Insn[]): void {
    out.push(wide === null ? mov64(R(dst), imm) : lddw(R(dst), wide));
    s.init.add(dst);
  }

  stmt(st: ShapeStmt, s: State, out: Insn[]): void {
    switch (st.t) {
      case 'mov':
        return this.movImm(pick(this.writable(s), st.dst), st.imm, st.wide, s, out);
      case 'alu': {
        const op = pick(this.v4 ? ALU_OPS_V4 : ALU_OPS, st.op);
        const width = st.w64 ? 64 : 32;
        const dsts = this.writable(s).filter((r) => op === 'mov' || op.startsWith('movsx') || s.init.has(r));
        const src = this.readable(s, st.src);
        if (dsts.length === 0 || (src === null && (op.startsWith('movsx') || !st.useImm))) {
          return this.movImm(pick(this.writable(s), st.dst), st.imm, null, s, out);
        }
        const dst = pick(dsts, st.dst);
        if (op === 'neg') out.push({ kind: 'alu', width, op, dst, src: null, imm: 0 });
        else if (op.startsWith('movsx')) {
          const bits = op === 'movsx32' && width === 32 ? 'movsx16' : op;
          out.push({ kind: 'alu', width, op: bits, dst, src, imm: 0 });
        } else if (st.useImm || src === null) {
          let imm = st.imm;
          if (op === 'lsh' || op === 'rsh' || op === 'arsh') imm = ((imm % width) + width) % width;
          if ((op === 'div' || op === 'mod' || op === 'sdiv' || op === 'smod') && imm === 0) imm = 1;
          out.push({ kind: 'alu', width, op, dst, src: null, imm });
        } else out.push({ kind: 'alu', width, op, dst, src, imm: 0 });
        s.init.add(dst);
        return;
      }
      case 'end': {
        const dsts = this.writable(s).filter((r) => s.init.has(r));
        if (dsts.length === 0) return;
        const kinds = this.v4 ? 9 : 6;
        const k = st.kind % kinds;
        const order = k < 3 ? 'le' : k < 6 ? 'be' : 'swap';
        const bits = ([16, 32, 64] as const)[k % 3]!;
        out.push({ kind: 'end', order, bits, dst: pick(dsts, st.dst) });
        return;
      }
      case 'store': {
        const size = pick([1, 2, 4, 8] as const, st.size);
        const off = -size * (1 + (st.slot % (this.stackLimit / size)));
        const src = this.readable(s, st.src);
        if (st.useImm || src === null) out.push({ kind: 'st', size, dst: 10, off, imm: st.imm });
        else out.push({ kind: 'stx', size, dst: 10, src, off });
        markStack(s, off, size);
        return;
      }
      case 'load': {
        const sizes = ([1, 2, 4, 8] as const).filter((z) => initSlots(s, z, this.stackLimit).length > 0);
        if (sizes.length === 0) return;
        const size = pick(sizes, st.pick);
        const off = pick(initSlots(s, size, this.stackLimit), Math.floor(st.pick / 4));
        const dst = pick(this.writable(s), st.dst);
        out.push({ kind: 'ldx', size, sx: this.v4 && st.sx && size < 8, dst, src: 10, off });
        s.init.add(dst);
        return;
      }
      case 'atomic': {
        const size = (st.pick & 1 ? 8 : 4) as Size;
        const offs = initSlots(s, size, this.stackLimit);
        const src = this.readable(s, st.src);
        if (offs.length === 0 || src === null) return;
        const op = pick(ATOMIC_OPS, st.op);
        const fetch = op === 'xchg' || op === 'cmpxchg' || st.fetch;
        if (op === 'cmpxchg' && !s.init.has(0)) return;
        if (fetch && s.reserved.has(src)) return;
        out.push(atomic(size, op, R10, pick(offs, st.pick >> 1), R(src), fetch));
        if (op === 'cmpxchg') s.init.add(0);
        else if (fetch) s.init.add(src);
        return;
      }
      case 'call': {
        const names = (this.shape.helpers ?? []).filter((h) => h in HELPER_IDS);
        out.push(call(HELPER_IDS[pick(names, st.helper)]!));
        this.clobber(s);
        s.init.add(0);
        return;
      }
      case 'lookup': {
        const keyOff = -4 * (1 + (st.slot % (this.stackLimit / 4)));
        out.push(stw(R10, keyOff, st.key), mov64(R2, R10), add64(R2, keyOff), ldMapFd(R1, MAP_NAME), call(BPF_FUNC_map_lookup_elem));
        markStack(s, keyOff, 4);
        this.clobber(s);
        s.init.delete(0);
        const inner: Insn[] = [];
        const t = clone(s);
        const valueSize = this.shape.mapValueSize ?? 16;
        for (const a of st.body) {
          const off = 8 * (a.off % (valueSize / 8));
          if (a.load) {
            const dst = pick(this.writable(t).filter((r) => r !== 0), a.reg);
            inner.push({ kind: 'ldx', size: 8, sx: false, dst, src: 0, off });
            t.init.add(dst);
          } else {
            const src = this.readable(t, a.reg);
            inner.push(src === null ? { kind: 'st', size: 8, dst: 0, off, imm: a.reg | 0 } : stdw(R0, off, R(src)));
          }
        }
        out.push(jeq(R0, 0, slots(inner)), ...inner);
        Object.assign(s, meet(s, t));
        return;
      }
      case 'update': {
        const valueSize = this.shape.mapValueSize ?? 16;
        const valOff = -8 * (1 + (st.slot % (this.stackLimit / 8 - valueSize / 8 - 1))) - valueSize + 8;
        const keyOff = valOff - 8;
        out.push(stw(R10, keyOff + 4, st.key));
        markStack(s, keyOff + 4, 4);
        for (let i = 0; i < valueSize / 8; i++) {
          const src = this.readable(s, st.vals[i % st.vals.length]!);
          out.push(src === null ? { kind: 'st', size: 8, dst: 10, off: valOff + 8 * i, imm: st.vals[i % st.vals.length]! | 0 } : stdw(R10, valOff + 8 * i, R(src)));
          markStack(s, valOff + 8 * i, 8);
        }
        out.push(mov64(R2, R10), add64(R2, keyOff + 4), mov64(R3, R10), add64(R3, valOff), mov64(R4, 0), ldMapFd(R1, MAP_NAME), call(BPF_FUNC_map_update_elem));
        this.clobber(s);
        s.init.add(0);
        return;
      }
      case 'callLocal': {
        // main calls any subprogram; subprogram i only calls later ones, so there is no recursion
        const first = this.current + 1;
        if (first >= this.funcs.length) return;
        const fn = first + (st.fn % (this.funcs.length - first));
        const want = this.funcs[fn]!.args;
        for (let a = 1; a <= want; a++) {
          const r = a as Reg;
          if (!s.init.has(r)) this.movImm(r, st.args[a - 1] ?? 0, null, s, out);
        }
        const placeholder: Insn = { kind: 'call', target: 'local', imm: 0, off: 0 };
        this.fixups.push({ placeholder, fn });
        out.push(placeholder);
        this.clobber(s);
        s.init.add(0);
        return;
      }
      case 'if': {
        const a = this.readable(s, st.a);
        if (a === null) return this.block([...st.then, ...st.else], s, out);
        const b = this.readable(s, st.b);
        const op = pick(JMP_OPS, st.op);
        const thenS = clone(s);
        const elseS = clone(s);
        const thenI: Insn[] = [];
        const elseI: Insn[] = [];
        this.block(st.then, thenS, thenI);
        this.block(st.else, elseS, elseI);
        const E = slots(elseI);
        const T = slots(thenI) + (E > 0 ? 1 : 0);
        const width = st.w64 ? 64 : 32;
        out.push(st.useImm || b === null
          ? { kind: 'jmp', width, op, dst: a, src: null, imm: st.imm, off: T }
          : { kind: 'jmp', width, op, dst: a, src: b, imm: 0, off: T });
        out.push(...thenI);
        if (E > 0) out.push(ja(E), ...elseI);
        Object.assign(s, meet(thenS, elseS));
        return;
      }
      case 'loop': {
        const free = ([6, 7, 8, 9] as const).filter((r) => !s.reserved.has(r));
        if (free.length === 0) return this.block(st.body, s, out);
        const c = pick(free, st.counter);
        out.push(mov64(R(c), 0));
        s.init.add(c);
        s.reserved.add(c);
        // iterate to a fixed point: a body may not read what a later part of it (or a call) kills
        let entry = clone(s);
        let body: Insn[] = [];
        for (;;) {
          const after = clone(entry);
          body = [];
          this.block(st.body, after, body);
          const next = meet(entry, after);
          if (next.init.size === entry.init.size && next.stack.every((v, i) => v === entry.stack[i])) {
            Object.assign(s, after);
            break;
          }
          entry = next;
        }
        out.push(...body, add64(R(c), 1), jlt(R(c), st.count, -(slots(body) + 2)));
        s.reserved.delete(c);
        s.init.add(c);
        return;
      }
    }
  }

  clobber(s: State): void {
    for (const r of [1, 2, 3, 4, 5] as const) s.init.delete(r);
  }
}

/**
 * Compile an abstract tree into a valid program of the shape.
 * @example compileShape(fc.sample(shapeTreeArb(shape), 1)[0]!, shape)
 */
export function compileShape(tree: ShapeTree, shape: ProgramShape = {}): Program {
  checkShape(shape);
  const v4 = shape.cpuv4 ?? true;
  const progType = shape.progType ?? BPF_PROG_TYPE_SOCKET_FILTER;
  const funcs = (shape.subprograms ?? 0) > 0 ? (tree.funcs ?? []) : [];
  const c = new Compiler(shape, v4, funcs);
  const s: State = { init: new Set(), reserved: new Set(), stack: new Array<boolean>(512).fill(false) };
  const out: Insn[] = [];
  const fields = progType === BPF_PROG_TYPE_XDP ? [12, 16] : [0];
  for (const r of tree.ctx) {
    const dst = pick([0, 2, 3, 4, 5, 6, 7, 8, 9] as const, r.dst);
    out.push({ kind: 'ldx', size: 4, sx: false, dst, src: 1, off: pick(fields, r.field) });
    s.init.add(dst);
  }
  for (const i of tree.init) c.movImm(pick(ALL, i.reg), i.imm, i.wide, s, out);
  c.block(tree.body, s, out);
  if (!s.init.has(0)) {
    const src = c.readable(s, tree.ret);
    out.push(src === null ? mov64(R0, tree.ret | 0) : mov64(R0, R(src)));
  }
  out.push(exit());
  // subprograms after the main program, each ending in `exit` with a scalar in r0
  const blocks: Insn[][] = [out];
  funcs.forEach((f, i) => {
    c.current = i;
    const fs: State = { init: new Set(([1, 2, 3, 4, 5] as const).slice(0, f.args)), reserved: new Set(), stack: new Array<boolean>(512).fill(false) };
    const body: Insn[] = [];
    c.block(f.body, fs, body);
    if (!fs.init.has(0)) {
      const src = c.readable(fs, f.ret);
      body.push(src === null ? mov64(R0, f.ret | 0) : mov64(R0, R(src)));
    }
    body.push(exit());
    blocks.push(body);
  });
  // keep the subprograms some live call reaches: the kernel rejects code nothing calls
  const live = new Set<number>();
  const visit = (block: Insn[]) => {
    for (const fx of c.fixups) {
      if (!live.has(fx.fn) && block.includes(fx.placeholder)) {
        live.add(fx.fn);
        visit(blocks[fx.fn + 1]!);
      }
    }
  };
  visit(out);
  const kept = [0, ...[...live].sort((a, b) => a - b).map((fn) => fn + 1)];
  const startSlot = new Map<number, number>();
  const startInsn = new Map<number, number>();
  let slot = 0;
  let index = 0;
  for (const bi of kept) {
    startSlot.set(bi, slot);
    startInsn.set(bi, index);
    slot += slots(blocks[bi]!);
    index += blocks[bi]!.length;
  }
  const insns = kept.flatMap((bi) => blocks[bi]!);
  const slotOf = slotIndices(insns);
  for (const fx of c.fixups) {
    const i = insns.indexOf(fx.placeholder);
    if (i < 0) continue; // from a loop body compiled again on the way to its fixed point
    insns[i] = { kind: 'call', target: 'local', imm: startSlot.get(fx.fn + 1)! - (slotOf[i]! + 1), off: 0 };
  }
  const symbols = kept.slice(1).map((bi) => ({ name: `sub${bi - 1}`, insn: startInsn.get(bi)! }));
  const helpers = shape.helpers ?? [];
  const maps: MapDef[] = helpers.includes('map_lookup_elem') || helpers.includes('map_update_elem')
    ? [{ name: MAP_NAME, type: shape.mapType ?? BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: shape.mapValueSize ?? 16, maxEntries: MAP_ENTRIES, flags: 0 }]
    : [];
  return { insns, progType, license: 'GPL', name: 'gen', maps, symbols };
}

