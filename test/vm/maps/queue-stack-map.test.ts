import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK } from '../../../src/isa/map-types.js';
import { BPF_EXIST, createMap, E2BIG, EINVAL, ENOENT } from '../../../src/vm/maps/index.js';
import { bytesOf, flagsU64, hex, updateFlags } from './bytes.js';

const VALUE = 3;
const MAX = 4;

type Op =
  | { op: 'push'; value: Uint8Array; flags: number | bigint }
  | { op: 'pop' }
  | { op: 'peek' }
  | { op: 'bytes' }
  | { op: 'clear' };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), value: bytesOf(VALUE), flags: updateFlags }) },
    { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
    { weight: 2, arbitrary: fc.constant({ op: 'peek' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'bytes' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  ),
  { maxLength: 80, size: 'max' },
);

/** Reference: a plain list, oldest first. */
function run(kind: 'queue' | 'stack', list: Op[]): void {
  const m = createMap({ name: 'q', type: kind === 'queue' ? BPF_MAP_TYPE_QUEUE : BPF_MAP_TYPE_STACK, keySize: 0, valueSize: VALUE, maxEntries: MAX, flags: 0 });
  expect(m.kind).toBe(kind);
  let model: string[] = [];
  const front = (): string | undefined => (kind === 'queue' ? model[0] : model[model.length - 1]);
  for (const o of list) {
    switch (o.op) {
      case 'push': {
        const f = flagsU64(o.flags);
        let want = 0;
        if (f === 1n || f > 2n) want = -EINVAL;
        else if (model.length === MAX && f !== 2n) want = -E2BIG;
        expect(m.push(o.value, o.flags)).toBe(want);
        if (want === 0) {
          if (model.length === MAX) model.shift(); // BPF_EXIST drops the oldest
          model.push(hex(o.value));
        }
        o.value.fill(0xee);
        break;
      }
      case 'pop':
      case 'peek': {
        const r = o.op === 'pop' ? m.pop() : m.peek();
        const want = front();
        if (want === undefined) expect(r).toEqual({ err: -ENOENT, value: new Uint8Array(VALUE) });
        else {
          expect(r.err).toBe(0);
          expect(hex(r.value!)).toBe(want);
          if (o.op === 'pop') model = kind === 'queue' ? model.slice(1) : model.slice(0, -1);
        }
        break;
      }
      case 'bytes':
        // The byte-level ops answer as the kernel's queue/stack map ops do.
        expect(m.lookup(new Uint8Array(0))).toBeUndefined();
        expect(m.update(new Uint8Array(0), new Uint8Array(VALUE), 0)).toBe(-EINVAL);
        expect(m.delete(new Uint8Array(0))).toBe(-EINVAL);
        expect(m.getNextKey(undefined)).toBeUndefined();
        break;
      case 'clear':
        m.clear();
        model = [];
        break;
    }
    expect(m.size).toBe(model.length);
  }
  const popOrder = kind === 'queue' ? model : [...model].reverse();
  expect([...m.entries()].map(([k, v]) => (expect(k.length).toBe(0), hex(v)))).toEqual(popOrder);
}

describe('QUEUE / STACK against a list model', () => {
  it('queue: FIFO, full map, BPF_EXIST overwrite', () => fc.assert(fc.property(ops, (l) => run('queue', l)), { numRuns: 400 }));
  it('stack: LIFO, full map, BPF_EXIST overwrite', () => fc.assert(fc.property(ops, (l) => run('stack', l)), { numRuns: 400 }));
  it('stack overwrite drops the bottom element', () => {
    const m = createMap({ name: 's', type: BPF_MAP_TYPE_STACK, keySize: 0, valueSize: 1, maxEntries: 2, flags: 0 });
    for (const v of [1, 2, 3]) m.push(new Uint8Array([v]), BPF_EXIST);
    expect([m.pop().value, m.pop().value, m.pop().err]).toEqual([new Uint8Array([3]), new Uint8Array([2]), -ENOENT]);
  });
});
