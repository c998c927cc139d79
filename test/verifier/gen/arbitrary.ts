/**
 * fast-check arbitraries of small verifier test programs: straight-line ALU, stack stores
 * and loads at random offsets, forward branches, map lookups with and without null checks,
 * map value accesses at masked variable offsets, packet accesses behind (or without, or with
 * wrong) data_end checks, small counted loops, helper calls, atomics and bpf-to-bpf calls
 * to a subprogram that uses its arguments as the caller left them.
 */
import fc from 'fast-check';
import {
  R0, R1, R2, R10, add64, and64, call, callLocal, exit, jeq, jge, jgt, jle, ldMapFd, ldxdw, ldxw, mov64, reg, stdw, stw,
  type AluOp, type AtomicOp, type Insn, type JmpOp, type MapDef, type Program, type Reg, type Size,
} from '../../../src/isa/index.js';
import { CGROUP_SKB, KPROBE, SCHED_CLS, SOCKET_FILTER, TRACEPOINT, XDP, arrayMap } from './snippets.js';

/** One step of a generated program, expanded to instructions by `buildProgram`. */
export type Step =
  | { readonly t: 'mov'; readonly dst: Reg; readonly imm: number }
  | { readonly t: 'alu'; readonly width: 32 | 64; readonly op: AluOp; readonly dst: Reg; readonly src: Reg | null; readonly imm: number }
  | { readonly t: 'st'; readonly size: Size; readonly base: Reg; readonly off: number; readonly src: Reg | null; readonly imm: number }
  | { readonly t: 'ldx'; readonly size: Size; readonly dst: Reg; readonly base: Reg; readonly off: number }
  | { readonly t: 'br'; readonly width: 32 | 64; readonly op: JmpOp; readonly dst: Reg; readonly src: Reg | null; readonly imm: number; readonly skip: number }
  | { readonly t: 'lookup'; readonly key: number; readonly check: boolean; readonly into: Reg }
  | { readonly t: 'pkt'; readonly n: number; readonly off: number; readonly size: Size; readonly write: boolean; readonly check: 'jgt' | 'jge' | 'none' | 'wrong' }
  | { readonly t: 'mapvar'; readonly key: number; readonly mask: number; readonly off: number; readonly size: Size; readonly check: boolean }
  | { readonly t: 'loop'; readonly k: number; readonly op: 'jlt' | 'jne' | 'jle' }
  | { readonly t: 'end'; readonly order: 'le' | 'be' | 'swap'; readonly bits: 16 | 32 | 64; readonly dst: Reg }
  | { readonly t: 'atomic'; readonly size: 4 | 8; readonly op: AtomicOp; readonly fetch: boolean; readonly base: Reg; readonly off: number; readonly src: Reg }
  | { readonly t: 'helper'; readonly id: number }
  | { readonly t: 'subcall' }
  | { readonly t: 'mapcond'; readonly load: 4 | 8; readonly width: 32 | 64; readonly op: JmpOp; readonly k: number; readonly off: number; readonly size: Size };

/** A generated program before expansion. */
export interface GenProgram {
  readonly progType: number;
  readonly steps: readonly Step[];
  /** Registers (of r0, r2..r8) given a constant before the first step; the rest start uninitialised. */
  readonly init: readonly (readonly [Reg, number])[];
  /** Set r0 before the final exit. */
  readonly setR0: boolean;
  /** Body of the subprogram that `subcall` steps call (an index into SUBPROGRAMS). */
  readonly sub: number;
}

/** Subprogram bodies for `subcall` steps; they use the arguments r1..r5 as the caller left them. */
const SUBPROGRAMS: readonly (readonly Insn[])[] = [
  [mov64(R0, R1), exit()],
  [ldxdw(R0, R1, 0), exit()],
  [stdw(R1, 0, R2), mov64(R0, 0), exit()],
  [stdw(R10, -8, R1), ldxdw(R0, R10, -8), exit()],
  [mov64(R0, R2), add64(R0, reg(3)), exit()],
];

export const GEN_MAP: MapDef = arrayMap('m', 16, 4);

