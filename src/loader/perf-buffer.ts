import { BPF_MAP_TYPE_PERF_EVENT_ARRAY } from '../isa/map-types.js';
import { onlineCpus } from './cpus.js';
import { EventQueue } from './event-queue.js';
import type { KernelMap } from './kernel-map.js';
import { Mapping, PAGE_SIZE } from './mmap.js';
import { FdWatch } from './fd-watch.js';
import { closeFd, native } from './native.js';
import {
  PERF_COUNT_SW_BPF_OUTPUT, PERF_EVENT_IOC_DISABLE, PERF_EVENT_IOC_ENABLE, PERF_SAMPLE_RAW,
  PERF_TYPE_SOFTWARE, perfEventOpen, perfIoctl,
} from './perf-event.js';

const PERF_RECORD_LOST = 2;
const PERF_RECORD_SAMPLE = 9;
/** Offsets in struct perf_event_mmap_page. */
const DATA_HEAD = 1024;
const DATA_TAIL = 1032;

/**
 * A record from a perf buffer: the bytes a program passed to bpf_perf_event_output (the kernel
 * pads them with zeros so that the u32 size plus the data is a multiple of 8), or a loss count.
 */
export type PerfRecord =
  | { readonly cpu: number; readonly kind: 'sample'; readonly data: Uint8Array }
  | { readonly cpu: number; readonly kind: 'lost'; readonly lost: bigint };

interface CpuRing {
  readonly cpu: number;
  readonly fd: number;
  readonly mapping: Mapping;
}

/**
 * Reader of a BPF_MAP_TYPE_PERF_EVENT_ARRAY: one BPF-output perf event per online CPU, each
 * with an mmapped ring of `pages` data pages (a power of two), stored in the map at its CPU.
 * @example for await (const r of new PerfBufferReader(prog.map('events'))) if (r.kind === 'sample') use(r.data)
 */
export class PerfBufferReader implements AsyncIterable<PerfRecord>, Disposable {
  private readonly rings: CpuRing[] = [];
  private readonly queue = new EventQueue<PerfRecord>();
  private readonly dataSize: number;
  private watch: FdWatch | undefined;

  constructor(map: KernelMap, options: { pages?: number; intervalMs?: number } = {}) {
    if (map.def.type !== BPF_MAP_TYPE_PERF_EVENT_ARRAY) throw new Error(`map '${map.def.name}' is not a perf_event_array map`);
    const pages = options.pages ?? 8;
    if (pages < 1 || (pages & (pages - 1)) !== 0) throw new RangeError(`perf buffer pages must be a power of two, not ${pages}`);
    this.dataSize = pages * PAGE_SIZE;
    try {
      for (const cpu of onlineCpus()) {
        if (cpu >= map.def.maxEntries) continue;
        const fd = perfEventOpen({
          type: PERF_TYPE_SOFTWARE, config: BigInt(PERF_COUNT_SW_BPF_OUTPUT), sampleType: BigInt(PERF_SAMPLE_RAW),
          samplePeriod: 1n, wakeupEvents: 1,
        }, -1, cpu, -1, `of a BPF output event on cpu ${cpu}`);
        let mapping: Mapping;
        try {
          mapping = Mapping.map(fd, 0, PAGE_SIZE + this.dataSize, true, `of the perf ring of cpu ${cpu}`);
        } catch (e) {
          closeFd(fd);
          throw e;
        }
        const ring: CpuRing = { cpu, fd, mapping };
        this.rings.push(ring);
        const key = new Uint8Array(4);
        const value = new Uint8Array(4);
        new DataView(key.buffer).setUint32(0, cpu, true);
        new DataView(value.buffer).setUint32(0, fd, true);
        map.update(key, value);
        perfIoctl(fd, PERF_EVENT_IOC_ENABLE, 0, 'PERF_EVENT_IOC_ENABLE');
      }
      this.watch = new FdWatch(this.rings.map((r) => r.fd), () => this.drain(), options.intervalMs);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private drainRing(ring: CpuRing, collect?: (r: PerfRecord) => void): number {
    const v = ring.mapping.view;
    const head = v.getBigUint64(DATA_HEAD, true);
    let tail = v.getBigUint64(DATA_TAIL, true);
    const size = BigInt(this.dataSize);
    const read = (pos: bigint, n: number): Uint8Array => {
      const out = new Uint8Array(n);
      const start = Number(pos % size);
      const first = Math.min(n, this.dataSize - start);
      out.set(new Uint8Array(v.buffer, v.byteOffset + PAGE_SIZE + start, first));
      if (first < n) out.set(new Uint8Array(v.buffer, v.byteOffset + PAGE_SIZE, n - first), first);
      return out;
    };
    let count = 0;
    while (tail < head) {
      const hdr = new DataView(read(tail, 8).buffer);
      const type = hdr.getUint32(0, true);
      const recSize = hdr.getUint16(6, true);
      if (recSize < 8) break;
      const body = new DataView(read(tail + 8n, recSize - 8).buffer);
      let rec: PerfRecord | undefined;
      if (type === PERF_RECORD_SAMPLE) {
        const n = body.getUint32(0, true);
        rec = { cpu: ring.cpu, kind: 'sample', data: new Uint8Array(body.buffer, 4, n).slice() };
      } else if (type === PERF_RECORD_LOST) {
        rec = { cpu: ring.cpu, kind: 'lost', lost: body.getBigUint64(8, true) };
      }
      if (rec) {
        if (collect) collect(rec);
        else this.queue.push(rec);
        count++;
      }
      tail += BigInt(recSize);
    }
    v.setBigUint64(DATA_TAIL, tail, true);
    return count;
  }

  /** Read every record available now on every CPU (to `collect`, else to the async iterator). */
  drain(collect?: (r: PerfRecord) => void): number {
    let n = 0;
    for (const ring of this.rings) n += this.drainRing(ring, collect);
    return n;
  }

  [Symbol.asyncIterator](): AsyncIterator<PerfRecord> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** Disable the events, unmap the rings, close the fds and end the iteration (idempotent). */
  close(): void {
    this.watch?.close();
    this.watch = undefined;
    for (const ring of this.rings.splice(0)) {
      native().ioctl(ring.fd, PERF_EVENT_IOC_DISABLE, 0);
      ring.mapping.unmap();
      closeFd(ring.fd);
    }
    this.queue.end();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
