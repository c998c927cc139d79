import { mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_RINGBUF, BPF_PROG_TYPE_XDP, FP, R0, R1, R2, R3, R4, R5, R6,
  add64, call, exit, lddw, ldMapFd, mov64, stdw, stw, type Insn, type Program,
} from '../../src/isa/index.js';
import {
  PerfBufferReader, RingBufferReader, TracePipeReader, loadProgram, parseTraceLine, tracefsRoot, type PerfRecord,
} from '../../src/loader/index.js';
import { kernelAvailable, readU64 } from './support.js';

const canBpf = kernelAvailable('loader event reader tests');
const packet = new Uint8Array(64);

/** *(u64 *)(fp - 8) = value */
const storeValue = (value: bigint): Insn[] => [lddw(R1, value), stdw(FP, -8, R1)];

function perfProgram(value: bigint): Program {
  return {
    insns: [
      mov64(R6, R1), ...storeValue(value),
      mov64(R1, R6), ldMapFd(R2, 'events'), lddw(R3, 0xffffffffn), mov64(R4, FP), add64(R4, -8), mov64(R5, 8), call(25),
      mov64(R0, 2), exit(),
    ],
    maps: [{ name: 'events', type: BPF_MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 0, flags: 0 }],
    symbols: [],
    progType: BPF_PROG_TYPE_XDP,
  };
}

function ringProgram(value: bigint): Program {
  return {
    insns: [
      ...storeValue(value),
      ldMapFd(R1, 'rb'), mov64(R2, FP), add64(R2, -8), mov64(R3, 8), mov64(R4, 0), call(130),
      mov64(R0, 2), exit(),
    ],
    maps: [{ name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0 }],
    symbols: [],
    progType: BPF_PROG_TYPE_XDP,
  };
}

async function take<T>(it: AsyncIterable<T>, n: number, ms = 3000): Promise<T[]> {
  const out: T[] = [];
  const iter = it[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const r = await Promise.race([iter.next(), new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), left))]);
    if (r === 'timeout' || r.done) break;
    out.push(r.value);
  }
  return out;
}

describe.skipIf(!canBpf)('event readers (real kernel)', () => {
  it('delivers bpf_perf_event_output records through the perf buffer async iterator', async () => {
    using prog = loadProgram(perfProgram(0x0123456789abcdefn));
    using reader = new PerfBufferReader(prog.map('events'));
    prog.testRun({ data: packet, repeat: 5 });
    const recs = await take(reader, 5);
    expect(recs.length).toBe(5);
    for (const r of recs) {
      expect(r.kind).toBe('sample');
      if (r.kind === 'sample') expect(readU64(r.data)).toBe(0x0123456789abcdefn);
    }
  });

  it('drains perf records synchronously with the values each program wrote (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 1, max: 40 }), (value, runs) => {
      using prog = loadProgram(perfProgram(value));
      using reader = new PerfBufferReader(prog.map('events'), { pages: 1 });
      prog.testRun({ data: packet, repeat: runs });
      const got: PerfRecord[] = [];
      reader.drain((r) => got.push(r));
      expect(got.map((r) => (r.kind === 'sample' ? readU64(r.data) : -1n))).toEqual(new Array(runs).fill(value));
    }), { numRuns: 10 });
  });

  it('delivers bpf_ringbuf_output records through the ring buffer reader', async () => {
    using prog = loadProgram(ringProgram(0xfeedfacecafebeefn));
    using reader = new RingBufferReader(prog.map('rb'));
    prog.testRun({ data: packet, repeat: 3 });
    const recs = await take(reader, 3);
    expect(recs.map((r) => readU64(r))).toEqual([0xfeedfacecafebeefn, 0xfeedfacecafebeefn, 0xfeedfacecafebeefn]);
    // 16-byte records (8 header + 8 data) in a 4 KiB ring: the kernel keeps the ring below
    // full (new_prod - cons must not exceed the mask), so 255 fit and the rest are dropped.
    prog.testRun({ data: packet, repeat: 400 });
    const got: Uint8Array[] = [];
    reader.drain((r) => got.push(r));
    expect(got.length).toBe(255);
    // Past the end of the ring: positions wrap around.
    prog.testRun({ data: packet, repeat: 100 });
    reader.drain((r) => got.push(r));
    expect(got.length).toBe(355);
    expect(got.every((r) => readU64(r) === 0xfeedfacecafebeefn)).toBe(true);
  });

  it('reads bpf_trace_printk output from a private tracefs instance, removed on close', async () => {
    const marker = `tsbpf${process.pid}`;
    const fmt = Buffer.alloc(24);
    fmt.write(`${marker}\n`);
    const insns: Insn[] = [];
    for (let i = 0; i < 24; i += 4) insns.push(stw(FP, -24 + i, fmt.readInt32LE(i)));
    insns.push(mov64(R1, FP), add64(R1, -24), mov64(R2, marker.length + 2), call(6), mov64(R0, 2), exit());
    using prog = loadProgram({ insns, maps: [], symbols: [], progType: BPF_PROG_TYPE_XDP });
    const reader = TracePipeReader.privatePrintk();
    const instances = (): string[] => readdirSync(`${tracefsRoot()}/instances`).filter((d) => d.startsWith(`tsbpf-${process.pid}-`));
    expect(instances().length).toBe(1);
    prog.testRun({ data: packet, repeat: 3 });
    const seen: string[] = [];
    const deadline = Date.now() + 3000;
    for await (const line of reader) {
      if (line.message === marker) {
        expect(line.event).toBe('bpf_trace_printk');
        expect(line.pid).toBe(process.pid);
        seen.push(line.message);
      }
      if (seen.length === 3 || Date.now() > deadline) break;
    }
    expect(seen.length).toBe(3);
    reader.close();
    expect(instances()).toEqual([]);
  });

  it('reads any trace_pipe: trace_marker lines of a tracefs instance', async () => {
    // An instance of our own, so the shared trace_pipe of other readers is left alone.
    const dir = `${tracefsRoot()}/instances/tsbpf-marker-${process.pid}`;
    mkdirSync(dir);
    try {
      using reader = new TracePipeReader(`${dir}/trace_pipe`, 20);
      const marker = `tsbpf-marker-${process.pid}`;
      writeFileSync(`${dir}/trace_marker`, `${marker}\n`);
      const [line] = await take(reader, 1);
      expect(line?.message).toBe(marker);
      expect(line?.event).toBe('tracing_mark_write');
      expect(line?.pid).toBe(process.pid);
    } finally {
      rmdirSync(dir);
    }
  });
});

describe('parseTraceLine', () => {
  it('splits the fields of a trace_pipe line', () => {
    expect(parseTraceLine('            true-10746   [001] ...21   681.214775: bpf_trace_printk: Get x')).toEqual({
      line: '            true-10746   [001] ...21   681.214775: bpf_trace_printk: Get x',
      comm: 'true', pid: 10746, cpu: 1, timestamp: 681.214775, event: 'bpf_trace_printk', message: 'Get x',
    });
    expect(parseTraceLine('garbage')).toEqual({ line: 'garbage' });
  });
});