const regArb = fc.integer({ min: 0, max: 9 }) as fc.Arbitrary<Reg>;
const sizeArb = fc.constantFrom<Size>(1, 2, 4, 8);
const immArb = fc.oneof(fc.integer({ min: -4, max: 16 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, 1, 8, 16, 63, 64, 255));
const aluOpArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<AluOp>('add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'mod', 'xor', 'mov', 'arsh', 'neg') },
  { weight: 1, arbitrary: fc.constantFrom<AluOp>('sdiv', 'smod', 'movsx8', 'movsx16', 'movsx32') },
);
const jmpOpArb = fc.constantFrom<JmpOp>('jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle');
/** A stack offset: usually aligned for `size` inside the top 64 bytes, sometimes anywhere near the frame's edges. */
const offArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ slot: fc.integer({ min: 1, max: 8 }), sub: fc.integer({ min: 0, max: 7 }) }).map((o) => ({ aligned: o })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -64, max: 8 }), fc.constantFrom(-512, -520, -516, -504)).map((raw) => ({ raw })) },
);
type OffSpec = { readonly aligned: { slot: number; sub: number } } | { readonly raw: number };
const offOf = (o: OffSpec, size: Size): number => ('raw' in o ? o.raw : -8 * o.aligned.slot + (o.aligned.sub % (8 / size)) * size);
const baseArb = fc.oneof({ weight: 12, arbitrary: fc.constant<Reg>(10) }, { weight: 1, arbitrary: fc.constantFrom<Reg>(0, 1, 6, 7) });
const srcArb = fc.oneof({ weight: 8, arbitrary: regArb }, { weight: 1, arbitrary: fc.constant<Reg>(10) });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('mov' as const), dst: regArb, imm: immArb }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('alu' as const), width: fc.constantFrom<32 | 64>(32, 64), op: aluOpArb, dst: regArb, src: fc.option(srcArb, { freq: 2 }), imm: immArb })
    .map((s) => (s.op === 'neg' ? { ...s, src: null, imm: 0 }
      : s.op.startsWith('movsx') ? { ...s, src: s.src ?? s.dst, imm: 0, op: s.width === 32 && s.op === 'movsx32' ? 'movsx16' as const : s.op } : s)) },
  { weight: 3, arbitrary: fc.record({ size: sizeArb, base: baseArb, off: offArb, src: fc.option(srcArb, { freq: 2 }), imm: immArb })
    .map((s) => ({ t: 'st' as const, size: s.size, base: s.base, off: s.base === 10 ? offOf(s.off, s.size) : Math.abs(offOf(s.off, s.size)) % 24, src: s.src, imm: s.imm })) },
  { weight: 3, arbitrary: fc.record({ size: sizeArb, dst: regArb, base: baseArb, off: offArb })
    .map((s) => ({ t: 'ldx' as const, size: s.size, dst: s.dst, base: s.base, off: s.base === 10 ? offOf(s.off, s.size) : Math.abs(offOf(s.off, s.size)) % 24 })) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('br' as const), width: fc.constantFrom<32 | 64>(32, 64), op: jmpOpArb, dst: regArb, src: fc.option(regArb, { freq: 2 }), imm: immArb, skip: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lookup' as const), key: fc.integer({ min: 0, max: 5 }), check: fc.boolean(), into: fc.constantFrom<Reg>(6, 7) }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('pkt' as const), n: fc.integer({ min: 0, max: 40 }), off: fc.integer({ min: -2, max: 40 }), size: sizeArb, write: fc.boolean(),
    check: fc.constantFrom<'jgt' | 'jge' | 'none' | 'wrong'>('jgt', 'jgt', 'jgt', 'jge', 'none', 'wrong'),
  }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('mapvar' as const), key: fc.integer({ min: 0, max: 4 }), mask: fc.constantFrom(0, 3, 7, 8, 15, 31, 0xff), off: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: -1, max: 16 })), size: sizeArb,
    check: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }) },
  { weight: 1, arbitrary: fc.constant({ t: 'subcall' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('end' as const), order: fc.constantFrom<'le' | 'be' | 'swap'>('le', 'be', 'swap'), bits: fc.constantFrom<16 | 32 | 64>(16, 32, 64), dst: regArb }) },
  { weight: 1, arbitrary: fc.record({
    t: fc.constant('atomic' as const), size: fc.constantFrom<4 | 8>(4, 8), op: fc.constantFrom<AtomicOp>('add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'), fetch: fc.boolean(),
    base: fc.oneof({ weight: 4, arbitrary: fc.constant<Reg>(10) }, { weight: 1, arbitrary: fc.constantFrom<Reg>(0, 1, 6) }),
    off: fc.oneof(fc.integer({ min: 1, max: 8 }).map((k) => -8 * k), fc.integer({ min: -20, max: 8 })), src: regArb,
  }).map((a) => ({ ...a, fetch: a.op === 'xchg' || a.op === 'cmpxchg' ? true : a.fetch })) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('helper' as const), id: fc.constantFrom(1, 2, 3, 5, 6, 7, 8, 14, 16, 113, 130, 131) }) },
  { weight: 2, arbitrary: fc.record({
    t: fc.constant('mapcond' as const), load: fc.constantFrom<4 | 8>(4, 8), width: fc.constantFrom<32 | 64>(32, 64), op: jmpOpArb,
    k: fc.oneof(fc.integer({ min: -2, max: 17 }), fc.constantFrom(-1, 0x7fffffff, -0x80000000)), off: fc.integer({ min: -1, max: 9 }), size: sizeArb,
  }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('loop' as const), k: fc.integer({ min: 1, max: 20 }), op: fc.constantFrom<'jlt' | 'jne' | 'jle'>('jlt', 'jne', 'jle') }) },
);

