import type { AluInsn, Insn, JmpInsn } from '../../isa/insn.js';
import { BASE_LO, HI_BASE } from '../address-space.js';
import type { CompiledProgram } from '../compile.js';
import { OPS } from '../interpreter.js';
import { STACK_SIZE } from '../machine.js';
import { isFaultRow, planBlocks } from './blocks.js';
import * as L from './layout.js';
import { T, W, WasmWriter } from './wasm-writer.js';

/** What the generated module needs to know besides the program. */
export interface CodegenOptions {
  /** Index of the program in the machine's program list (return addresses name it). */
  readonly progIndex: number;
  /** Region index of the depth-0 stack; the stack of depth d is region `stackRegion0 + d`. */
  readonly stackRegion0: number;
  /** Slots entered from elsewhere (callx targets, returns from other programs). */
  readonly extraBlocks: Iterable<number>;
}

// Locals of `run`: the entry slot (param), r0-r10, then scratch.
const R = 1;
const LEFT = 12, A = 13, TMP = 14;
const PC = 15, DEPTH = 16, MAY_GOTO = 17, E = 18, O = 19;
/** First local of the per-site region caches (3 each: key min, limit, linear base). */
const CACHE0 = 20;
/** Region keys are `address - (HI_BASE:BASE_LO)`: region index high, offset low. */
const KEY_BASE_HI = HI_BASE, KEY_BASE_LO = BASE_LO;
// Imported functions.
const F_JS = 0, F_LOAD = 1, F_STORE = 2;
const BLOCK = T.void;

const ALU64: Partial<Record<AluInsn['op'], number>> = {
  add: W.i64Add, sub: W.i64Sub, mul: W.i64Mul, or: W.i64Or, and: W.i64And, xor: W.i64Xor, lsh: W.i64Shl, rsh: W.i64ShrU, arsh: W.i64ShrS,
};
const ALU32: Partial<Record<AluInsn['op'], number>> = {
  add: W.i32Add, sub: W.i32Sub, mul: W.i32Mul, or: W.i32Or, and: W.i32And, xor: W.i32Xor, lsh: W.i32Shl, rsh: W.i32ShrU, arsh: W.i32ShrS,
};
const CMP64: Record<Exclude<JmpInsn['op'], 'jset'>, number> = {
  jeq: W.i64Eq, jne: W.i64Ne, jgt: W.i64GtU, jge: W.i64GeU, jlt: W.i64LtU, jle: W.i64LeU, jsgt: W.i64GtS, jsge: W.i64GeS, jslt: W.i64LtS, jsle: W.i64LeS,
};
const CMP32: Record<Exclude<JmpInsn['op'], 'jset'>, number> = {
  jeq: W.i32Eq, jne: W.i32Ne, jgt: W.i32GtU, jge: W.i32GeU, jlt: W.i32LtU, jle: W.i32LeU, jsgt: W.i32GtS, jsge: W.i32GeS, jslt: W.i32LtS, jsle: W.i32LeS,
};
const LOAD_OP = [0, W.i64Load8U, W.i64Load16U, 0, W.i64Load32U, 0, 0, 0, W.i64Load] as const;
const LOAD_SX_OP = [0, W.i64Load8S, W.i64Load16S, 0, W.i64Load32S, 0, 0, 0, W.i64Load] as const;
const STORE_OP = [0, W.i64Store8, W.i64Store16, 0, W.i64Store32, 0, 0, 0, W.i64Store] as const;

/**
 * Compile a pre-decoded program to a WebAssembly module exporting `run(slot) -> status`.
 * Registers live in locals; control flow is a dispatch loop over blocks where forward
 * jumps are direct branches; memory accesses check the region table inline and call the
 * glue for everything else. Imports: `e.m` (memory), `e.js`, `e.ld`, `e.st`.
 */
