/**
 * Generated families: uninitialised registers, stack accesses, r10 writes, division by
 * zero, ALU and pointer-arithmetic rules, and control-flow structure (bad jumps).
 */
import {
  R0, R1, R2, R3, R4, R5, R6, R7, R9, R10, reg,
  add32, add64, and64, arsh64, be, bswap, div32, div64, exit, ja, jeq, jgt, jne, lddw, ldxb, ldxdw, ldxh, ldxw,
  lsh32, lsh64, mod32, mod64, mov32, mov64, movsx64, mul64, neg64, or64, rsh32, rsh64, sdiv64, smod64, stb, stdw,
  sth, stw, sub64, xor64, gotol, call,
  type Insn, type RegOperand, type Size,
} from '../../../src/isa/index.js';
import { Family, Rng, SOCKET_FILTER, TRACEPOINT, XDP, ret } from './snippets.js';

const TYPES = [SOCKET_FILTER, XDP, TRACEPOINT] as const;
const REGS: readonly RegOperand[] = [R0, R1, R2, R3, R4, R5, R6, R7, reg(8), R9];

function ldx(size: Size, dst: RegOperand, src: RegOperand, off: number): Insn {
  return size === 1 ? ldxb(dst, src, off) : size === 2 ? ldxh(dst, src, off) : size === 4 ? ldxw(dst, src, off) : ldxdw(dst, src, off);
}
function st(size: Size, dst: RegOperand, off: number, src: RegOperand | number): Insn {
  return size === 1 ? stb(dst, off, src) : size === 2 ? sth(dst, off, src) : size === 4 ? stw(dst, off, src) : stdw(dst, off, src);
}

/** Reads of registers that were never written, and the same programs with the write. */
export function uninitFamily(): Family {
  const f = new Family('uninit');
  REGS.forEach((r, i) => {
    const t = TYPES[i % 3]!;
    f.add(`mov-from-r${r.reg}`, t, [mov64(R0, r), exit()]);
    if (r.reg !== 1) f.add(`mov-from-r${r.reg}-after-init`, t, [mov64(r, 7), mov64(R0, r), exit()]);
    if (r.reg !== 0) f.add(`add-r${r.reg}`, t, [mov64(R0, 1), add64(R0, r), exit()]);
    f.add(`jmp-on-r${r.reg}`, t, [mov64(R0, 0), jeq(r, 0, 1), mov64(R0, 1), exit()]);
  });
  f.add('exit-without-r0', SOCKET_FILTER, [exit()]);
  f.add('exit-without-r0-xdp', XDP, [mov64(R2, 1), exit()]);
  f.add('r0-set-on-one-path', XDP, [jeq(R1, 0, 1), mov64(R0, 1), exit()]);
  f.add('r0-set-on-both-paths', XDP, [mov64(R2, 0), jeq(R2, 0, 2), mov64(R0, 1), ja(1), mov64(R0, 2), exit()]);
  f.add('store-uninit-r3-to-stack', TRACEPOINT, [stdw(R10, -8, R3), ...ret()]);
  f.add('store-through-uninit-r4', TRACEPOINT, [stdw(R4, 0, 1), ...ret()]);
  f.add('load-through-uninit-r5', SOCKET_FILTER, [ldxdw(R0, R5, 0), exit()]);
  f.add('alu32-on-uninit', XDP, [mov32(R0, 0), add32(R0, R6), exit()]);
  f.add('helper-clobbers-r1', TRACEPOINT, [call(5), mov64(R0, R1), exit()]);
  f.add('helper-clobbers-r5', TRACEPOINT, [mov64(R5, 3), call(5), mov64(R0, R5), exit()]);
  f.add('helper-keeps-r6', TRACEPOINT, [mov64(R6, 3), call(5), mov64(R0, R6), exit()]);
  f.add('neg-uninit', SOCKET_FILTER, [neg64(R0), exit()]);
  return f;
}

