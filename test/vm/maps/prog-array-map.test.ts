import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_PROG_ARRAY } from '../../../src/isa/map-types.js';
import { createMap, E2BIG, EBADF, EINVAL, ENOENT, type ProgArrayMap } from '../../../src/vm/maps/index.js';
import { flagsU64, readU32, u32le, updateFlags } from './bytes.js';

const MAX = 4;

type Op =
  | { op: 'set'; index: number; prog: string }
  | { op: 'update'; index: number; fd: number; flags: number | bigint }
  | { op: 'delete'; index: number }
  | { op: 'get'; index: number | bigint }
  | { op: 'next'; index: number | undefined };

const index = fc.oneof(fc.integer({ min: 0, max: MAX + 1 }), fc.constantFrom(0xffffffff, -1));
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('set' as const), index, prog: fc.constantFrom('a', 'b', 'c') }),
    fc.record({ op: fc.constant('update' as const), index: index.map((i) => i >>> 0), fd: fc.integer({ min: 0, max: 5 }), flags: updateFlags }),
    fc.record({ op: fc.constant('delete' as const), index: index.map((i) => i >>> 0) }),
    fc.record({ op: fc.constant('get' as const), index: fc.oneof(index, fc.constantFrom(2n ** 64n - 1n, 1n, 2n ** 32n + 1n)) }),
    fc.record({ op: fc.constant('next' as const), index: fc.option(index.map((i) => i >>> 0), { nil: undefined }) }),
  ),
  { maxLength: 60, size: 'max' },
);

describe('PROG_ARRAY against a model', () => {
  it('slots, fd-style update, delete, tail-call lookup', () => {
    const fds = new Map([
      [3, 'fd3'],
      [4, 'fd4'],
    ]);
    fc.assert(
      fc.property(ops, (list) => {
        const map = createMap<string>(
          { name: 'jmp', type: BPF_MAP_TYPE_PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: MAX, flags: 0 },
          { resolveProgFd: (fd) => fds.get(fd) },
        );
        expect(map.kind).toBe('prog_array');
        const m = map as ProgArrayMap<string>;
        const model: (string | undefined)[] = Array(MAX).fill(undefined);
        const inRange = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < MAX;
        for (const o of list) {
          switch (o.op) {
            case 'set':
              expect(m.setProg(o.index, o.prog)).toBe(inRange(o.index) ? 0 : -E2BIG);
              if (inRange(o.index)) model[o.index] = o.prog;
              break;
            case 'update': {
              let want = 0;
              if (flagsU64(o.flags) !== 0n) want = -EINVAL;
              else if (!inRange(o.index)) want = -E2BIG;
              else if (!fds.has(o.fd)) want = -EBADF;
              expect(m.update(u32le(o.index), u32le(o.fd), o.flags)).toBe(want);
              if (want === 0) model[o.index] = fds.get(o.fd);
              break;
            }
            case 'delete': {
              const want = !inRange(o.index) ? -E2BIG : model[o.index] === undefined ? -ENOENT : 0;
              expect(m.delete(u32le(o.index))).toBe(want);
              if (want === 0) model[o.index] = undefined;
              break;
            }
            case 'get': {
              const i = typeof o.index === 'bigint' ? o.index : BigInt(o.index);
              expect(m.getProg(o.index)).toBe(i >= 0n && i < BigInt(MAX) ? model[Number(i)] : undefined);
              expect(m.lookup(u32le(0))).toBeUndefined();
              break;
            }
            case 'next': {
              const next = m.getNextKey(o.index === undefined ? undefined : u32le(o.index));
              if (o.index === MAX - 1) expect(next).toBeUndefined();
              else expect(readU32(next!)).toBe(o.index === undefined || o.index >= MAX ? 0 : o.index + 1);
              break;
            }
          }
          expect(m.size).toBe(model.filter((p) => p !== undefined).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without a resolver an fd-style update is a bad fd', () => {
    const m = createMap({ name: 'jmp', type: BPF_MAP_TYPE_PROG_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 });
    expect(m.update(u32le(0), u32le(3), 0)).toBe(-EBADF);
  });
});
