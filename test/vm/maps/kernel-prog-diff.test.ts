import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/asm/index.js';
import type { MapDef } from '../../../src/isa/program.js';
import {
  BPF_MAP_TYPE_ARRAY,
  BPF_MAP_TYPE_HASH,
  BPF_MAP_TYPE_LRU_HASH,
  BPF_MAP_TYPE_PERCPU_ARRAY,
  BPF_MAP_TYPE_PERCPU_HASH,
  BPF_MAP_TYPE_QUEUE,
  BPF_MAP_TYPE_RINGBUF,
  BPF_MAP_TYPE_STACK,
  mapTypeName,
} from '../../../src/isa/map-types.js';
import { bpfAvailable, loadProgram, possibleCpuCount, RingBufferReader, testRunFd } from '../../../src/loader/index.js';
import { type AnyVmMap, createMap, type RingbufMap } from '../../../src/vm/maps/index.js';
import { hex } from './bytes.js';

/**
 * Program-side differential: a straight-line socket filter calls map helpers with constant
 * arguments and stores every return value; the same calls on our maps must give the same
 * results, leave the same contents, and (ringbuf) produce the same records.
 */

type Op =
  | { op: 'update'; key: number; value: bigint; flags: number }
  | { op: 'lookup'; key: number }
  | { op: 'delete'; key: number }
  | { op: 'push'; value: bigint; flags: number }
  | { op: 'pop' }
  | { op: 'peek' }
  | { op: 'output'; size: number; flags: number }
  | { op: 'reserve'; size: number; fill: number; discard: boolean; flags: number; wake: number }
  | { op: 'query'; flags: number };

const MISS = 0xdeadn; // what a failed lookup/pop leaves in its result slot
const DATA = 480; // initialised stack bytes at r10-512 for bpf_ringbuf_output

function stackByte(i: number): number {
  return (i * 7 + 3) & 0xff;
}

