/**
 * Hand-written programs that reach every slow path of the compiled tier (helpers with
 * callbacks, tail calls, callx, bpf-to-bpf calls and their depth limit, ring buffer records,
 * atomics, LD_ABS, XDP and socket filter contexts, bad accesses at every region edge), each
 * compared with the interpreter at every instruction budget up to its full run.
 */
import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/asm/index.js';
import type { Program } from '../../../src/isa/program.js';
import type { RunInput } from '../../../src/vm/context.js';
import type { VmOptions } from '../../../src/vm/index.js';
import { outcomeOf, vmOf, type Engine, type Outcome } from './engines.js';
import { BPF_LOOP_SRC, BPF_TO_BPF_SRC, TAIL_CALL_COUNTER_SRC } from '../programs.js';

interface Case {
  readonly name: string;
  readonly src: string;
  readonly options?: VmOptions;
  readonly input?: RunInput;
  readonly setup?: (vm: ReturnType<typeof vmOf>, program: Program) => void;
}

const CASES: Case[] = [
  {
    name: 'bpf_loop with a callback subprogram (callbacks run in the interpreter)',
    src: BPF_LOOP_SRC,
  },
  {
    name: 'bpf-to-bpf calls: fresh stacks, r6-r9 kept, pointers into the caller frame',
    src: BPF_TO_BPF_SRC,
  },
  {
    name: 'recursion until the call depth limit',
    src: `r1 = 0
call f
exit
f:
r1 += 1
*(u64 *)(r10 - 8) = r1
call f
exit`,
  },
  {
    name: 'callx of a function pointer and of a helper id',
    src: `r6 = func[f] ll
r1 = 3
callx r6
r7 = r0
r2 = 7
callx r2
r0 = r7
exit
f:
r0 = r1
r0 *= 11
exit`,
    options: { seed: 9 },
  },
  {
    name: 'tail calls, 33 at most, counting in a map value',
    src: TAIL_CALL_COUNTER_SRC,
    setup: (vm, p) => vm.setTailCall('jt', 0, p),
  },
  {
    name: 'map lookups and updates in a loop, values written through the pointer',
    src: `.map h, hash, key=8, value=16, entries=8
r6 = 0
loop:
*(u64 *)(r10 - 8) = r6
*(u64 *)(r10 - 24) = r6
*(u64 *)(r10 - 16) = 0
r1 = map[h] ll
r2 = r10
r2 += -8
r3 = r10
r3 += -24
r4 = 0
call bpf_map_update_elem
r1 = map[h] ll
r2 = r10
r2 += -8
call bpf_map_lookup_elem
if r0 == 0 goto next
r1 = *(u64 *)(r0 + 0)
r1 *= 3
*(u64 *)(r0 + 8) = r1
lock *(u64 *)(r0 + 0) += r1
r1 = *(u32 *)(r0 + 16)
next:
r6 += 1
if r6 < 6 goto loop
exit`,
  },
  {
    name: 'ring buffer reserve, submit, write after submit',
    src: `.map rb, ringbuf, key=0, value=0, entries=4096
r1 = map[rb] ll
r2 = 8
r3 = 0
call bpf_ringbuf_reserve
if r0 == 0 goto out
*(u64 *)(r0 + 0) = 7
r6 = r0
r1 = r0
r2 = 0
call bpf_ringbuf_submit
*(u64 *)(r6 + 0) = 1
out:
exit`,
  },
  {
    name: 'trace_printk and perf output from the stack',
    src: `.map ev, perf_event_array, key=4, value=4, entries=1
r1 = 0x0a6425 ll
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8
r2 = 4
r3 = 42
call bpf_trace_printk
*(u64 *)(r10 - 16) = 0x2a
r1 = r10
r2 = map[ev] ll
r3 = 0xffffffff ll
r4 = r10
r4 += -16
r5 = 8
call bpf_perf_event_output
exit`,
  },
  {
    name: 'atomics on the stack and on raw memory',
    src: `*(u64 *)(r10 - 8) = 10
r2 = 5
lock *(u64 *)(r10 - 8) += r2
r3 = 2
r3 = atomic_fetch_add((u64 *)(r10 - 8), r3)
r0 = 17
r4 = 99
r0 = cmpxchg_64(r10 - 8, r0, r4)
r5 = 0xff
lock *(u32 *)(r1 + 0) |= r5
r5 = xchg32_32(r1 + 4, r5)
r0 += r5
r0 += r3
r1 = *(u64 *)(r10 - 8)
r0 += r1
exit`,
    input: { mem: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
  },
  {
    name: 'raw memory: loop over every byte, then one past the end',
    src: `r0 = 0
r3 = r2
loop:
r4 = *(u8 *)(r1 + 0)
r0 += r4
*(u8 *)(r1 + 0) = r0
r1 += 1
r3 -= 1
if r3 != 0 goto loop
r4 = *(u8 *)(r1 + 0)
exit`,
    input: { mem: Uint8Array.from({ length: 40 }, (_, i) => i * 7) },
  },
  {
    name: 'socket filter: LD_ABS / LD_IND and __sk_buff fields, out of range ends the program',
    src: `r6 = r1
r0 = *(u32 *)(r6 + 0)
r0 = *(u16 *)skb[12]
r7 = r0
r0 = *(u8 *)skb[r7 - 2048]
r7 += r0
r0 = *(u32 *)skb[60]
r0 = r7
exit`,
    options: { progType: 'socket_filter' },
    input: { packet: Uint8Array.from({ length: 60 }, (_, i) => (i === 12 ? 8 : i === 13 ? 0 : i)) },
  },
  {
    name: 'XDP: packet pointers from xdp_md, write the packet, read past data_end',
    src: `r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
if r4 > r3 goto out
r5 = *(u8 *)(r2 + 0)
*(u8 *)(r2 + 1) = r5
r4 = *(u64 *)(r2 + 8)
r0 = *(u64 *)(r3 + 0)
out:
exit`,
    options: { progType: 'xdp' },
    input: { packet: Uint8Array.from({ length: 20 }, (_, i) => i + 1) },
  },
  {
    name: 'raw memory larger than the copy pool (every access on the slow path)',
    src: `r3 = r1
r3 += r2
r0 = *(u64 *)(r1 + 0)
*(u32 *)(r1 + 8) = 7
r4 = *(u8 *)(r3 - 1)
r0 += r4
r4 = *(u16 *)(r1 + 8)
r0 += r4
r4 = *(u8 *)(r3 + 0)
exit`,
    input: { mem: Uint8Array.from({ length: 5 << 20 }, (_, i) => i & 0xff) },
  },
  {
    name: 'a helper maps bytes that alias raw memory (synced around the slow path)',
    src: `r6 = r1
*(u64 *)(r6 + 8) = 0x55
r1 = r6
r1 += 4
call 2000
r7 = r0
r0 = *(u64 *)(r7 + 4)
*(u32 *)(r7 + 0) = 0x66
r1 = *(u32 *)(r6 + 4)
r0 += r1
*(u8 *)(r6 + 5) = 1
r1 = *(u64 *)(r7 + 0)
r0 += r1
exit`,
    options: { helpers: { 2000: ({ r1 }, env) => env.pointerTo(env.mem.view(r1, 12, true), 'map_value', 'alias', true) } },
    input: { mem: new Uint8Array(32) },
  },
];

const budgets = (n: number): number[] => {
  const all: number[] = [];
  for (let b = 0; b <= n + 1; b++) all.push(b);
  return n > 400 ? all.filter((b, i) => i < 200 || i > n - 100 || b % 37 === 0) : all;
};

function outcome(c: Case, engine: Engine, maxInsns?: number): Outcome {
  const program = assemble(c.src);
  const vm = vmOf(program, engine, { seed: 5, clock: () => 77n, ...c.options, ...(maxInsns === undefined ? {} : { maxInsns }) });
  c.setup?.(vm, program);
  return outcomeOf(vm, c.input ?? {});
}

describe('compiled = interpreter on hand-written programs, at every budget', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const full = outcome(c, 'interpreter');
      expect(outcome(c, 'compiled')).toEqual(full);
      for (const b of budgets(full.insns ?? 300)) expect(outcome(c, 'compiled', b), `budget ${b}`).toEqual(outcome(c, 'interpreter', b));
    });
  }
});

