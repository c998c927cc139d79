#!/usr/bin/env node
// exec-tracer's user space: load exec-tracer.s (perf buffer) or, with --ringbuf,
// exec-tracer-ringbuf.s (BPF ring buffer), attach to sched/sched_process_exec, and
// print one line per exec:  TIME EVENT PID COMM FILENAME
// Needs root (or CAP_BPF + CAP_PERFMON) and a built tsbpf (`npm install` builds it).
//   node examples/exec-tracer/exec-tracer.mjs [--ringbuf] [--duration SECONDS]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assemble } from 'tsbpf/asm';
import { PerfBufferReader, RingBufferReader, attachTracepoint, loadProgram } from 'tsbpf/loader';

const { values } = parseArgs({ options: { ringbuf: { type: 'boolean' }, duration: { type: 'string' } } });
const file = values.ringbuf ? 'exec-tracer-ringbuf.s' : 'exec-tracer.s';
const program = assemble(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8'), { file });

/** struct event { u32 pid; char comm[16]; char filename[512]; } */
const cString = (b) => {
  const end = b.indexOf(0);
  return Buffer.from(b.subarray(0, end < 0 ? b.length : end)).toString('utf8');
};
const parseEvent = (data) => ({
  pid: new DataView(data.buffer, data.byteOffset).getUint32(0, true),
  comm: cString(data.subarray(4, 20)),
  filename: cString(data.subarray(20, 532)),
});

const prog = loadProgram(program);
const reader = values.ringbuf ? new RingBufferReader(prog.map('rb')) : new PerfBufferReader(prog.map('pb'));
const attachment = attachTracepoint(prog, 'sched/sched_process_exec');

const stop = () => {
  attachment.close();
  reader.close();
  prog.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values.duration !== undefined) setTimeout(stop, Number(values.duration) * 1000);

console.log(`${'TIME'.padEnd(8)} ${'EVENT'.padEnd(5)} ${'PID'.padEnd(7)} ${'COMM'.padEnd(16)} FILENAME`);
for await (const rec of reader) {
  let data = rec;
  if (!values.ringbuf) {
    if (rec.kind === 'lost') {
      console.log(`(lost ${rec.lost} events on cpu ${rec.cpu})`);
      continue;
    }
    data = rec.data;
  }
  const e = parseEvent(data);
  console.log(`${new Date().toTimeString().slice(0, 8)} ${'EXEC'.padEnd(5)} ${String(e.pid).padEnd(7)} ${e.comm.padEnd(16)} ${e.filename}`);
}
