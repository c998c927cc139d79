import type { MapDef } from '../../isa/program.js';
import { EAGAIN, EINVAL, ENOTSUPP, EPERM } from './errno.js';
import {
  BPF_RB_AVAIL_DATA,
  BPF_RB_CONS_POS,
  BPF_RB_FORCE_WAKEUP,
  BPF_RB_NO_WAKEUP,
  BPF_RB_PROD_POS,
  BPF_RB_RING_SIZE,
  BPF_RINGBUF_HDR_SZ,
} from './flags.js';
import { MapBase, u64Flags } from './map-base.js';
import type { MapFlags, RingbufMap, RingbufSample } from './types.js';
import { roundUp8 } from './validate.js';

/** RINGBUF_MAX_RECORD_SZ: UINT_MAX / 4. */
const RINGBUF_MAX_RECORD_SZ = Math.floor(0xffffffff / 4);

const BUSY = 0;
const COMMITTED = 1;
const DISCARDED = 2;

/** A record between reservation and consumption. */
interface RingRecord {
  /** Producer position of its header. */
  readonly pos: number;
  /** Bytes it takes in the ring: round_up(8 + size, 8). */
  readonly len: number;
  readonly data: Uint8Array;
  state: typeof BUSY | typeof COMMITTED | typeof DISCARDED;
}

/**
 * RINGBUF, following kernel/bpf/ringbuf.c: positions only grow; a record is `len` bytes
 * at `pos`; the producer may not get more than ring size - 1 bytes ahead of the consumer
 * nor of the oldest busy record (pending_pos: the kernel's guard against a user-space
 * consumer skipping busy records; `drain` never does). Payloads are kept per record instead of in
 * one wrapped byte area (the kernel maps its area twice so records are contiguous anyway).
 */
export class RingbufMapImpl extends MapBase implements RingbufMap {
  readonly kind = 'ringbuf' as const;
  readonly ringSize: number;
  private readonly mask: number;
  private consPos = 0;
  private prodPos = 0;
  private pendingPos = 0;
  /** Records from consPos on, in position order; `first` is the index of the oldest. */
  private records: RingRecord[] = [];
  private first = 0;
  private readonly busy = new Map<number, RingRecord>();
  private wakeupCount = 0;

  constructor(def: MapDef, nCpus: number) {
    super(def, nCpus, false);
    this.ringSize = def.maxEntries;
    this.mask = def.maxEntries - 1;
  }

  get size(): number {
    return this.records.length - this.first;
  }

  get wakeups(): number {
    return this.wakeupCount;
  }

  reserve(size: number | bigint, flags?: MapFlags): RingbufSample | undefined {
    if (u64Flags(flags) !== 0n) return undefined;
    const sz = typeof size === 'bigint' ? BigInt.asUintN(64, size) : size;
    if (typeof sz === 'number' ? !Number.isInteger(sz) || sz < 0 || sz > RINGBUF_MAX_RECORD_SZ : sz > BigInt(RINGBUF_MAX_RECORD_SZ)) {
      return undefined;
    }
    const n = Number(sz);
    const len = roundUp8(n + BPF_RINGBUF_HDR_SZ);
    if (len > this.ringSize) return undefined;
    // Advance pending_pos over records no longer busy: it becomes the oldest busy one.
    let pend = this.prodPos;
    for (const r of this.busy.values()) {
      if (r.pos < pend) pend = r.pos;
    }
    this.pendingPos = Math.max(this.pendingPos, pend);
    const newProd = this.prodPos + len;
    if (newProd - this.consPos > this.mask || newProd - this.pendingPos > this.mask) return undefined;
    const rec: RingRecord = { pos: this.prodPos, len, data: new Uint8Array(n), state: BUSY };
    this.records.push(rec);
    this.busy.set(rec.pos, rec);
    this.prodPos = newProd;
    return { id: rec.pos, data: rec.data };
  }

  private commit(id: number, flags: MapFlags | undefined, discard: boolean): number {
    const rec = this.busy.get(id);
    if (!rec) return -EINVAL;
    this.busy.delete(id);
    rec.state = discard ? DISCARDED : COMMITTED;
    const f = u64Flags(flags);
    if ((f & BigInt(BPF_RB_FORCE_WAKEUP)) !== 0n) this.wakeupCount++;
    else if ((this.consPos & this.mask) === (rec.pos & this.mask) && (f & BigInt(BPF_RB_NO_WAKEUP)) === 0n) this.wakeupCount++;
    return 0;
  }

  submit(id: number, flags?: MapFlags): number {
    return this.commit(id, flags, false);
  }

  discard(id: number, flags?: MapFlags): number {
    return this.commit(id, flags, true);
  }

  output(data: Uint8Array, flags?: MapFlags): number {
    if ((u64Flags(flags) & ~BigInt(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) !== 0n) return -EINVAL;
    const sample = this.reserve(data.length);
    if (!sample) return -EAGAIN;
    sample.data.set(data);
    return this.commit(sample.id, flags, false);
  }

  query(flags: MapFlags): bigint {
    const f = u64Flags(flags);
    switch (f) {
      case BigInt(BPF_RB_AVAIL_DATA):
        return BigInt(this.prodPos - this.consPos);
      case BigInt(BPF_RB_RING_SIZE):
        return BigInt(this.ringSize);
      case BigInt(BPF_RB_CONS_POS):
        return BigInt(this.consPos);
      case BigInt(BPF_RB_PROD_POS):
        return BigInt(this.prodPos);
      default:
        return 0n;
    }
  }

  drain(max = Infinity): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (this.first < this.records.length && out.length < max) {
      const rec = this.records[this.first]!;
      if (rec.state === BUSY) break;
      if (rec.state === COMMITTED) out.push(rec.data.slice());
      this.consPos += rec.len;
      this.first++;
    }
    if (this.first > 1024 && this.first * 2 > this.records.length) {
      this.records = this.records.slice(this.first);
      this.first = 0;
    }
    return out;
  }

  override update(): number {
    return this.frozen ? -EPERM : -ENOTSUPP;
  }

  override delete(): number {
    return this.frozen ? -EPERM : -ENOTSUPP;
  }

  override clear(): void {
    this.records = [];
    this.first = 0;
    this.busy.clear();
    this.consPos = 0;
    this.prodPos = 0;
    this.pendingPos = 0;
    this.wakeupCount = 0;
  }
}
