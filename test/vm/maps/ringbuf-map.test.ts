import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_RINGBUF } from '../../../src/isa/map-types.js';
import {
  BPF_RB_AVAIL_DATA,
  BPF_RB_CONS_POS,
  BPF_RB_PROD_POS,
  BPF_RB_RING_SIZE,
  createMap,
  EAGAIN,
  EINVAL,
  type RingbufMap,
} from '../../../src/vm/maps/index.js';
import { hex } from './bytes.js';

const RING = 4096;
const BUSY = 0x80000000;
const DISCARD = 0x40000000;

/**
 * Reference ring buffer at the byte level, like the kernel's data area and libbpf's
 * consumer: 8-byte headers (len with busy/discard bits) written into a ring of bytes.
 */
class RingModel {
  readonly bytes = new Uint8Array(RING);
  readonly view = new DataView(this.bytes.buffer);
  cons = 0;
  prod = 0;
  pend = 0;
  wakeups = 0;
  private hdr(pos: number): number {
    return this.view.getUint32(pos % RING, true);
  }
  private setHdr(pos: number, len: number): void {
    this.view.setUint32(pos % RING, len >>> 0, true);
  }
  private static span(len: number): number {
    return Math.ceil((len + 8) / 8) * 8;
  }
  /** Position of the record's header, or undefined when it does not fit. */
  reserve(size: number): number | undefined {
    if (size > 0x3fffffff) return undefined;
    const span = RingModel.span(size);
    if (span > RING) return undefined;
    while (this.pend < this.prod) {
      const h = this.hdr(this.pend);
      if (h & BUSY) break;
      this.pend += RingModel.span(h & ~DISCARD & ~BUSY);
    }
    const end = this.prod + span;
    if (end - this.cons > RING - 1 || end - this.pend > RING - 1) return undefined;
    const pos = this.prod;
    this.setHdr(pos, size | BUSY);
    this.prod = end;
    return pos;
  }
  write(pos: number, at: number, byte: number): void {
    this.bytes[(pos + 8 + at) % RING] = byte;
  }
  commit(pos: number, discard: boolean, flags: number): void {
    const size = this.hdr(pos) & ~BUSY;
    this.setHdr(pos, size | (discard ? DISCARD : 0));
    if (flags & 2) this.wakeups++;
    else if (this.cons % RING === pos % RING && !(flags & 1)) this.wakeups++;
  }
  drain(max: number): string[] {
    const out: string[] = [];
    while (this.cons < this.prod && out.length < max) {
      const h = this.hdr(this.cons);
      if (h & BUSY) break;
      const size = h & ~DISCARD;
      if (!(h & DISCARD)) {
        const payload = new Uint8Array(size);
        for (let i = 0; i < size; i++) payload[i] = this.bytes[(this.cons + 8 + i) % RING]!;
        out.push(hex(payload));
      }
      this.cons += RingModel.span(size);
    }
    return out;
  }
}

type Op =
  | { op: 'reserve'; size: number | bigint; flags: number; fill: number }
  | { op: 'write'; which: number; at: number; byte: number }
  | { op: 'commit'; which: number; discard: boolean; flags: number }
  | { op: 'bogus' }
  | { op: 'output'; data: Uint8Array; flags: number }
  | { op: 'drain'; max: number }
  | { op: 'query'; flags: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('reserve' as const),
        size: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 1500 }) }, { weight: 1, arbitrary: fc.constantFrom(4088, 4089, 2 ** 30, 2n ** 32n, 2n ** 64n - 1n) }),
        flags: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }),
        fill: fc.integer({ min: 0, max: 255 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('write' as const), which: fc.nat(), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant('commit' as const), which: fc.nat(), discard: fc.boolean(), flags: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'bogus' as const }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('output' as const), data: fc.uint8Array({ maxLength: 1200 }), flags: fc.integer({ min: 0, max: 4 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('drain' as const), max: fc.integer({ min: 1, max: 5 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('query' as const), flags: fc.integer({ min: 0, max: 4 }) }) },
  ),
  { maxLength: 100, size: 'max' },
);

