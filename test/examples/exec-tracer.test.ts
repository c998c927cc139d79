/**
 * exec-tracer (perf buffer) and exec-tracer-ringbuf: { pid, comm[16], filename[512] }
 * per sched/sched_process_exec. In the VM on records built from the tracepoint's
 * format (a property over file names, pids and comms, with filename truncation at
 * 511 characters); in the kernel, executing a path of our own yields its record.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_RINGBUF } from '../../src/isa/map-types.js';
import type { Program } from '../../src/isa/program.js';
import { PerfBufferReader, RingBufferReader, attachTracepoint, loadProgram } from '../../src/loader/index.js';
import { createVm, type RunResult } from '../../src/vm/index.js';
import { announceKernel, exampleBytes, exampleProgram, storedFormat } from './example-kit.js';
import { KnownExecutable, firstMatch, runToExit } from './kernel-kit.js';
import { buildRecord } from './tracepoint-record.js';

/** struct event { u32 pid; char comm[16]; char filename[512]; } */
const EVENT_SIZE = 532;
interface ExecEvent { readonly pid: number; readonly comm: string; readonly filename: string }

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString('latin1');
}

function parseEvent(data: Uint8Array): ExecEvent {
  if (data.byteLength < EVENT_SIZE) throw new Error(`event of ${data.byteLength} bytes, expected ${EVENT_SIZE}`);
  return {
    pid: new DataView(data.buffer, data.byteOffset).getUint32(0, true),
    comm: cString(data.subarray(4, 20)),
    filename: cString(data.subarray(20, EVENT_SIZE)),
  };
}

const variants: ReadonlyArray<{ file: string; program: Program; records: (r: RunResult) => Uint8Array[] }> = [
  { file: 'exec-tracer/exec-tracer.s', program: exampleProgram('exec-tracer/exec-tracer.s'), records: (r) => r.perf.filter((p) => p.map === 'pb').map((p) => p.data) },
  { file: 'exec-tracer/exec-tracer-ringbuf.s', program: exampleProgram('exec-tracer/exec-tracer-ringbuf.s'), records: (r) => r.ringbuf.filter((p) => p.map === 'rb').map((p) => p.data) },
];

describe('exec-tracer in the VM', () => {
  test('maps: a PERCPU_ARRAY scratch event and a perf event array; a 256 KiB ring buffer', () => {
    expect(variants[0]!.program.maps.map((m) => [m.name, m.type, m.valueSize])).toEqual([
      ['heap', BPF_MAP_TYPE_PERCPU_ARRAY, EVENT_SIZE], ['pb', BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4],
    ]);
    expect(variants[1]!.program.maps.map((m) => [m.name, m.type, m.maxEntries])).toEqual([['rb', BPF_MAP_TYPE_RINGBUF, 262144]]);
  });

  for (const v of variants) {
    test(`${v.file}: one event for the stored /bin/true record`, () => {
      const r = createVm(v.program, { task: { pid: 4242, tgid: 4242, comm: 'true' } }).run({ ctx: exampleBytes('exec-tracer/exec-ctx.bin') });
      expect(r.r0).toBe(0n);
      const recs = v.records(r);
      expect(recs.map((d) => d.byteLength)).toEqual([EVENT_SIZE]);
      expect(parseEvent(recs[0]!)).toEqual({ pid: 4242, comm: 'true', filename: '/bin/true' });
    });

    test(`${v.file}: property: pid, comm and the __data_loc file name (cut at 511 chars) reach the event`, () => {
      const format = storedFormat('sched_process_exec');
      const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
      fc.assert(fc.property(
        fc.array(printable, { minLength: 1, maxLength: 700 }).map((a) => a.join('')),
        fc.array(printable, { minLength: 1, maxLength: 15 }).map((a) => a.join('')),
        fc.integer({ min: 1, max: 4_194_304 }), fc.integer({ min: 1, max: 4_194_304 }),
        (filename, comm, tgid, tid) => {
          const ctx = buildRecord(format, { common_pid: tid, filename, pid: tid, old_pid: tid });
          const r = createVm(v.program, { task: { pid: tid, tgid, comm } }).run({ ctx });
          const recs = v.records(r);
          expect(recs.length).toBe(1);
          expect(parseEvent(recs[0]!)).toEqual({ pid: tgid, comm, filename: filename.slice(0, 511) });
        },
      ), { numRuns: 60 });
    });
  }
});

describe.runIf(announceKernel('exec-tracer attached to sched/sched_process_exec'))('exec-tracer in the kernel', () => {
  test('perf buffer: executing a known path gives its { pid, comm, filename } record', async () => {
    using prog = loadProgram(variants[0]!.program);
    using reader = new PerfBufferReader(prog.map('pb'), { pages: 64 }); // 256 KiB per CPU: room for bursts of other processes' execs
    using known = new KnownExecutable();
    using _attached = attachTracepoint(prog, 'sched/sched_process_exec');
    const pid = await runToExit(known.path);
    const rec = await firstMatch(reader, (r) => r.kind === 'sample' && parseEvent(r.data).pid === pid, 5000);
    expect(rec?.kind, `no perf record for pid ${pid}`).toBe('sample');
    if (rec?.kind === 'sample') expect(parseEvent(rec.data)).toEqual({ pid, comm: known.comm, filename: known.path });
  });

  test('ring buffer: executing a known path gives its { pid, comm, filename } record', async () => {
    using prog = loadProgram(variants[1]!.program);
    using reader = new RingBufferReader(prog.map('rb'));
    using known = new KnownExecutable();
    using _attached = attachTracepoint(prog, 'sched/sched_process_exec');
    const pid = await runToExit(known.path);
    const rec = await firstMatch(reader, (d) => parseEvent(d).pid === pid, 5000);
    expect(rec, `no ring buffer record for pid ${pid}`).toBeDefined();
    expect(rec!.byteLength).toBe(EVENT_SIZE);
    expect(parseEvent(rec!)).toEqual({ pid, comm: known.comm, filename: known.path });
  });
});