/** Stack stores and loads at offsets around the frame's edges, sizes and alignments. */
export function stackFamily(): Family {
  const f = new Family('stack');
  const offs = [8, 0, -1, -4, -8, -16, -256, -504, -512, -513, -516, -520];
  for (const off of offs) {
    for (const size of [1, 4, 8] as const) {
      f.add(`store-load-off${off}-size${size}`, TYPES[(offs.indexOf(off) + size) % 3]!,
        [st(size, R10, off, 1), ldx(size, R0, R10, off), exit()]);
    }
  }
  f.add('read-uninit-slot', SOCKET_FILTER, [ldxdw(R0, R10, -8), exit()]);
  f.add('read-partially-init', XDP, [stw(R10, -8, 1), ldxdw(R0, R10, -8), exit()]);
  f.add('read-other-half', XDP, [stw(R10, -8, 1), ldxw(R0, R10, -4), exit()]);
  f.add('read-wider-than-written', TRACEPOINT, [stb(R10, -1, 1), ldxh(R0, R10, -2), exit()]);
  f.add('misaligned-8-at-minus-12', SOCKET_FILTER, [stdw(R10, -12, 1), ldxdw(R0, R10, -12), exit()]);
  f.add('misaligned-4-at-minus-6', SOCKET_FILTER, [stw(R10, -6, 1), ldxw(R0, R10, -6), exit()]);
  f.add('misaligned-2-at-minus-3', XDP, [sth(R10, -3, 1), ldxh(R0, R10, -3), exit()]);
  f.add('spill-fill-ctx', SOCKET_FILTER, [stdw(R10, -8, R1), ldxdw(R2, R10, -8), ldxw(R0, R2, 0), exit()]);
  f.add('spill-ctx-partial-fill', SOCKET_FILTER, [stdw(R10, -8, R1), ldxw(R2, R10, -8), ldxw(R0, R2, 0), exit()]);
  f.add('spill-fill-scalar-bounds', XDP, [mov64(R2, 5), stdw(R10, -16, R2), ldxdw(R3, R10, -16), mov64(R0, R3), exit()]);
  f.add('overwrite-spill-with-byte', SOCKET_FILTER, [stdw(R10, -8, R1), stb(R10, -8, 0), ldxdw(R2, R10, -8), ldxw(R0, R2, 0), exit()]);
  f.add('fp-copy-then-store', TRACEPOINT, [mov64(R2, R10), add64(R2, -16), stdw(R2, 0, 3), ldxdw(R0, R10, -16), exit()]);
  f.add('fp-copy-out-of-frame', TRACEPOINT, [mov64(R2, R10), add64(R2, -520), stdw(R2, 0, 3), ...ret()]);
  f.add('fp-copy-above-frame', TRACEPOINT, [mov64(R2, R10), add64(R2, 8), stdw(R2, 0, 3), ...ret()]);
  f.add('fp-var-offset-write', TRACEPOINT, [call(7), and64(R0, 0x38), mov64(R2, R10), add64(R2, -64), add64(R2, R0), stdw(R2, 0, 1), ...ret()]);
  f.add('fp-var-offset-read', TRACEPOINT, [stdw(R10, -64, 0), call(7), and64(R0, 0x38), mov64(R2, R10), add64(R2, -64), add64(R2, R0), ldxdw(R0, R2, 0), exit()]);
  f.add('fp-unbounded-var-offset', TRACEPOINT, [call(7), mov64(R2, R10), add64(R2, R0), stdw(R2, 0, 1), ...ret()]);
  // Deterministic random store/load pairs.
  const rng = new Rng(0x5eed5);
  for (let i = 0; i < 40; i++) {
    const size = rng.pick([1, 2, 4, 8] as const);
    const off = -rng.int(0, 64) * size + rng.pick([0, 0, 0, -1, 1]) + (rng.int(0, 9) === 0 ? -480 : 0);
    const loadOff = rng.int(0, 3) === 0 ? off - size : off;
    f.add(`random-${i}-st${size}-off${off}-ld${loadOff}`, TYPES[i % 3]!,
      [st(size, R10, off, rng.int(-5, 5)), ldx(size, R0, R10, loadOff), exit()]);
  }
  return f;
}