/** Assembly for `ops` on map `m`; results at res[0] = CPU, then two u64 per op. */
function source(def: MapDef, ops: Op[]): string {
  const n = 1 + 2 * ops.length;
  const l: string[] = [
    '.prog_type socket_filter',
    '.license "GPL"',
    `.map m, ${mapTypeName(def.type)}, key=${def.keySize}, value=${def.valueSize}, entries=${def.maxEntries}`,
    `.map res, array, key=4, value=${8 * n}, entries=1`,
    'r1 = 0',
    '*(u32 *)(r10 - 4) = r1',
    'r1 = map[res] ll',
    'r2 = r10',
    'r2 += -4',
    'call bpf_map_lookup_elem',
    'if r0 == 0 goto out',
    'r6 = r0',
    'call bpf_get_smp_processor_id',
    '*(u64 *)(r6 + 0) = r0',
  ];
  for (let i = 0; i < DATA; i += 8) {
    let v = 0n;
    for (let b = 7; b >= 0; b--) v = (v << 8n) | BigInt(stackByte(i + b));
    l.push(`r1 = 0x${v.toString(16)} ll`, `*(u64 *)(r10 - ${512 - i}) = r1`);
  }
  const key = (k: number): string[] => [`r1 = ${k}`, '*(u32 *)(r10 - 4) = r1'];
  const value = (v: bigint): string[] => [`r1 = 0x${v.toString(16)} ll`, '*(u64 *)(r10 - 16) = r1'];
  const ptrs = ['r1 = map[m] ll', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16'];
  ops.forEach((o, i) => {
    const a = 8 * (1 + 2 * i);
    const b = a + 8;
    const store = [`*(u64 *)(r6 + ${a}) = r0`];
    switch (o.op) {
      case 'update':
        l.push(...key(o.key), ...value(o.value), ...ptrs, `r4 = ${o.flags}`, 'call bpf_map_update_elem', ...store);
        break;
      case 'delete':
        l.push(...key(o.key), ...ptrs.slice(0, 3), 'call bpf_map_delete_elem', ...store);
        break;
      case 'lookup':
        l.push(...key(o.key), ...ptrs.slice(0, 3), 'call bpf_map_lookup_elem', `r7 = ${MISS}`, `r8 = 0`,
          `if r0 == 0 goto miss${i}`, 'r7 = *(u64 *)(r0 + 0)', 'r8 = 1', `miss${i}:`,
          `*(u64 *)(r6 + ${a}) = r8`, `*(u64 *)(r6 + ${b}) = r7`);
        break;
      case 'push':
        l.push(...value(o.value), 'r1 = map[m] ll', 'r2 = r10', 'r2 += -16', `r3 = ${o.flags}`, 'call bpf_map_push_elem', ...store);
        break;
      case 'pop':
      case 'peek':
        l.push(...value(MISS), 'r1 = map[m] ll', 'r2 = r10', 'r2 += -16', `call bpf_map_${o.op}_elem`, ...store,
          'r1 = *(u64 *)(r10 - 16)', `*(u64 *)(r6 + ${b}) = r1`);
        break;
      case 'output':
        l.push('r1 = map[m] ll', 'r2 = r10', 'r2 += -512', `r3 = ${o.size}`, `r4 = ${o.flags}`, 'call bpf_ringbuf_output', ...store);
        break;
      case 'reserve':
        l.push('r1 = map[m] ll', `r2 = ${o.size}`, `r3 = ${o.flags}`, 'call bpf_ringbuf_reserve', 'r7 = r0', 'r8 = 0',
          `if r7 == 0 goto none${i}`, 'r8 = 1');
        if (o.size >= 1) l.push(`r1 = ${o.fill}`, '*(u8 *)(r7 + 0) = r1');
        l.push('r1 = r7', `r2 = ${o.wake}`, `call bpf_ringbuf_${o.discard ? 'discard' : 'submit'}`, `none${i}:`, `*(u64 *)(r6 + ${a}) = r8`);
        break;
      case 'query':
        l.push('r1 = map[m] ll', `r2 = ${o.flags}`, 'call bpf_ringbuf_query', ...store);
        break;
    }
  });
  l.push('out:', 'r0 = 0', 'exit');
  return `${l.join('\n')}\n`;
}

function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

/**
 * The same calls on our map, as the VM's helpers make them. `fullRecords` gets, per
 * submitted ring buffer record, whether all its bytes were written (output) or only the first.
 */
function ours(m: AnyVmMap, cpu: number, ops: Op[], fullRecords: boolean[]): bigint[] {
  const out: bigint[] = [BigInt(cpu)];
  const key = (k: number): Uint8Array => Uint8Array.of(k, 0, 0, 0);
  const stack = Uint8Array.from({ length: DATA }, (_, i) => stackByte(i));
  for (const o of ops) {
    let a = 0n;
    let b = 0n;
    switch (o.op) {
      case 'update':
        a = BigInt(m.update(key(o.key), u64le(o.value), o.flags, cpu));
        break;
      case 'delete':
        a = BigInt(m.delete(key(o.key)));
        break;
      case 'lookup': {
        const v = m.lookup(key(o.key), cpu);
        a = v ? 1n : 0n;
        b = v ? new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, true) : MISS;
        break;
      }
      case 'push':
        a = BigInt(m.push(u64le(o.value), o.flags));
        break;
      case 'pop':
      case 'peek': {
        const r = o.op === 'pop' ? m.pop() : m.peek();
        a = BigInt(r.err);
        b = r.value ? new DataView(r.value.buffer, r.value.byteOffset, 8).getBigUint64(0, true) : MISS;
        break;
      }
      case 'output':
        a = BigInt((m as RingbufMap).output(stack.subarray(0, o.size), o.flags));
        if (a === 0n) fullRecords.push(true);
        break;
      case 'reserve': {
        const rb = m as RingbufMap;
        const s = rb.reserve(o.size, o.flags);
        if (s) {
          if (o.size >= 1) s.data[0] = o.fill;
          if (o.discard) rb.discard(s.id, o.wake);
          else {
            rb.submit(s.id, o.wake);
            fullRecords.push(false);
          }
        }
        a = s ? 1n : 0n;
        break;
      }
      case 'query':
        a = (m as RingbufMap).query(o.flags);
        break;
    }
    out.push(BigInt.asUintN(64, a), BigInt.asUintN(64, b));
  }
  return out;
}

const flagsArb = fc.constantFrom(0, 1, 2, 3, 4, 5, 8);
const keyedOps = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('update' as const), key: fc.integer({ min: 0, max: 6 }), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), flags: flagsArb }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('lookup' as const), key: fc.integer({ min: 0, max: 6 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 6 }) }) },
  ),
  { minLength: 1, maxLength: 24 },
);
const queueOps = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('push' as const), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), flags: fc.constantFrom(0, 1, 2, 3) }) },
    { weight: 2, arbitrary: fc.constant({ op: 'pop' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
  ),
  { minLength: 1, maxLength: 24 },
);
const ringOps = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('output' as const), size: fc.integer({ min: 0, max: DATA }), flags: fc.constantFrom(0, 1, 2, 4) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('reserve' as const),
        size: fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.constantFrom(4080, 4088, 5000)),
        fill: fc.integer({ min: 0, max: 255 }),
        discard: fc.boolean(),
        flags: fc.constantFrom(0, 0, 0, 1),
        wake: fc.integer({ min: 0, max: 3 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('query' as const), flags: fc.integer({ min: 0, max: 4 }) }) },
  ),
  { minLength: 1, maxLength: 16 },
);

