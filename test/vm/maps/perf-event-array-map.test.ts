import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_PERF_EVENT_ARRAY } from '../../../src/isa/map-types.js';
import {
  BPF_F_CURRENT_CPU,
  createMap,
  E2BIG,
  EINVAL,
  ENOENT,
  ENOSPC,
  EOPNOTSUPP,
  type PerfEventArrayMap,
} from '../../../src/vm/maps/index.js';
import { hex, u32le } from './bytes.js';

const MAX = 4;
const NCPUS = 2;
const RING = 4096;

interface SlotModel {
  cpu: number;
  records: string[];
  used: number;
  lostSinceReport: number;
  lost: number;
}

type Op =
  | { op: 'output'; flags: number | bigint; cpu: number; data: Uint8Array }
  | { op: 'open'; index: number; cpu: number }
  | { op: 'close'; index: number }
  | { op: 'drain'; index: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        op: fc.constant('output' as const),
        flags: fc.oneof(fc.constant(BPF_F_CURRENT_CPU), fc.integer({ min: 0, max: MAX }), fc.constantFrom(2n ** 32n, 2n ** 32n + 1n, BigInt(BPF_F_CURRENT_CPU))),
        cpu: fc.integer({ min: 0, max: NCPUS - 1 }),
        data: fc.uint8Array({ maxLength: 900 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('open' as const), index: fc.integer({ min: 0, max: MAX }), cpu: fc.integer({ min: 0, max: NCPUS - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), index: fc.integer({ min: 0, max: MAX }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('drain' as const), index: fc.integer({ min: 0, max: MAX - 1 }) }) },
  ),
  { maxLength: 80, size: 'max' },
);

describe('PERF_EVENT_ARRAY against a model', () => {
  it('routing by index / current CPU, ring space, lost samples, drain', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const map = createMap({ name: 'events', type: BPF_MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: MAX, flags: 0 }, { nCpus: NCPUS, perfBufferSize: RING });
        expect(map.kind).toBe('perf_event_array');
        const m = map as PerfEventArrayMap;
        const slots: (SlotModel | undefined)[] = Array.from({ length: MAX }, (_, i) =>
          i < NCPUS ? { cpu: i, records: [], used: 0, lostSinceReport: 0, lost: 0 } : undefined,
        );
        for (const o of list) {
          switch (o.op) {
            case 'output': {
              const f = BigInt(o.flags);
              let want = 0;
              const index = f === 0xffffffffn ? o.cpu : Number(f);
              const slot = slots[index];
              // Sample: perf_event_header (8) + u32 size + data, padded to 8 bytes.
              const bytes = 8 + Math.ceil((4 + o.data.length) / 8) * 8 + (slot && slot.lostSinceReport > 0 ? 24 : 0);
              if (f >= 2n ** 32n) want = -EINVAL;
              else if (index >= MAX) want = -E2BIG;
              else if (!slot) want = -ENOENT;
              else if (slot.cpu !== o.cpu) want = -EOPNOTSUPP;
              else if (slot.used + bytes >= RING) want = -ENOSPC;
              expect(m.output(o.flags, o.cpu, o.data)).toBe(want);
              if (slot && want === 0) {
                slot.used += bytes;
                slot.lostSinceReport = 0;
                slot.records.push(hex(o.data));
              }
              if (slot && want === -ENOSPC) {
                slot.lost++;
                slot.lostSinceReport++;
              }
              break;
            }
            case 'open':
              expect(m.update(u32le(o.index), u32le(o.cpu), 0)).toBe(o.index < MAX ? 0 : -E2BIG);
              if (o.index < MAX) slots[o.index] = { cpu: o.cpu, records: [], used: 0, lostSinceReport: 0, lost: 0 };
              break;
            case 'close':
              expect(m.delete(u32le(o.index))).toBe(o.index >= MAX ? -E2BIG : slots[o.index] ? 0 : -ENOENT);
              if (o.index < MAX) slots[o.index] = undefined;
              break;
            case 'drain': {
              const d = m.drain(o.index);
              const s = slots[o.index];
              expect({ records: d.records.map(hex), lost: d.lost }).toEqual({ records: s?.records ?? [], lost: s?.lost ?? 0 });
              if (s) Object.assign(s, { records: [], used: 0, lostSinceReport: 0, lost: 0 });
              break;
            }
          }
          expect(m.size).toBe(slots.filter((s) => s).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('checks the CPU and the ring size', () => {
    const d = { name: 'events', type: BPF_MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0 };
    expect(() => createMap(d, { perfBufferSize: 5000 })).toThrow('power-of-two number of 4096-byte pages');
    const m = createMap(d) as PerfEventArrayMap;
    expect(() => m.output(0, 1, new Uint8Array(1))).toThrow('cpu 1 out of range');
    expect(m.output(1, 0, new Uint8Array(1))).toBe(-ENOENT); // only CPU 0's slot is open
  });
});
