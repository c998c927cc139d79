import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_RINGBUF } from '../../../src/isa/map-types.js';
import { BPF_NOEXIST, createMap, EEXIST } from '../../../src/vm/maps/index.js';

describe('maps smoke', () => {
  it('hash update and lookup', () => {
    const m = createMap({ name: 'h', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 });
    expect(m.update(new Uint8Array(4), new Uint8Array(8).fill(1), BPF_NOEXIST)).toBe(0);
    expect(m.update(new Uint8Array(4), new Uint8Array(8).fill(1), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.lookup(new Uint8Array(4))).toEqual(new Uint8Array(8).fill(1));
  });
  it('ringbuf', () => {
    const m = createMap({ name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 });
    if (m.kind !== 'ringbuf') throw new Error('kind');
    expect(m.output(new Uint8Array([1, 2, 3]))).toBe(0);
    expect(m.drain()).toEqual([new Uint8Array([1, 2, 3])]);
  });
});