const INIT_REGS: readonly Reg[] = [0, 2, 3, 4, 5, 6, 7, 8];

/** Random programs of up to `maxSteps` steps. */
export function genProgramArb(maxSteps = 10): fc.Arbitrary<GenProgram> {
  return fc.record({
    progType: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(SOCKET_FILTER, XDP, TRACEPOINT) },
      { weight: 1, arbitrary: fc.constantFrom(SCHED_CLS, CGROUP_SKB, KPROBE) },
    ),
    steps: fc.array(stepArb, { minLength: 1, maxLength: maxSteps }),
    init: fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constant(0xff) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xff }) }), fc.array(immArb, { minLength: 8, maxLength: 8 }))
      .map(([mask, vals]) => INIT_REGS.filter((_r, i) => (mask >> i) & 1).map((r) => [r, vals[INIT_REGS.indexOf(r)]!] as const)),
    setR0: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    sub: fc.integer({ min: 0, max: SUBPROGRAMS.length - 1 }),
  });
}

const SKB_TYPES: readonly number[] = [SOCKET_FILTER, SCHED_CLS, CGROUP_SKB];

function expand(s: Step, progType: number): Insn[] {
  switch (s.t) {
    case 'mov':
      return [mov64(reg(s.dst), s.imm)];
    case 'alu':
      return [s.src === null ? { kind: 'alu', width: s.width, op: s.op, dst: s.dst, src: null, imm: s.op === 'neg' ? 0 : s.imm } : { kind: 'alu', width: s.width, op: s.op, dst: s.dst, src: s.src, imm: 0 }];
    case 'st':
      return [s.src === null ? { kind: 'st', size: s.size, dst: s.base, off: s.off, imm: s.imm } : { kind: 'stx', size: s.size, dst: s.base, src: s.src, off: s.off }];
    case 'ldx':
      return [{ kind: 'ldx', size: s.size, sx: false, dst: s.dst, src: s.base, off: s.off }];
    case 'br':
      return []; // placed by buildProgram, which knows the target
    case 'lookup': {
      const out: Insn[] = [stw(R10, -4, s.key), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, 'm'), call(1)];
      if (s.check) out.push(jeq(R0, 0, 1), mov64(reg(s.into), R0));
      else out.push(mov64(reg(s.into), R0));
      return out;
    }
    case 'pkt': {
      // r4 = data, r5 = data_end (xdp_md; other context types read other fields), r9 = ctx.
      const access: Insn = s.write ? { kind: 'stx', size: s.size, dst: 4, src: 5, off: s.off } : { kind: 'ldx', size: s.size, sx: false, dst: 3, src: 4, off: s.off };
      const [data, end] = SKB_TYPES.includes(progType) ? [76, 80] : [0, 4];
      const head: Insn[] = [ldxw(reg(4), reg(9), data), ldxw(reg(5), reg(9), end), mov64(reg(3), reg(4)), add64(reg(3), s.n)];
      switch (s.check) {
        case 'jgt': return [...head, jgt(reg(3), reg(5), 1), access];
        case 'jge': return [...head, jge(reg(3), reg(5), 1), access];
        case 'wrong': return [...head, jle(reg(3), reg(5), 1), access];
        case 'none': return [...head, access];
      }
      break;
    }
    case 'mapvar': {
      const access: Insn = { kind: 'ldx', size: s.size, sx: false, dst: 3, src: 0, off: s.off };
      return [
        stw(R10, -4, s.key), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, 'm'), call(1),
        ...(s.check ? [jeq(R0, 0, 4)] : []), ldxw(reg(3), R0, 0), and64(reg(3), s.mask), add64(R0, reg(3)), access,
      ];
    }
    case 'loop':
      return [mov64(reg(3), 0), add64(reg(3), 1), { kind: 'jmp', width: 64, op: s.op, dst: 3, src: null, imm: s.k, off: -2 }];
    case 'end':
      return [{ kind: 'end', order: s.order, bits: s.bits, dst: s.dst }];
    case 'atomic':
      return [{ kind: 'atomic', size: s.size, op: s.op, fetch: s.fetch, dst: s.base, src: s.src, off: s.off }];
    case 'subcall':
      return [callLocal(0)]; // target fixed by buildProgram
    case 'helper':
      // Arguments are whatever r1..r5 hold at this point (often wrong: the kernel names the first bad one).
      return [call(s.id)];
    case 'mapcond': {
      // r3 = value word; if r3 OP k goto skip; r0 += r3; r3 = *(size *)(r0 + off)
      const access: Insn = { kind: 'ldx', size: s.size, sx: false, dst: 3, src: 0, off: s.off };
      return [
        stw(R10, -4, 0), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, 'm'), call(1),
        jeq(R0, 0, 4), { kind: 'ldx', size: s.load, sx: false, dst: 3, src: 0, off: 0 },
        { kind: 'jmp', width: s.width, op: s.op, dst: 3, src: null, imm: s.k, off: 2 }, add64(R0, reg(3)), access,
      ];
    }
  }
}

