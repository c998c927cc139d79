import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_RINGBUF, BPF_PROG_TYPE_TRACEPOINT,
  BPF_PROG_TYPE_XDP, FP, R0, R1, R2, add64, call, exit, jeq, ldMapFd, mov64, stw, type Program,
} from '../../src/isa/index.js';
import {
  PerfBufferReader, RingBufferReader, TracePipeReader, attachTracepoint, createKernelMap, loadProgram,
} from '../../src/loader/index.js';
import { kernelAvailable, u32, u64 } from './support.js';

const canBpf = kernelAvailable('loader fd hygiene tests');
const fdCount = (): number => readdirSync('/proc/self/fd').length;
const kernelMappings = (): number => readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => /anon_inode:(\[perf_event\]|bpf)/.test(l)).length;

const program: Program = {
  insns: [
    stw(FP, -4, 0), ldMapFd(R1, 'm'), mov64(R2, FP), add64(R2, -4), call(1), jeq(R0, 0, 1), mov64(R0, 2), exit(),
  ],
  maps: [{ name: 'm', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }],
  symbols: [],
  progType: BPF_PROG_TYPE_XDP,
};

describe.skipIf(!canBpf)('every fd and mapping is released (real kernel)', () => {
  it('loads, test-runs and closes 1,000 programs and maps with /proc/self/fd back at its start count', () => {
    const start = fdCount();
    const packet = new Uint8Array(64);
    for (let i = 0; i < 1000; i++) {
      using m = createKernelMap({ name: `h${i}`, type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 });
      m.update(u32(0), u64(BigInt(i)));
      using prog = loadProgram(program, i % 2 ? { maps: new Map([['m', m]]) } : {});
      expect(prog.testRun({ data: packet }).retval).toBe(2);
      if (i % 100 === 0) prog.info();
    }
    expect(fdCount()).toBe(start);
  });

  it('releases rejected loads, readers, mappings and attachments', () => {
    const start = fdCount();
    const maps = kernelMappings();
    for (let i = 0; i < 20; i++) {
      expect(() => loadProgram({ ...program, insns: [exit()] })).toThrow();
      using events = createKernelMap({ name: 'ev', type: BPF_MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: 0, flags: 0 });
      using perf = new PerfBufferReader(events, { pages: 2 });
      using rb = createKernelMap({ name: 'rb', type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: 8192, flags: 0 });
      using ring = new RingBufferReader(rb);
      using pipe = TracePipeReader.privatePrintk();
      using tp = loadProgram({ insns: [mov64(R0, 0), exit()], maps: [], symbols: [], progType: BPF_PROG_TYPE_TRACEPOINT });
      using att = attachTracepoint(tp, 'syscalls/sys_enter_getpid');
      expect(kernelMappings()).toBeGreaterThan(maps);
      void perf; void ring; void pipe; void att;
    }
    expect(fdCount()).toBe(start);
    expect(kernelMappings()).toBe(maps);
  });
});
