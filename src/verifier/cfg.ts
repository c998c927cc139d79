/**
 * Structural checks before path exploration, in the kernel's order: subprogram
 * boundaries and jump ranges (check_subprogs), then the depth-first walk of the
 * control-flow graph (check_cfg) that finds back-edges, unreachable instructions and
 * jumps into the middle of `lddw`, and marks the prune points.
 */
import type { Insn } from '../isa/index.js';
import { helperAllowed, helperProto } from '../isa/helper-protos.js';

/** Registers a helper call reads: its declared arguments (all five when unknown or not allowed here). */
function helperUses(id: number, progType: number, privileged: boolean): number {
  const p = helperProto(id);
  const n = p && helperAllowed(p, progType, privileged) && (privileged || !CAP_GATED_HELPERS.has(id)) ? p.args.length : 5;
  return ((1 << (n + 1)) - 1) & ~1;
}
import { Reject } from './types.js';
import { CAP_GATED_HELPERS } from './unpriv.js';

/** The program as the kernel indexes it: one entry per 8-byte slot (null for lddw's second half). */
export type Slots = readonly (Insn | null)[];

/** Result of the structural pass. */
export interface Cfg {
  /** Start slot of every subprogram, ascending; [0] is the main program. */
  subprogs: number[];
  /** Slots where the verifier may prune (compare with remembered states). */
  prunePoints: Uint8Array;
  /** Slots where a checkpoint is forced (may_goto). */
  forceCheckpoints: Uint8Array;
  /** Slots where the path history records a jump (branch targets, after calls). */
  jmpPoints: Uint8Array;
  /** Loop (strongly connected component) number of each slot, 0 outside loops. */
  scc: Uint32Array;
}

/** Target slot of a jump at slot `pc`, or undefined for non-jumps. */
export function jumpTarget(insn: Insn, pc: number): number | undefined {
  switch (insn.kind) {
    case 'jmp': case 'ja': case 'may_goto':
      return pc + insn.off + 1;
    case 'gotol':
      return pc + insn.imm + 1;
    default:
      return undefined;
  }
}

function isLocalCall(insn: Insn | null): insn is Insn & { kind: 'call' } {
  return insn !== null && insn.kind === 'call' && insn.target === 'local';
}

/** check_subprogs: find subprograms, check calls and jumps stay inside them. `onFound` sees the starts before the checks. */
export function checkSubprogs(slots: Slots, onFound?: (subprogs: number[]) => void): number[] {
  const n = slots.length;
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < n; pc++) {
    const insn = slots[pc] ?? null;
    let target: number | undefined;
    if (isLocalCall(insn)) target = pc + insn.imm + 1;
    else if (insn?.kind === 'lddw' && insn.src === 4) target = pc + Number(BigInt.asIntN(32, insn.imm)) + 1;
    if (target === undefined) continue;
    if (target < 0 || target >= n) throw new Reject('call to invalid destination', pc);
    starts.add(target);
  }
  const subprogs = [...starts].sort((a, b) => a - b);
  onFound?.(subprogs);
  for (let s = 0; s < subprogs.length; s++) {
    const start = subprogs[s]!;
    const end = subprogs[s + 1] ?? n;
    for (let pc = start; pc < end; pc++) {
      const insn = slots[pc];
      if (insn) {
        const t = jumpTarget(insn, pc);
        if (t !== undefined && (t < start || t >= end)) throw new Reject(`jump out of range from insn ${pc} to ${t}`, pc);
      }
      if (pc === end - 1) {
        const last = insn ?? slots[pc - 1];
        if (!last || (last.kind !== 'exit' && last.kind !== 'ja' && last.kind !== 'gotol')) {
          throw new Reject('last insn is not an exit or jmp', pc);
        }
      }
    }
  }
  return subprogs;
}