export function compileToWasm(prog: CompiledProgram, opts: CodegenOptions): Uint8Array {
  const plan = planBlocks(prog, opts.extraBlocks);
  const code = prog.code;
  const k = plan.starts.length;
  const w = new WasmWriter((code.length >> 2) * 40 + 1024);
  // Depth bookkeeping: `cur` = current block, `nest` = if/block levels opened inside it.
  let cur = 0;
  let nest = 0;
  /** Start row of the block being emitted when it loops on itself, else -1. */
  let selfLoop = -1;
  /** Cache-limit locals of all sites in the current self loop; count of cached sites so far. */
  let loopSites: number[] = [];
  let sites = 0;
  let pc0 = 0;
  /** Close the self loop (before the block's fall-through exit). */
  const endSelfLoop = (): void => {
    if (selfLoop < 0) return;
    w.op(W.end);
    nest--;
    selfLoop = -1;
  };
  const depthOfBlock = (j: number): number => j - cur - 1 + nest;
  const depthExit = (): number => k - 1 - cur + nest;
  const depthInterp = (): number => k - cur + nest;
  const depthDispatch = (): number => k - cur + 2 + nest;

  const spill = (): void => {
    for (let r = 0; r <= 10; r++) w.i32(0).get(R + r).mem(W.i64Store, L.OFF_REGS + 8 * r);
    w.i32(0).get(LEFT).mem(W.i64Store, L.OFF_LEFT);
    w.i32(0).get(DEPTH).mem(W.i32Store, L.OFF_DEPTH);
    w.i32(0).get(MAY_GOTO).mem(W.i32Store, L.OFF_MAY_GOTO);
  };
  const reload = (): void => {
    for (let r = 0; r <= 10; r++) w.i32(0).mem(W.i64Load, L.OFF_REGS + 8 * r).set(R + r);
    w.i32(0).mem(W.i64Load, L.OFF_LEFT).set(LEFT);
    w.i32(0).mem(W.i32Load, L.OFF_DEPTH).set(DEPTH);
    w.i32(0).mem(W.i32Load, L.OFF_MAY_GOTO).set(MAY_GOTO);
  };
  /** Spill, call the glue for `op` at `pc`, leave its status on the stack. */
  const callJs = (op: number, pc: number): void => {
    spill();
    w.i32(op).i32(pc).op(W.call).u32(F_JS);
  };
  const goto = (row: number): void => {
    if (row === selfLoop) {
      w.op(W.br).u32(nest - 1);
      return;
    }
    const j = plan.blockOf[row]!;
    if (j > cur) {
      if (j !== cur + 1) w.op(W.br).u32(depthOfBlock(j));
      return;
    }
    w.i32(row).set(PC).op(W.br).u32(depthDispatch());
  };
  /** Branch to `row` when the i32 on the stack is non-zero. */
  const gotoIf = (row: number): void => {
    if (row === selfLoop) {
      w.op(W.brIf).u32(nest - 1);
      return;
    }
    const j = plan.blockOf[row]!;
    if (j > cur) {
      w.op(W.brIf).u32(depthOfBlock(j));
      return;
    }
    w.op2(W.if, BLOCK);
    nest++;
    w.i32(row).set(PC).op(W.br).u32(depthDispatch());
    nest--;
    w.op(W.end);
  };
  const imm64 = (imm: number): void => {
    w.i64(imm | 0, imm >> 31);
  };

  // --- the function body ---
  reload();
  w.get(0).set(PC);
  w.op2(W.loop, BLOCK).op2(W.block, BLOCK).op2(W.block, BLOCK).op2(W.block, BLOCK);
  for (let i = 0; i < k; i++) w.op2(W.block, BLOCK);
  // dispatch: row -> block, anything else -> "needs a block"
  w.get(PC).op(W.brTable).u32(plan.rows);
  for (let r = 0; r < plan.rows; r++) {
    const j = plan.blockOf[r]!;
    w.u32(j >= 0 ? j : k + 2);
  }
  w.u32(k + 2);
  for (let i = 0; i < k; i++) {
    w.op(W.end);
    cur = i;
    nest = 0;
    selfLoop = -1;
    emitBlock(plan.starts[i]!);
  }
  // $EXIT: return from the frame
  w.op(W.end);
  cur = k; nest = 0;
  w.get(DEPTH).op(W.i32Eqz).op2(W.if, BLOCK);
  spill();
  w.i32(L.RUN_DONE).op(W.return).op(W.end);
  w.get(DEPTH).i32(1).op(W.i32Sub).tee(DEPTH).i32(L.FRAME_BYTES).op(W.i32Mul).set(E);
  for (let r = 6; r <= 10; r++) w.get(E).mem(W.i64Load, L.OFF_FRAMES + 8 * (r - 6)).set(R + r);
  w.get(E).mem(W.i32Load, L.OFF_FRAMES + 40).set(PC);
  w.get(E).mem(W.i32Load, L.OFF_FRAMES + 44).i32(opts.progIndex).op(W.i32Ne).op2(W.if, BLOCK);
  spill();
  w.i32(0).get(E).mem(W.i32Load, L.OFF_FRAMES + 44).mem(W.i32Store, L.OFF_RESUME_PROG);
  w.i32(0).get(PC).mem(W.i32Store, L.OFF_RESUME_PC);
  w.i32(L.RUN_SWITCH).op(W.return).op(W.end);
  w.op(W.br).u32(2);
  // $INTERP: the interpreter runs the block at $PC with exact accounting (it faults)
  w.op(W.end);
  spill();
  w.i32(L.JS_INTERPRET).get(PC).op(W.call).u32(F_JS).op(W.drop).op(W.unreachable);
  // $NEED: a slot that does not start a block was entered
  w.op(W.end);
  spill();
  w.i32(0).get(PC).mem(W.i32Store, L.OFF_RESUME_PC);
  w.i32(L.RUN_NEED_BLOCK).op(W.return);
  w.op(W.end); // loop
  w.op(W.unreachable);
  w.op(W.end); // function

  function emitBlock(start: number): void {
    if (isFaultRow(prog, start)) {
      w.i32(start).set(PC).op(W.br).u32(depthInterp());
      return;
    }
    // count the block's instructions
    let n = 0;
    let end = start;
    let lastRow = start;
    for (let r = start; ;) {
      n++;
      lastRow = r;
      const insn = prog.insnAt[r]!;
      end = insn.kind === 'lddw' ? r + 2 : r + 1;
      if (endsBlock(insn) || end >= plan.rows || plan.blockOf[end]! >= 0 || isFaultRow(prog, end)) break;
      r = end;
    }
    // a block that jumps back to its own start is a WebAssembly loop (no dispatch)
    const last = prog.insnAt[lastRow]!;
    selfLoop = (last.kind === 'jmp' || last.kind === 'ja' || last.kind === 'gotol') && code[lastRow * 4 + 1] === start ? start : -1;
    loopSites = [];
    if (selfLoop >= 0) {
      // entered from outside: the caches may be stale
      for (let r = start, j = 0; r <= lastRow; r = prog.insnAt[r]!.kind === 'lddw' ? r + 2 : r + 1) {
        const kind = prog.insnAt[r]!.kind;
        if (kind === 'ldx' || kind === 'st' || kind === 'stx') loopSites.push(CACHE0 + 3 * (sites + j++) + 1);
      }
      resetCaches();
      w.op2(W.loop, BLOCK);
      nest++;
    }
    // charge the budget; when it would run out inside the block, the interpreter runs it
    w.get(LEFT).i64(n, 0).op(W.i64Sub).tee(LEFT).i64(0, 0).op(W.i64LtS).op2(W.if, BLOCK);
    nest++;
    w.get(LEFT).i64(n, 0).op(W.i64Add).set(LEFT);
    w.i32(start).set(PC).op(W.br).u32(depthInterp());
    nest--;
    w.op(W.end);
    for (let r = start; ;) {
      const insn = prog.insnAt[r]!;
      const next = insn.kind === 'lddw' ? r + 2 : r + 1;
      if (emitInsn(insn, r)) return;
      if (next === end) {
        goto(next);
        return;
      }
      r = next;
    }
  }

  /** Emit one instruction; true when it ended the block (control left). */
  function emitInsn(insn: Insn, pc: number): boolean {
    const b = pc * 4;
    switch (insn.kind) {
      case 'alu':
        emitAlu(insn);
        return false;
      case 'end':
        emitEnd(insn.order, insn.bits, R + insn.dst);
        return false;
      case 'lddw':
        w.i64(code[b + 2]!, code[b + 3]!).set(R + insn.dst);
        return false;
      case 'jmp': {
        const d = R + insn.dst;
        if (insn.width === 64) {
          w.get(d);
          if (insn.src === null) imm64(insn.imm); else w.get(R + insn.src);
          if (insn.op === 'jset') w.op(W.i64And).op(W.i64Eqz).op(W.i32Eqz); else w.op(CMP64[insn.op]);
        } else {
          w.get(d).op(W.i32WrapI64);
          if (insn.src === null) w.i32(insn.imm); else w.get(R + insn.src).op(W.i32WrapI64);
          if (insn.op === 'jset') w.op(W.i32And).op(W.i32Eqz).op(W.i32Eqz); else w.op(CMP32[insn.op]);
        }
        gotoIf(code[b + 1]!);
        endSelfLoop();
        goto(pc + 1);
        return true;
      }
      case 'ja': case 'gotol':
        goto(code[b + 1]!);
        endSelfLoop();
        return true;
      case 'may_goto':
        w.get(MAY_GOTO).op(W.i32Eqz);
        gotoIf(code[b + 1]!);
        w.get(MAY_GOTO).i32(1).op(W.i32Sub).set(MAY_GOTO);
        goto(pc + 1);
        return true;
      case 'call':
        if (insn.target === 'local') {
          emitLocalCall(pc, code[b + 1]!);
        } else if ((code[b]! & 255) === OPS.OP_TAIL_CALL) {
          callJs(L.JS_TAIL_CALL, pc);
          emitSwitchOrReload();
          goto(pc + 1);
        } else {
          callJs(L.JS_HELPER, pc);
          w.op(W.drop);
          reload();
          goto(pc + 1);
        }
        return true;
      case 'callx':
        callJs(L.JS_CALLX, pc);
        emitSwitchOrReload();
        goto(pc + 1);
        return true;
      case 'exit':
        w.op(W.br).u32(depthExit());
        return true;
      case 'ldx':
        emitLoad(pc, insn.size, insn.sx && insn.size !== 8, R + insn.dst, R + insn.src, insn.off);
        return false;
      case 'st':
        emitStore(pc, insn.size, R + insn.dst, insn.off, () => imm64(insn.imm), () => { w.i32(insn.imm).i32(insn.imm >> 31); });
        return false;
      case 'stx': {
        const s = R + insn.src;
        emitStore(pc, insn.size, R + insn.dst, insn.off, () => w.get(s), () => {
          w.get(s).op(W.i32WrapI64).get(s).i64(32, 0).op(W.i64ShrU).op(W.i32WrapI64);
        });
        return false;
      }
      case 'atomic':
        callJs(L.JS_ATOMIC, pc);
        w.op(W.drop);
        reload();
        resetCaches();
        return false;
      case 'ldabs': case 'ldind':
        callJs(L.JS_LD_PACKET, pc);
        w.set(O);
        reload();
        resetCaches();
        w.get(O).i32(L.JS_EXIT).op(W.i32Eq).op(W.brIf).u32(depthExit());
        goto(pc + 1);
        return true;
    }
  }

  function emitSwitchOrReload(): void {
    w.set(O).get(O).i32(L.JS_SWITCH).op(W.i32Eq).op2(W.if, BLOCK).i32(L.RUN_SWITCH).op(W.return).op(W.end);
    reload();
  }

  function emitLocalCall(pc: number, target: number): void {
    // depth limit: the glue raises the interpreter's fault
    w.get(DEPTH).i32(7).op(W.i32GeU).op2(W.if, BLOCK);
    callJs(L.JS_CALL_DEPTH, pc);
    w.op(W.drop).op(W.unreachable).op(W.end);
    w.get(DEPTH).i32(L.FRAME_BYTES).op(W.i32Mul).set(E);
    for (let r = 6; r <= 10; r++) w.get(E).get(R + r).mem(W.i64Store, L.OFF_FRAMES + 8 * (r - 6));
    w.get(E).i32(pc + 1).mem(W.i32Store, L.OFF_FRAMES + 40);
    w.get(E).i32(opts.progIndex).mem(W.i32Store, L.OFF_FRAMES + 44);
    w.get(DEPTH).i32(1).op(W.i32Add).tee(DEPTH);
    // r10 = top of the new frame's stack region; the frame starts zeroed
    w.op(W.i64ExtendI32U).i64((HI_BASE + opts.stackRegion0) | 0, 0).op(W.i64Add).i64(32, 0).op(W.i64Shl)
      .i64(BASE_LO + STACK_SIZE, 0).op(W.i64Or).set(R + 10);
    w.get(DEPTH).i32(STACK_SIZE).op(W.i32Mul).i32(L.OFF_STACKS).op(W.i32Add).i32(0).i32(STACK_SIZE).op2(W.prefixFC, 11).op(0);
    goto(target);
  }

  function emitAlu(insn: AluInsn): void {
    const d = R + insn.dst;
    const src = insn.src === null ? -1 : R + insn.src;
    const op = insn.op;
    if (insn.width === 64) {
      const operand = (): void => {
        if (src < 0) imm64(insn.imm); else w.get(src);
      };
      const simple = ALU64[op];
      if (simple !== undefined) {
        w.get(d);
        if (src < 0 && (op === 'lsh' || op === 'rsh' || op === 'arsh')) w.i64(insn.imm & 63, 0); else operand();
        w.op(simple).set(d);
        return;
      }
      switch (op) {
        case 'mov': operand(); w.set(d); return;
        case 'neg': w.i64(0, 0).get(d).op(W.i64Sub).set(d); return;
        case 'movsx8': w.get(src).op(W.i64Extend8S).set(d); return;
        case 'movsx16': w.get(src).op(W.i64Extend16S).set(d); return;
        case 'movsx32': w.get(src).op(W.i64Extend32S).set(d); return;
        default: break;
      }
      // div / mod: operand in TMP
      operand();
      w.set(TMP);
      w.get(TMP).op(W.i64Eqz).op2(W.if, T.i64);
      if (op === 'div' || op === 'sdiv') w.i64(0, 0); else w.get(d);
      w.op(W.else);
      if (op === 'sdiv') {
        w.get(TMP).i64(-1, -1).op(W.i64Eq).op2(W.if, T.i64).i64(0, 0).get(d).op(W.i64Sub).op(W.else).get(d).get(TMP).op(W.i64DivS).op(W.end);
      } else {
        w.get(d).get(TMP).op(op === 'div' ? W.i64DivU : op === 'mod' ? W.i64RemU : W.i64RemS);
      }
      w.op(W.end).set(d);
      return;
    }
    // ALU32: compute on the low halves, zero-extend the result
    const operand32 = (): void => {
      if (src < 0) w.i32(insn.imm); else w.get(src).op(W.i32WrapI64);
    };
    const simple = ALU32[op];
    if (simple !== undefined) {
      w.get(d).op(W.i32WrapI64);
      operand32();
      w.op(simple).op(W.i64ExtendI32U).set(d);
      return;
    }
    switch (op) {
      case 'mov': operand32(); w.op(W.i64ExtendI32U).set(d); return;
      case 'neg': w.i32(0).get(d).op(W.i32WrapI64).op(W.i32Sub).op(W.i64ExtendI32U).set(d); return;
      case 'movsx8': w.get(src).op(W.i32WrapI64).op(W.i32Extend8S).op(W.i64ExtendI32U).set(d); return;
      case 'movsx16': w.get(src).op(W.i32WrapI64).op(W.i32Extend16S).op(W.i64ExtendI32U).set(d); return;
      case 'movsx32': w.get(src).op(W.i64Extend32S).set(d); return; // as the interpreter: always 64-bit
      default: break;
    }
    operand32();
    w.set(O);
    w.get(O).op(W.i32Eqz).op2(W.if, T.i32);
    if (op === 'div' || op === 'sdiv') w.i32(0); else w.get(d).op(W.i32WrapI64);
    w.op(W.else);
    if (op === 'sdiv' || op === 'smod') {
      w.get(O).i32(-1).op(W.i32Eq).op2(W.if, T.i32);
      if (op === 'sdiv') w.i32(0).get(d).op(W.i32WrapI64).op(W.i32Sub); else w.i32(0);
      w.op(W.else).get(d).op(W.i32WrapI64).get(O).op(op === 'sdiv' ? W.i32DivS : W.i32RemS).op(W.end);
    } else {
      w.get(d).op(W.i32WrapI64).get(O).op(op === 'div' ? W.i32DivU : W.i32RemU);
    }
    w.op(W.end).op(W.i64ExtendI32U).set(d);
  }

  function bswap32(): void {
    // (rotl(x, 8) & 0x00ff00ff) | (rotr(x, 8) & 0xff00ff00), x in O
    w.get(O).i32(8).op(W.i32Rotl).i32(0x00ff00ff).op(W.i32And).get(O).i32(8).op(W.i32Rotr).i32(0xff00ff00 | 0).op(W.i32And).op(W.i32Or);
  }

  function emitEnd(order: 'le' | 'be' | 'swap', bits: 16 | 32 | 64, d: number): void {
    if (order === 'le') {
      if (bits === 16) w.get(d).i64(0xffff, 0).op(W.i64And).set(d);
      else if (bits === 32) w.get(d).i64(-1, 0).op(W.i64And).set(d);
      return;
    }
    if (bits === 16) {
      w.get(d).op(W.i32WrapI64).set(O);
      w.get(O).i32(0xff).op(W.i32And).i32(8).op(W.i32Shl).get(O).i32(8).op(W.i32ShrU).i32(0xff).op(W.i32And).op(W.i32Or).op(W.i64ExtendI32U).set(d);
    } else if (bits === 32) {
      w.get(d).op(W.i32WrapI64).set(O);
      bswap32();
      w.op(W.i64ExtendI32U).set(d);
    } else {
      w.get(d).op(W.i32WrapI64).set(O);
      bswap32();
      w.op(W.i64ExtendI32U).i64(32, 0).op(W.i64Shl).set(TMP);
      w.get(d).i64(32, 0).op(W.i64ShrU).op(W.i32WrapI64).set(O);
      bswap32();
      w.op(W.i64ExtendI32U).get(TMP).op(W.i64Or).set(d);
    }
  }

  /**
   * One checked access of `size` bytes at `base + off`. A = the key `address - KEY_BASE`
   * (region index in the high word, offset in the low word). Sites in a self loop keep the
   * last region they hit in locals (`cacheMin`, `cacheLim`, `cacheBias`): one compare on
   * the common case. Otherwise, or on a miss, the region table decides; the glue does the
   * rest (hooks, faults). `fast` consumes the linear address; `slow` the real address halves.
   */
  function emitAccess(size: number, base: number, off: number, limitOffset: number, fast: () => void, slow: () => void): void {
    const site = selfLoop >= 0 ? sites : -1;
    const cMin = CACHE0 + 3 * sites, cLim = cMin + 1, cBias = cMin + 2;
    if (site >= 0) sites++;
    w.op2(W.block, BLOCK);
    nest++;
    // -KEY_BASE + off without carries (BASE_LO is far from 0 and 2^32)
    w.get(base).i64((off - KEY_BASE_LO) | 0, ~KEY_BASE_HI).op(W.i64Add).set(A);
    if (site >= 0) {
      w.get(A).get(cMin).op(W.i64Sub).get(cLim).op(W.i64LtU).op2(W.if, BLOCK);
      w.get(A).op(W.i32WrapI64).get(cBias).op(W.i32Add);
      fast();
      w.op(W.br).u32(1).op(W.end);
    }
    w.get(A).i64(32, 0).op(W.i64ShrU).op(W.i32WrapI64).tee(E).i32(L.TABLE_CAP).op(W.i32LtU).op2(W.if, BLOCK);
    w.get(E).i32(4).op(W.i32Shl).set(E);
    // (offset - window start) as u32: below the window it is above any size
    w.get(A).op(W.i32WrapI64).get(E).mem(W.i32Load, L.OFF_TABLE + 12).op(W.i32Sub).op(W.i64ExtendI32U).i64(size, 0).op(W.i64Add);
    w.get(E).mem(W.i64Load32U, L.OFF_TABLE + limitOffset).op(W.i64LeU).op2(W.if, BLOCK);
    if (site >= 0) {
      w.get(A).i64(0, -1).op(W.i64And).get(E).mem(W.i64Load32U, L.OFF_TABLE + 12).op(W.i64Or).set(cMin);
      w.get(E).mem(W.i64Load32U, L.OFF_TABLE + limitOffset).i64(1 - size, (1 - size) >> 31).op(W.i64Add).set(cLim);
      w.get(E).mem(W.i32Load, L.OFF_TABLE).set(cBias);
    }
    w.get(A).op(W.i32WrapI64).get(E).mem(W.i32Load, L.OFF_TABLE).op(W.i32Add);
    fast();
    w.op(W.br).u32(2);
    w.op(W.end).op(W.end);
    // slow path: the glue does the interpreter's access; it may remap regions
    w.i32(pc0).get(A).i64(KEY_BASE_LO, KEY_BASE_HI).op(W.i64Add).tee(TMP).op(W.i32WrapI64).get(TMP).i64(32, 0).op(W.i64ShrU).op(W.i32WrapI64);
    slow();
    resetCaches();
    nest--;
    w.op(W.end);
  }

  /** Forget the regions the current block's sites remember (the table may have changed). */
  function resetCaches(): void {
    for (const lim of loopSites) w.i64(0, 0).set(lim);
  }

  function emitLoad(pc: number, size: number, sx: boolean, d: number, base: number, off: number): void {
    pc0 = pc;
    emitAccess(size, base, off, 4, () => {
      w.mem((sx ? LOAD_SX_OP : LOAD_OP)[size]!, 0).set(d);
    }, () => {
      w.op(W.call).u32(F_LOAD);
      w.op(W.i64ExtendI32U).i32(0).mem(W.i64Load32U, L.OFF_LOAD_HI).i64(32, 0).op(W.i64Shl).op(W.i64Or).set(d);
    });
  }

  function emitStore(pc: number, size: number, base: number, off: number, value: () => void, valueHalves: () => void): void {
    pc0 = pc;
    emitAccess(size, base, off, 8, () => {
      value();
      w.mem(STORE_OP[size]!, 0);
    }, () => {
      valueHalves();
      w.op(W.call).u32(F_STORE);
    });
  }

  return assembleModule(w.finish(), sites);
}

