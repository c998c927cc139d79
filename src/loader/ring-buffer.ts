import { BPF_MAP_TYPE_RINGBUF } from '../isa/map-types.js';
import { EventQueue } from './event-queue.js';
import type { KernelMap } from './kernel-map.js';
import { Mapping, PAGE_SIZE } from './mmap.js';
import { FdWatch } from './fd-watch.js';

const BPF_RINGBUF_BUSY_BIT = 0x80000000;
const BPF_RINGBUF_DISCARD_BIT = 0x40000000;
const BPF_RINGBUF_HDR_SZ = 8;

/**
 * Reader of a BPF_MAP_TYPE_RINGBUF map: the consumer page mapped read-write, the producer
 * page and the (doubly mapped) data read-only. Records arrive through `for await` or `drain()`.
 * @example for await (const rec of new RingBufferReader(prog.map('events'))) console.log(rec)
 */
export class RingBufferReader implements AsyncIterable<Uint8Array>, Disposable {
  private consumer: Mapping | undefined;
  private producer: Mapping | undefined;
  private readonly mask: number;
  private readonly queue = new EventQueue<Uint8Array>();
  private watch: FdWatch | undefined;
  /** Records discarded by the producer and skipped. */
  discarded = 0;

  constructor(map: KernelMap, options: { intervalMs?: number } = {}) {
    if (map.def.type !== BPF_MAP_TYPE_RINGBUF) throw new Error(`map '${map.def.name}' is not a ringbuf map`);
    const size = map.def.maxEntries;
    this.mask = size - 1;
    this.consumer = Mapping.map(map.fd, 0, PAGE_SIZE, true, `of ringbuf '${map.def.name}' consumer page`);
    try {
      this.producer = Mapping.map(map.fd, PAGE_SIZE, PAGE_SIZE + 2 * size, false, `of ringbuf '${map.def.name}' data`);
      this.watch = new FdWatch([map.fd], () => this.drain(), options.intervalMs);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * Read every committed record now (also pushed to the async iterator unless `collect` is
   * given, which then receives them instead). Returns the number of records read.
   */
  drain(collect?: (rec: Uint8Array) => void): number {
    if (!this.consumer || !this.producer) return 0;
    const cv = this.consumer.view;
    const pv = this.producer.view;
    let cons = cv.getBigUint64(0, true);
    const prod = pv.getBigUint64(0, true);
    let n = 0;
    while (cons < prod) {
      const at = PAGE_SIZE + (Number(cons) & this.mask);
      const len = pv.getUint32(at, true);
      if (len & BPF_RINGBUF_BUSY_BIT) break;
      const size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
      if (len & BPF_RINGBUF_DISCARD_BIT) this.discarded++;
      else {
        const rec = new Uint8Array(pv.buffer, pv.byteOffset + at + BPF_RINGBUF_HDR_SZ, size).slice();
        if (collect) collect(rec);
        else this.queue.push(rec);
        n++;
      }
      cons += BigInt((size + BPF_RINGBUF_HDR_SZ + 7) & ~7);
      cv.setBigUint64(0, cons, true);
    }
    return n;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** Stop polling, unmap, and end the iteration (idempotent). */
  close(): void {
    this.watch?.close();
    this.watch = undefined;
    this.consumer?.unmap();
    this.producer?.unmap();
    this.consumer = undefined;
    this.producer = undefined;
    this.queue.end();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