/** check_cfg: depth-first walk from every subprogram entry reached by a call. */
export function checkCfg(slots: Slots, subprogs: number[], privileged: boolean, flow: Int32Array = flowSuccessors(slots)): Cfg {
  const n = slots.length;
  const DISCOVERED = 1;
  const EXPLORED = 2;
  const state = new Uint8Array(n);
  const prunePoints = new Uint8Array(n);
  const forceCheckpoints = new Uint8Array(n);
  const jmpPoints = new Uint8Array(n);
  // Successors of each discovered slot (at most 2; -(t + 1) marks a branch edge) and the
  // depth-first stack: each slot is pushed at most once, so typed arrays of n entries do.
  const succ = new Float64Array(2 * n);
  const succN = new Uint8Array(n);
  const stackPc = new Int32Array(n);
  const stackNext = new Uint8Array(n);
  let sp = 0;
  const discover = (pc: number): void => {
    state[pc] = DISCOVERED;
    const insn = slots[pc];
    let k = 1;
    succ[2 * pc] = pc + 1;
    if (insn) {
      switch (insn.kind) {
        case 'exit':
          k = 0;
          break;
        case 'ja': case 'gotol': {
          const t = jumpTarget(insn, pc)!;
          prunePoints[t] = 1;
          jmpPoints[t] = 1;
          succ[2 * pc] = -(t + 1);
          break;
        }
        case 'jmp': case 'may_goto':
          prunePoints[pc] = 1;
          if (insn.kind === 'may_goto') forceCheckpoints[pc] = 1;
          succ[2 * pc + 1] = -(jumpTarget(insn, pc)! + 1);
          k = 2;
          break;
        case 'call':
          prunePoints[pc + 1] = 1;
          jmpPoints[pc + 1] = 1;
          if (insn.target === 'local') {
            prunePoints[pc] = 1;
            succ[2 * pc + 1] = -(pc + insn.imm + 1 + 1);
            k = 2;
          }
          break;
        case 'lddw':
          succ[2 * pc] = pc + 2;
          if (insn.src === 4) {
            succ[2 * pc + 1] = -(pc + Number(BigInt.asIntN(32, insn.imm)) + 1 + 1);
            k = 2;
          }
          break;
        default:
          break;
      }
    }
    succN[pc] = k;
    stackPc[sp] = pc;
    stackNext[sp++] = 0;
  };
  discover(0);
  while (sp > 0) {
    const pc = stackPc[sp - 1]!;
    const i = stackNext[sp - 1]!;
    if (i >= succN[pc]!) {
      state[pc] = EXPLORED;
      sp--;
      continue;
    }
    stackNext[sp - 1] = i + 1;
    const s = succ[2 * pc + i]!;
    const branch = s < 0;
    const to = branch ? -s - 1 : s;
    if (to < 0 || to >= n) throw new Reject(`jump out of range from insn ${pc} to ${to}`, pc);
    if (branch) {
      prunePoints[to] = 1;
      jmpPoints[to] = 1;
    }
    if (state[to] === 0) discover(to);
    else if (state[to] === DISCOVERED && !privileged) throw new Reject(`back-edge from insn ${pc} to ${to}`, pc);
  }
  for (let pc = 0; pc < n; pc++) {
    const insn = slots[pc];
    if (state[pc] !== EXPLORED) {
      if (insn === null && pc > 0 && slots[pc - 1]?.kind === 'lddw') continue;
      throw new Reject(`unreachable insn ${pc}`, pc);
    }
    if (insn?.kind === 'lddw') {
      if (state[pc + 1] !== 0) throw new Reject(`jump into the middle of ldimm64 insn ${pc}`, pc);
      pc++;
    }
  }
  return { subprogs, prunePoints, forceCheckpoints, jmpPoints, scc: sccNumbers(slots, flow) };
}

/**
 * Registers live before each slot (compute_live_registers), as a bit mask of r0..r9.
 * A backward data-flow over the same successors as check_cfg.
 */
export function liveRegisters(slots: Slots, progType: number, flow: Int32Array = flowSuccessors(slots), privileged = true): Uint16Array {
  const n = slots.length;
  const use = new Uint16Array(n);
  const def = new Uint16Array(n);
  const bit = (r: number): number => (r < 10 ? 1 << r : 0);
  for (let pc = 0; pc < n; pc++) {
    const insn = slots[pc];
    let u = 0;
    let d = 0;
    if (insn) {
      switch (insn.kind) {
        case 'alu':
          if (insn.op === 'mov' || insn.op === 'movsx8' || insn.op === 'movsx16' || insn.op === 'movsx32') u = insn.src === null ? 0 : bit(insn.src);
          else u = bit(insn.dst) | (insn.src === null ? 0 : bit(insn.src));
          d = bit(insn.dst);
          break;
        case 'end':
          u = d = bit(insn.dst);
          break;
        case 'jmp':
          u = bit(insn.dst) | (insn.src === null ? 0 : bit(insn.src));
          break;
        case 'call':
          u = insn.target === 'helper' ? helperUses(insn.imm, progType, privileged) : 0x3e;
          d = 0x3f;
          break;
        case 'callx': u = bit(insn.reg) | 0x3e; d = 0x3f; break;
        case 'exit': u = 1; break;
        case 'lddw': d = bit(insn.dst); break;
        case 'ldx': u = bit(insn.src); d = bit(insn.dst); break;
        case 'st': u = bit(insn.dst); break;
        case 'stx': u = bit(insn.dst) | bit(insn.src); break;
        case 'atomic':
          if (insn.op === 'load_acq') { u = bit(insn.src); d = bit(insn.dst); break; }
          u = bit(insn.dst) | bit(insn.src) | (insn.op === 'cmpxchg' ? 1 : 0);
          if (insn.op === 'cmpxchg') d = 1;
          else if (insn.fetch) d = bit(insn.src);
          break;
        case 'ldabs': case 'ldind': u = 0x3ff; d = 0x3f; break;
      }
    }
    use[pc] = u;
    def[pc] = d;
  }
  // A helper call reads only its declared arguments; the caller refines this with `callUses`.
  const live = new Uint16Array(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      if (!slots[pc]) continue;
      let out = 0;
      for (let i = 0; i < flow[3 * pc]!; i++) out |= live[flow[3 * pc + 1 + i]!]!;
      const inn = use[pc]! | (out & ~def[pc]!);
      if (inn !== live[pc]) {
        live[pc] = inn;
        changed = true;
      }
    }
  }
  return live;
}

