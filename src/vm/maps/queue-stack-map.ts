import type { MapDef } from '../../isa/program.js';
import { E2BIG, EINVAL, ENOENT, EPERM } from './errno.js';
import { BPF_EXIST, BPF_NOEXIST } from './flags.js';
import { MapBase, smallFlags } from './map-base.js';
import type { ElemResult, MapFlags, QueueStackMap } from './types.js';


/**
 * QUEUE and STACK, as kernel/bpf/queue_stack_maps.c: a ring of max_entries + 1 slots with
 * `head` (next push) and `tail` (oldest). A queue pops at the tail, a stack below the head.
 * Pushing with BPF_EXIST into a full map advances the tail, dropping the oldest element in
 * both kinds. pop/peek of an empty map give -ENOENT with a zeroed value (the kernel clears
 * the program's buffer). The byte-level ops answer as the kernel's: lookup NULL,
 * update/delete -EINVAL.
 */
export class QueueStackMapImpl extends MapBase implements QueueStackMap {
  readonly kind: 'queue' | 'stack';
  private readonly slots: (Uint8Array | undefined)[];
  private readonly ringSize: number;
  private head = 0;
  private tail = 0;

  constructor(def: MapDef, nCpus: number, kind: 'queue' | 'stack') {
    super(def, nCpus, false);
    this.kind = kind;
    this.ringSize = def.maxEntries + 1;
    this.slots = [];
  }

  get size(): number {
    return (this.head - this.tail + this.ringSize) % this.ringSize;
  }

  private isFull(): boolean {
    const next = this.head + 1 >= this.ringSize ? 0 : this.head + 1;
    return next === this.tail;
  }

  override push(value: Uint8Array, flags?: MapFlags): number {
    if (this.frozen) return -EPERM;
    this.checkValue(value);
    const f = smallFlags(flags);
    if ((f & BPF_NOEXIST) !== 0 || f > BPF_EXIST) return -EINVAL;
    if (this.isFull()) {
      if ((f & BPF_EXIST) === 0) return -E2BIG;
      this.slots[this.tail] = undefined;
      this.tail = this.tail + 1 >= this.ringSize ? 0 : this.tail + 1;
    }
    this.slots[this.head] = value.slice();
    this.head = this.head + 1 >= this.ringSize ? 0 : this.head + 1;
    return 0;
  }

  /** Slot index of the element pop/peek returns. */
  private front(): number {
    if (this.kind === 'queue') return this.tail;
    return this.head === 0 ? this.ringSize - 1 : this.head - 1;
  }

  private get(remove: boolean): ElemResult {
    // Empty: the kernel zeroes the caller's buffer and returns -ENOENT.
    if (this.head === this.tail) return { err: -ENOENT, value: new Uint8Array(this.def.valueSize) };
    const at = this.front();
    const value = this.slots[at]!;
    if (!remove) return { err: 0, value: value.slice() };
    this.slots[at] = undefined;
    if (this.kind === 'queue') this.tail = at + 1 >= this.ringSize ? 0 : at + 1;
    else this.head = at;
    return { err: 0, value };
  }

  override pop(): ElemResult {
    if (this.frozen) return { err: -EPERM, value: undefined };
    return this.get(true);
  }

  override peek(): ElemResult {
    return this.get(false);
  }

  override *entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      const at =
        this.kind === 'queue' ? (this.tail + i) % this.ringSize : (this.head - 1 - i + 2 * this.ringSize) % this.ringSize;
      yield [new Uint8Array(0), this.slots[at]!.slice()];
    }
  }

  override clear(): void {
    this.slots.length = 0;
    this.head = 0;
    this.tail = 0;
  }
}