/** Writes to the read-only frame pointer. */
export function r10Family(): Family {
  const f = new Family('r10');
  f.add('mov-imm', SOCKET_FILTER, [mov64(R10, 0), ...ret()]);
  f.add('mov-reg', XDP, [mov64(R10, R1), ...ret()]);
  f.add('add-imm', TRACEPOINT, [add64(R10, -8), ...ret()]);
  f.add('alu32', SOCKET_FILTER, [mov32(R10, 1), ...ret()]);
  f.add('load-into', XDP, [stdw(R10, -8, 0), ldxdw(R10, R10, -8), ...ret()]);
  f.add('lddw-into', TRACEPOINT, [lddw(R10, 1n), ...ret()]);
  f.add('neg', SOCKET_FILTER, [neg64(R10), ...ret()]);
  f.add('read-is-fine', XDP, [mov64(R2, R10), sub64(R2, R10), mov64(R0, R2), exit()]);
  f.add('bswap', TRACEPOINT, [be(R10, 16), ...ret()]);
  return f;
}

/** Division and modulo by constant zero, by registers and by other constants. */
export function divFamily(): Family {
  const f = new Family('div');
  const ops = [['div64', div64], ['mod64', mod64], ['div32', div32], ['mod32', mod32], ['sdiv64', sdiv64], ['smod64', smod64]] as const;
  ops.forEach(([name, op], i) => {
    const t = TYPES[i % 3]!;
    f.add(`${name}-imm0`, t, [mov64(R0, 10), op(R0, 0), exit()]);
    f.add(`${name}-imm3`, t, [mov64(R0, 10), op(R0, 3), exit()]);
    f.add(`${name}-reg-zero`, t, [mov64(R0, 10), mov64(R2, 0), op(R0, R2), exit()]);
    f.add(`${name}-reg-uninit`, t, [mov64(R0, 10), op(R0, R3), exit()]);
  });
  f.add('div-imm-minus1', XDP, [mov64(R0, 10), sdiv64(R0, -1), exit()]);
  return f;
}

/** Shifts, pointer arithmetic and byte-swap rules. */
export function aluFamily(): Family {
  const f = new Family('alu');
  for (const [n, sh] of [[63, 63], [64, 64], [-1, -1], [100, 100]] as const) {
    f.add(`lsh64-${n}`, SOCKET_FILTER, [mov64(R0, 1), lsh64(R0, sh), exit()]);
    f.add(`rsh64-${n}`, XDP, [mov64(R0, 1), rsh64(R0, sh), exit()]);
    f.add(`arsh64-${n}`, TRACEPOINT, [mov64(R0, 1), arsh64(R0, sh), exit()]);
  }
  for (const n of [31, 32, 40]) {
    f.add(`lsh32-${n}`, SOCKET_FILTER, [mov64(R0, 1), lsh32(R0, n), exit()]);
    f.add(`rsh32-${n}`, XDP, [mov64(R0, 1), rsh32(R0, n), exit()]);
  }
  f.add('shift-by-unknown-reg', TRACEPOINT, [call(7), mov64(R2, R0), mov64(R0, 1), lsh64(R0, R2), exit()]);
  f.add('ctx-plus-const-deref', SOCKET_FILTER, [add64(R1, 4), ldxw(R0, R1, 0), exit()]);
  f.add('ctx-plus-const-no-deref', SOCKET_FILTER, [add64(R1, 4), ...ret()]);
  f.add('ctx-alu32', XDP, [add32(R1, 4), ...ret()]);
  f.add('ctx-mul', XDP, [mul64(R1, 2), ...ret()]);
  f.add('ctx-plus-var', TRACEPOINT, [mov64(R6, R1), call(7), mov64(R2, R0), and64(R2, 7), add64(R6, R2), ...ret()]);
  f.add('ctx-or', SOCKET_FILTER, [or64(R1, 1), ...ret()]);
  f.add('ctx-neg', SOCKET_FILTER, [neg64(R1), ...ret()]);
  f.add('ctx-bswap', XDP, [bswap(R1, 64), ...ret()]);
  f.add('ptr-plus-ptr', TRACEPOINT, [mov64(R2, R10), add64(R2, R1), ...ret()]);
  f.add('fp-minus-fp', TRACEPOINT, [mov64(R2, R10), add64(R2, -8), mov64(R3, R10), sub64(R3, R2), mov64(R0, R3), exit()]);
  f.add('scalar-minus-fp', SOCKET_FILTER, [mov64(R2, 8), sub64(R2, R10), ...ret()]);
  f.add('return-ctx-pointer', TRACEPOINT, [mov64(R0, R1), exit()]);
  f.add('return-fp', XDP, [mov64(R0, R10), exit()]);
  f.add('xor-self-ctx', SOCKET_FILTER, [xor64(R1, R1), mov64(R0, R1), exit()]);
  f.add('movsx8', XDP, [mov64(R1, 0xff), movsx64(R0, R1, 8), exit()]);
  f.add('movsx-of-ctx', XDP, [movsx64(R0, R1, 32), exit()]);
  f.add('bswap16-ok', SOCKET_FILTER, [mov64(R0, 0x1234), be(R0, 16), exit()]);
  f.add('lddw-full', TRACEPOINT, [lddw(R0, 0xdeadbeefcafebaben), exit()]);
  return f;
}