const slotsOf = (insns: readonly Insn[]): number => insns.reduce((a, i) => a + (i.kind === 'lddw' ? 2 : 1), 0);

/** Expand a generated program into a `Program` (forward branches resolved, r0 maybe set, exit). */
export function buildProgram(g: GenProgram): Program {
  const blocks = g.steps.map((s) => expand(s, g.progType));
  const tail: Insn[] = g.setR0 ? [mov64(R0, 0), exit()] : [exit()];
  // r9 keeps the context for packet steps; the other registers start as `init` says.
  const out: Insn[] = [mov64(reg(9), R1), ...g.init.map(([r, v]) => mov64(reg(r), v))];
  const calls: number[] = [];
  g.steps.forEach((s, i) => {
    if (s.t === 'subcall') calls.push(out.length);
    if (s.t !== 'br') {
      out.push(...blocks[i]!);
      return;
    }
    // Skip the next `skip` steps (never past the tail).
    let off = 0;
    for (let k = i + 1; k <= Math.min(i + s.skip, g.steps.length - 1); k++) off += slotsOf(blocks[k]!) + (g.steps[k]!.t === 'br' ? 1 : 0);
    out.push(s.src === null
      ? { kind: 'jmp', width: s.width, op: s.op, dst: s.dst, src: null, imm: s.imm, off }
      : { kind: 'jmp', width: s.width, op: s.op, dst: s.dst, src: s.src, imm: 0, off });
  });
  out.push(...tail);
  if (calls.length > 0) {
    // The subprogram follows the main program; each call's imm is relative to the next slot.
    const subStart = slotsOf(out);
    for (const at of calls) out[at] = callLocal(subStart - slotsOf(out.slice(0, at)) - 1);
    out.push(...SUBPROGRAMS[g.sub]!);
  }
  return { insns: out, progType: g.progType, license: 'GPL', maps: [GEN_MAP], symbols: [] };
}