describe('programs too big for one WebAssembly function', () => {
  it('run on the interpreter with the same outcome', () => {
    const lines = ['r0 = 0'];
    for (let i = 0; i < 70_000; i++) lines.push(`r0 += ${i % 7}`);
    lines.push('r1 = *(u64 *)(r10 - 8)', 'r0 += r1', 'exit');
    const program = assemble(lines.join('\n'));
    for (const maxInsns of [1_000_000, 50_000]) {
      expect(outcomeOf(vmOf(program, 'compiled', { maxInsns }))).toEqual(outcomeOf(vmOf(program, 'interpreter', { maxInsns })));
    }
  });
});

const bench = '../shared/bench';
describe.skipIf(!existsSync(bench))('benchmark programs', () => {
  if (!existsSync(bench)) console.log(`skip: ${bench} not found`);
  it('b1, b2, b3, kb3 give the README results and counts on both engines', () => {
    const mem = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);
    const runs: [string, RunInput, VmOptions, bigint, number][] = [
      ['b1', {}, { maxInsns: 40_000_000 }, 50000005000000n, 30_000_003],
      ['b2', {}, {}, 1n, 100_055],
      ['b3', { mem }, {}, 0x77ef14e6aa5afd21n, 9_004],
      ['kb3', { packet: mem }, { progType: 'xdp' }, 0x77ef14e6aa5afd21n, 9_009],
    ];
    for (const [name, input, options, r0, insns] of runs) {
      const program = assemble(readFileSync(`${bench}/${name}.s`, 'utf8'));
      for (const engine of ['interpreter', 'compiled'] as const) {
        const r = vmOf(program, engine, options).run(input);
        expect([name, engine, r.r0, r.insns]).toEqual([name, engine, r0, insns]);
      }
    }
  });
});