/** Jumps out of range, into lddw, falling off the end, unreachable code. */
export function jumpsFamily(): Family {
  const f = new Family('jumps');
  f.add('ja-past-end', SOCKET_FILTER, [mov64(R0, 0), ja(5), exit()]);
  f.add('ja-to-end', SOCKET_FILTER, [mov64(R0, 0), ja(1), exit()]);
  f.add('ja-before-start', XDP, [mov64(R0, 0), ja(-3), exit()]);
  f.add('jeq-past-end', TRACEPOINT, [mov64(R0, 0), jeq(R1, 0, 2), exit()]);
  f.add('jne-to-self-exit', TRACEPOINT, [mov64(R0, 0), jne(R0, 0, 0), exit()]);
  f.add('into-lddw-second-slot', SOCKET_FILTER, [mov64(R0, 0), jeq(R1, 0, 1), lddw(R0, 5n), exit()]);
  f.add('over-lddw', SOCKET_FILTER, [mov64(R0, 0), jeq(R1, 0, 2), lddw(R0, 5n), exit()]);
  f.add('back-into-lddw', XDP, [lddw(R0, 1n), jeq(R1, 0, -2), exit()]);
  f.add('last-not-exit', SOCKET_FILTER, [mov64(R0, 0)]);
  f.add('last-is-ja-back', XDP, [mov64(R0, 0), exit(), ja(-2)]);
  f.add('falls-off-after-branch', TRACEPOINT, [mov64(R0, 0), jeq(R1, 0, 1), exit(), mov64(R0, 1)]);
  f.add('unreachable-tail', SOCKET_FILTER, [mov64(R0, 0), exit(), mov64(R0, 1), exit()]);
  f.add('unreachable-middle', XDP, [mov64(R0, 0), ja(1), mov64(R0, 1), exit()]);
  f.add('dead-branch-is-fine', XDP, [mov64(R0, 0), mov64(R2, 1), jeq(R2, 1, 1), ldxdw(R0, R9, 0), exit()]);
  f.add('ja-self', SOCKET_FILTER, [mov64(R0, 0), ja(-1), exit()]);
  f.add('jgt-self', TRACEPOINT, [mov64(R0, 0), jgt(R0, 5, -1), exit()]);
  f.add('gotol-forward', XDP, [mov64(R0, 0), gotol(1), mov64(R0, 1), exit()]);
  f.add('gotol-out', XDP, [mov64(R0, 0), gotol(100), exit()]);
  f.add('single-exit', SOCKET_FILTER, [exit()]);
  f.add('empty-branch-diamond', SOCKET_FILTER, [mov64(R0, 1), jeq(R1, 0, 1), ja(0), exit()]);
  return f;
}