describe('RINGBUF against a byte-level ring model', () => {
  it('reservation, space accounting, commit order, discards, consumer blocking, query, wakeups', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const map = createMap({ name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: RING, flags: 0 });
        expect(map.kind).toBe('ringbuf');
        const m = map as RingbufMap;
        const model = new RingModel();
        const open: { id: number; data: Uint8Array; pos: number }[] = [];
        for (const o of list) {
          switch (o.op) {
            case 'reserve': {
              const s = m.reserve(o.size, o.flags);
              const size = BigInt(o.size) > 2n ** 40n ? Infinity : Number(o.size);
              const pos = o.flags === 0 ? model.reserve(size) : undefined;
              expect(s === undefined).toBe(pos === undefined);
              if (s && pos !== undefined) {
                expect(s.data.length).toBe(size);
                for (let i = 0; i < size; i++) {
                  s.data[i] = (o.fill + i) & 0xff;
                  model.write(pos, i, (o.fill + i) & 0xff);
                }
                open.push({ id: s.id, data: s.data, pos });
              }
              break;
            }
            case 'write': {
              if (open.length === 0) break;
              const r = open[o.which % open.length]!;
              if (r.data.length === 0) break;
              r.data[o.at % r.data.length] = o.byte;
              model.write(r.pos, o.at % r.data.length, o.byte);
              break;
            }
            case 'commit': {
              if (open.length === 0) break;
              const [r] = open.splice(o.which % open.length, 1);
              expect(o.discard ? m.discard(r!.id, o.flags) : m.submit(r!.id, o.flags)).toBe(0);
              model.commit(r!.pos, o.discard, o.flags);
              // A second commit of the same reservation is refused.
              expect(m.submit(r!.id)).toBe(-EINVAL);
              break;
            }
            case 'bogus':
              expect(m.submit(123457)).toBe(-EINVAL);
              break;
            case 'output': {
              const pos = o.flags & ~3 ? undefined : model.reserve(o.data.length);
              const want = o.flags & ~3 ? -EINVAL : pos === undefined ? -EAGAIN : 0;
              expect(m.output(o.data, o.flags)).toBe(want);
              if (pos !== undefined) {
                o.data.forEach((b, i) => model.write(pos, i, b));
                model.commit(pos, false, o.flags);
              }
              break;
            }
            case 'drain':
              expect(m.drain(o.max).map(hex)).toEqual(model.drain(o.max));
              break;
            case 'query': {
              const want = [model.prod - model.cons, RING, model.cons, model.prod][o.flags] ?? 0;
              expect(m.query(o.flags)).toBe(BigInt(want));
              break;
            }
          }
          expect(m.wakeups).toBe(model.wakeups);
        }
        // Commit whatever is left and drain to the end: everything submitted comes out in order.
        for (const r of open) {
          m.submit(r.id);
          model.commit(r.pos, false, 0);
        }
        expect(m.drain().map(hex)).toEqual(model.drain(Infinity));
        expect(m.query(BPF_RB_AVAIL_DATA)).toBe(0n);
        expect(m.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a record as large as the ring never fits; one byte less than the ring does not either', () => {
    const m = createMap({ name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: RING, flags: 0 }) as RingbufMap;
    expect(m.reserve(RING - 8)).toBeUndefined(); // 8 + 4088 = ring size > size - 1
    expect(m.reserve(RING - 16)).toBeDefined();
    expect(m.query(BPF_RB_RING_SIZE)).toBe(BigInt(RING));
    expect(m.query(BPF_RB_PROD_POS)).toBe(BigInt(RING - 8));
    expect(m.query(BPF_RB_CONS_POS)).toBe(0n);
  });

  it('a pending reservation blocks later records until it is committed', () => {
    const m = createMap({ name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: RING, flags: 0 }) as RingbufMap;
    const first = m.reserve(4)!;
    expect(m.output(new Uint8Array([9]))).toBe(0);
    expect(m.drain()).toEqual([]);
    first.data.set([1, 2, 3, 4]);
    expect(m.discard(first.id)).toBe(0);
    expect(m.drain()).toEqual([new Uint8Array([9])]);
  });
});