/**
 * Strongly connected components of the control-flow graph (compute_scc): instructions in a
 * loop get the loop's number (1, 2, ... in the order Tarjan's algorithm completes them), others 0.
 */
export function sccNumbers(slots: Slots, flow: Int32Array = flowSuccessors(slots)): Uint32Array {
  const n = slots.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const out = new Uint32Array(n);
  // Tarjan's stack and the depth-first work stack (pc, next successor); each holds a pc at most once.
  const stack = new Int32Array(n);
  const workPc = new Int32Array(n);
  const workNext = new Int32Array(n);
  let sp = 0;
  let wp = 0;
  let counter = 0;
  let next = 0;
  const enter = (pc: number): void => {
    index[pc] = low[pc] = next++;
    stack[sp++] = pc;
    onStack[pc] = 1;
    workPc[wp] = pc;
    workNext[wp++] = 0;
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || !slots[root]) continue;
    enter(root);
    while (wp > 0) {
      const pc = workPc[wp - 1]!;
      const i = workNext[wp - 1]!;
      if (i < flow[3 * pc]!) {
        const w = flow[3 * pc + 1 + i]!;
        workNext[wp - 1]!++;
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[pc] = Math.min(low[pc]!, index[w]!);
        continue;
      }
      wp--;
      if (wp > 0) {
        const parent = workPc[wp - 1]!;
        low[parent] = Math.min(low[parent]!, low[pc]!);
      }
      if (low[pc] === index[pc]) {
        const top = sp;
        let m: number;
        do {
          m = stack[--sp]!;
          onStack[m] = 0;
        } while (m !== pc);
        const selfLoop = (flow[3 * pc]! > 0 && flow[3 * pc + 1] === pc) || (flow[3 * pc]! > 1 && flow[3 * pc + 2] === pc);
        if (top - sp > 1 || selfLoop) {
          counter++;
          for (let k = sp; k < top; k++) out[stack[k]!] = counter;
        }
      }
    }
  }
  return out;
}

/**
 * Control-flow successors of every slot inside the program (fall-through first; calls are not
 * edges here): `flow[3 * pc]` is their number, `flow[3 * pc + 1 + i]` the `i`-th.
 */
export function flowSuccessors(slots: Slots): Int32Array {
  const n = slots.length;
  const flow = new Int32Array(3 * n);
  for (let pc = 0; pc < n; pc++) {
    let k = 0;
    for (let i = 0; i < 2; i++) {
      const t = successor(slots, pc, i);
      if (t === undefined) break;
      if (t >= 0 && t < n) flow[3 * pc + 1 + k++] = t;
    }
    flow[3 * pc] = k;
  }
  return flow;
}

/** The `i`-th control-flow successor of slot `pc` (fall-through first), undefined past the last. */
function successor(slots: Slots, pc: number, i: number): number | undefined {
  const insn = slots[pc];
  if (!insn) return undefined;
  switch (insn.kind) {
    case 'exit': return undefined;
    case 'ja': case 'gotol': return i === 0 ? jumpTarget(insn, pc) : undefined;
    case 'jmp': case 'may_goto': return i === 0 ? pc + 1 : i === 1 ? jumpTarget(insn, pc) : undefined;
    case 'lddw': return i === 0 ? pc + 2 : undefined;
    default: return i === 0 ? pc + 1 : undefined;
  }
}