/** Whether an instruction ends straight-line code. */
function endsBlock(insn: Insn): boolean {
  switch (insn.kind) {
    case 'jmp': case 'ja': case 'gotol': case 'may_goto': case 'call': case 'callx': case 'exit': case 'ldabs': case 'ldind':
      return true;
    default:
      return false;
  }
}

function section(out: WasmWriter, id: number, body: WasmWriter): void {
  const b = body.finish();
  out.op(id).u32(b.length).raw(b);
}

/** Wrap the body of `run` into a module with its types, imports and export. */
function assembleModule(body: Uint8Array, sites: number): Uint8Array {
  const locals = new WasmWriter();
  locals.u32(2 + 2 * sites).u32(14).op(T.i64).u32(5).op(T.i32);
  for (let i = 0; i < sites; i++) locals.u32(2).op(T.i64).u32(1).op(T.i32);
  const fnSize = locals.length + body.length;
  const m = new WasmWriter(fnSize + 256);
  m.raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const types = new WasmWriter().u32(4);
  types.op(T.func).u32(2).op(T.i32).op(T.i32).u32(1).op(T.i32);
  types.op(T.func).u32(3).op(T.i32).op(T.i32).op(T.i32).u32(1).op(T.i32);
  types.op(T.func).u32(5).op(T.i32).op(T.i32).op(T.i32).op(T.i32).op(T.i32).u32(0);
  types.op(T.func).u32(1).op(T.i32).u32(1).op(T.i32);
  section(m, 1, types);
  section(m, 2, IMPORTS);
  section(m, 3, new WasmWriter().u32(1).u32(3));
  section(m, 7, new WasmWriter().u32(1).name('run').op(0).u32(3));
  // code section: one body = size, locals, instructions
  const head = new WasmWriter().u32(1).u32(fnSize);
  m.op(10).u32(head.length + fnSize).raw(head.finish()).raw(locals.finish()).raw(body);
  return m.finish();
}

const IMPORTS = new WasmWriter().u32(4);
IMPORTS.name('e').name('m').op(2).op(1).u32(L.MEMORY_PAGES).u32(L.MEMORY_PAGES);
IMPORTS.name('e').name('js').op(0).u32(0);
IMPORTS.name('e').name('ld').op(0).u32(1);
IMPORTS.name('e').name('st').op(0).u32(2);
