import type { CompiledProgram } from '../compile.js';
import { OPS } from '../interpreter.js';

/** Straight-line pieces of a pre-decoded program: where each starts and how it is charged. */
export interface BlockPlan {
  /** Rows (slots plus the sentinel fault rows) of the program. */
  readonly rows: number;
  /** Block index of each row that starts a block, -1 elsewhere. */
  readonly blockOf: Int32Array;
  /** First row of each block, ascending. */
  readonly starts: readonly number[];
}

/** Whether row `r` of `prog` is a fault row (sentinel, invalid instruction, unresolved lddw). */
export function isFaultRow(prog: CompiledProgram, r: number): boolean {
  return r >= prog.slots || (prog.code[r * 4]! & 255) === OPS.OP_FAULT;
}

/**
 * Split `prog` into blocks: a block starts at slot 0, at every jump or call target, after
 * every instruction that leaves straight-line code (jumps, calls, exit, LD_ABS/LD_IND, which
 * exit when out of range), at every fault row,
 * at every function address a `lddw` takes, and at `extra` (slots entered from elsewhere).
 */
export function planBlocks(prog: CompiledProgram, extra: Iterable<number>): BlockPlan {
  const code = prog.code;
  const rows = code.length >> 2;
  const lead = new Uint8Array(rows + 1);
  lead[0] = 1;
  for (let r = 0; r < rows; r++) {
    if (isFaultRow(prog, r)) {
      lead[r] = 1;
      lead[r + 1] = 1;
      continue;
    }
    const insn = prog.insnAt[r]!;
    switch (insn.kind) {
      case 'jmp': case 'ja': case 'gotol': case 'may_goto':
        lead[code[r * 4 + 1]!] = 1;
        lead[r + 1] = 1;
        break;
      case 'call':
        if (insn.target === 'local') lead[code[r * 4 + 1]!] = 1;
        lead[r + 1] = 1;
        break;
      case 'callx': case 'exit': case 'ldabs': case 'ldind':
        lead[r + 1] = 1;
        break;
      case 'lddw':
        if (insn.src === 4) {
          const t = r + 1 + Number(BigInt.asIntN(32, insn.imm));
          if (t >= 0 && t < rows) lead[t] = 1;
        }
        break;
      default:
        break;
    }
  }
  for (const x of extra) if (x >= 0 && x < rows) lead[x] = 1;
  const blockOf = new Int32Array(rows).fill(-1);
  const starts: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (lead[r] === 1) {
      blockOf[r] = starts.length;
      starts.push(r);
    }
  }
  return { rows, blockOf, starts };
}
