/**
 * Layout of the compiled tier's WebAssembly memory (byte offsets), shared by the code
 * generator and the JavaScript glue:
 *
 *   0      registers r0-r10 (i64 each), spilled around calls into JavaScript
 *   88     instruction budget left (i64)
 *   96     call depth (i32)          100  may_goto counter (i32)
 *   104    program index to resume   108  slot to resume (or the slot that needs a block)
 *   112    high word of a slow-path load
 *   128    call frames: per depth r6-r10 (5 x i64), return slot (i32), return program (i32)
 *   1024   region table: per region index (hi word - HI_BASE) [linear base - window start,
 *          readable size, writable size, window start (baseLo - BASE_LO)]
 *   66560  the 8 stack frames, 512 bytes each (the stack regions' bytes live here)
 *   73728  pool for mirrored regions (context-free memory: raw memory, packets, map values)
 */
export const OFF_REGS = 0;
export const OFF_LEFT = 88;
export const OFF_DEPTH = 96;
export const OFF_MAY_GOTO = 100;
export const OFF_RESUME_PROG = 104;
export const OFF_RESUME_PC = 108;
export const OFF_LOAD_HI = 112;
export const OFF_FRAMES = 128;
/** Bytes per saved frame. */
export const FRAME_BYTES = 48;
export const OFF_TABLE = 1024;
/** Region table entries (regions with a higher index always take the slow path). */
export const TABLE_CAP = 4096;
export const TABLE_ENTRY = 16;
export const OFF_STACKS = OFF_TABLE + TABLE_CAP * TABLE_ENTRY;
export const OFF_POOL = 73728;
/** WebAssembly pages (64 KiB) of one engine's memory; it never grows, so views stay valid. */
export const MEMORY_PAGES = 64;
export const MEMORY_BYTES = MEMORY_PAGES * 65536;

/** Operations the generated code asks the glue for (first argument of the `js` import). */
export const JS_HELPER = 1;
export const JS_ATOMIC = 2;
export const JS_INTERPRET = 3;
export const JS_TAIL_CALL = 4;
export const JS_CALLX = 5;
export const JS_LD_PACKET = 6;
export const JS_CALL_DEPTH = 7;

/** What the `js` import returns: continue after the instruction, switch program (resume slots set), or exit now. */
export const JS_CONTINUE = 0;
export const JS_SWITCH = 1;
export const JS_EXIT = 2;

/** What `run` returns: the frame at depth 0 exited, continue in another program, or a slot needs its own block. */
export const RUN_DONE = 0;
export const RUN_SWITCH = 1;
export const RUN_NEED_BLOCK = 2;