const bpf = bpfAvailable();
if (!bpf.ok) console.log(`skip: kernel program-side map differential: ${bpf.reason}`);

function runKernel(def: MapDef, ops: Op[], runs: number): void {
  const program = assemble(source(def, ops));
  const nCpus = possibleCpuCount();
  const prog = loadProgram(program, { logLevel: 0 });
  try {
    const km = prog.maps.get('m')!;
    const reader = def.type === BPF_MAP_TYPE_RINGBUF ? new RingBufferReader(km) : undefined;
    let m: AnyVmMap | undefined;
    try {
      for (let run = 0; run < runs; run++) {
        expect(testRunFd(prog.fd, { data: new Uint8Array(64) }).retval).toBe(0);
        const resBytes = prog.maps.get('res')!.lookup(new Uint8Array(4))!;
        const dv = new DataView(resBytes.buffer, resBytes.byteOffset);
        const kernel = Array.from({ length: 1 + 2 * ops.length }, (_, i) => dv.getBigUint64(8 * i, true));
        const cpu = Number(kernel[0]);
        m ??= createMap(def, { nCpus });
        const full: boolean[] = [];
        const what = `run ${run} of ${JSON.stringify(ops, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
        expect(ours(m, cpu, ops, full), what).toEqual(kernel);
        if (reader && m.kind === 'ringbuf') {
          // Drain both consumers; reserved bytes the program did not write are undefined in the kernel.
          const got: Uint8Array[] = [];
          reader.drain((r) => got.push(r));
          const mine = m.drain();
          expect(mine.map((r) => r.length), what).toEqual(got.map((r) => r.length));
          mine.forEach((r, i) => {
            const k = got[i]!;
            expect(hex(full[i] ? r : r.subarray(0, 1)), what).toBe(hex(full[i] ? k : k.subarray(0, 1)));
          });
        }
      }
      // Final contents through the syscall side.
      if (def.type !== BPF_MAP_TYPE_RINGBUF && def.keySize > 0 && m && (m.kind === 'array' || m.kind === 'hash')) {
        for (let k = 0; k < 7; k++) {
          const kk = Uint8Array.of(k, 0, 0, 0);
          const kv = km.lookup(kk);
          const ov = m.lookupAllCpus(kk);
          const packed = ov && ov.map((v) => hex(v)).join('');
          expect(packed).toBe(kv && hex(kv));
        }
      }
    } finally {
      reader?.close();
    }
  } finally {
    prog.close();
  }
}

describe.skipIf(!bpf.ok)('map helpers against the kernel (program side, BPF_PROG_TEST_RUN)', () => {
  const keyed: [string, number, number][] = [
    ['hash', BPF_MAP_TYPE_HASH, 4],
    ['percpu_hash', BPF_MAP_TYPE_PERCPU_HASH, 4],
    ['array', BPF_MAP_TYPE_ARRAY, 4],
    ['percpu_array', BPF_MAP_TYPE_PERCPU_ARRAY, 4],
    ['lru_hash (never full)', BPF_MAP_TYPE_LRU_HASH, 1024],
  ];
  it.each(keyed)('%s: update/lookup/delete return codes and contents', (_n, type, maxEntries) => {
    const def: MapDef = { name: 'm', type, keySize: 4, valueSize: 8, maxEntries, flags: 0 };
    fc.assert(fc.property(keyedOps, (ops) => runKernel(def, ops, 1)), { numRuns: Number(process.env.TSBPF_MAP_RUNS ?? 25) });
  });
  it.each([
    ['queue', BPF_MAP_TYPE_QUEUE],
    ['stack', BPF_MAP_TYPE_STACK],
  ])('%s: push/pop/peek', (_n, type) => {
    const def: MapDef = { name: 'm', type, keySize: 0, valueSize: 8, maxEntries: 4, flags: 0 };
    fc.assert(fc.property(queueOps, (ops) => runKernel(def, ops, 1)), { numRuns: Number(process.env.TSBPF_MAP_RUNS ?? 25) });
  });
  it('ringbuf: output/reserve/submit/discard/query over three runs, records drained in between', () => {
    const def: MapDef = { name: 'm', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 };
    fc.assert(fc.property(ringOps, (ops) => runKernel(def, ops, 3)), { numRuns: Number(process.env.TSBPF_MAP_RUNS ?? 25) });
  });
});
