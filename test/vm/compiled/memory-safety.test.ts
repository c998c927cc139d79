/**
 * Memory safety of the compiled tier: loads, stores and atomics at and around the edges
 * of every kind of region (stack, raw memory, map value, XDP packet, read-only tracepoint
 * context, socket filter context behind its access hook, a released ring buffer record)
 * fault exactly as the interpreter does, or succeed with the same effects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/asm/index.js';
import { outcomeOf, vmOf } from './engines.js';

const RUNS = Number(process.env.COMPILED_RUNS ?? 0) || 1500;

/** Each region kind: setup lines leaving a pointer to its start in r6 and its size, options, input. */
const REGIONS = [
  { kind: 'stack', setup: 'r6 = r10\nr6 += -512', size: 512, options: {}, input: {} },
  { kind: 'deeper stack frame', setup: 'r6 = r10\nr6 += -512\nr1 = 1\nr1 <<= 32\nr6 += r1', size: 512, options: {}, input: {} },
  { kind: 'raw memory', setup: 'r6 = r1', size: 24, options: {}, input: { mem: Uint8Array.from({ length: 24 }, (_, i) => i + 1) } },
  {
    kind: 'map value',
    setup: '.map a, array, key=4, value=12, entries=2\n*(u32 *)(r10 - 4) = 1\nr1 = map[a] ll\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem\nif r0 == 0 goto +100\nr6 = r0',
    size: 12, options: {}, input: {},
  },
  { kind: 'XDP packet', setup: 'r6 = *(u32 *)(r1 + 0)', size: 30, options: { progType: 'xdp' }, input: { packet: Uint8Array.from({ length: 30 }, (_, i) => 255 - i) } },
  { kind: 'tracepoint context (read-only)', setup: 'r6 = r1', size: 16, options: { progType: 'tracepoint' }, input: { ctx: Uint8Array.from({ length: 16 }, (_, i) => i * 3) } },
  { kind: 'socket filter context (hook)', setup: 'r6 = r1', size: 192, options: { progType: 'socket_filter' }, input: { packet: new Uint8Array(60) } },
  {
    kind: 'released ring buffer record',
    setup: '.map rb, ringbuf, key=0, value=0, entries=4096\nr1 = map[rb] ll\nr2 = 16\nr3 = 0\ncall bpf_ringbuf_reserve\nif r0 == 0 goto +100\nr6 = r0\nr1 = r0\nr2 = 0\ncall bpf_ringbuf_submit',
    size: 16, options: {}, input: {},
  },
] as const;

const SIZES = ['u8', 'u16', 'u32', 'u64'] as const;

describe('compiled memory safety = interpreter', () => {
  it(`loads, stores and atomics around every region's edges (${RUNS} cases)`, () => {
    const access = fc.record({
      region: fc.integer({ min: 0, max: REGIONS.length - 1 }),
      size: fc.integer({ min: 0, max: 3 }),
      op: fc.constantFrom('load', 'store', 'storeImm', 'atomic', 'loadInLoop', 'storeInLoop'),
      where: fc.oneof(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -9, max: 9 }).map((d) => 1000 + d), fc.integer({ min: -32000, max: 32000 })),
    });
    fc.assert(fc.property(access, ({ region, size, op, where }) => {
      const r = REGIONS[region]!;
      const off = where >= 991 && where <= 1009 ? r.size + (where - 1000) : where;
      const t = SIZES[size]!;
      const at = off < 0 ? `- ${-off}` : `+ ${off}`;
      const body = {
        load: `r0 = *(${t} *)(r6 ${at})`,
        store: `r7 = 0x1122334455667788 ll\n*(${t} *)(r6 ${at}) = r7\nr0 = *(u8 *)(r6 + 0)`,
        storeImm: `*(${t} *)(r6 ${at}) = -3\nr0 = 0`,
        atomic: t === 'u64' || t === 'u32' ? `r7 = 5\nlock *(${t} *)(r6 ${at}) += r7\nr0 = 1` : `r0 = *(${t} *)(r6 ${at})`,
        storeInLoop: `r8 = 4\nr6 += ${off}\nloop:\n*(${t} *)(r6 + 0) = r8\nr6 -= 1\nr8 -= 1\nif r8 != 0 goto loop\nr0 = *(u8 *)(r6 + 2)`,
        loadInLoop: `r8 = 3\nr6 += ${off}\nloop:\nr7 = *(${t} *)(r6 + 0)\nr0 += r7\nr6 += 1\nr8 -= 1\nif r8 != 0 goto loop`,
      }[op];
      const src = `${r.setup}\nr0 = 0\n${body}\nexit`;
      const program = assemble(src);
      const run = (engine: 'interpreter' | 'compiled') => outcomeOf(vmOf(program, engine, r.options), r.input);
      expect(run('compiled')).toEqual(run('interpreter'));
    }), { numRuns: RUNS });
  });
});
