#!/usr/bin/env node
// write-from-pid's user space (libbpf-bootstrap's `minimal`): load write-from-pid.s,
// store our own PID in map `my_pid`, attach to syscalls/sys_enter_write, and write a
// dot to stderr every second, each of which triggers the program. Watch the result in
// another terminal:  cat /sys/kernel/tracing/trace_pipe
// Needs root (or CAP_BPF + CAP_PERFMON) and a built tsbpf (`npm install` builds it).
//   node examples/write-from-pid/write-from-pid.mjs [--duration SECONDS]
import { readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assemble } from 'tsbpf/asm';
import { attachTracepoint, loadProgram, tracefsRoot } from 'tsbpf/loader';

const { values } = parseArgs({ options: { duration: { type: 'string' } } });
const source = new URL('./write-from-pid.s', import.meta.url);
const program = assemble(readFileSync(source, 'utf8'), { file: 'write-from-pid.s' });

const prog = loadProgram(program);
const pid = new Uint8Array(4);
new DataView(pid.buffer).setUint32(0, process.pid, true);
prog.map('my_pid').update(new Uint8Array(4), pid);
const attachment = attachTracepoint(prog, 'syscalls/sys_enter_write');

console.log(`my_pid = ${process.pid}. Run \`cat ${tracefsRoot()}/trace_pipe\` to see "BPF triggered from PID ${process.pid}."; Ctrl-C to stop`);
const timer = setInterval(() => writeSync(2, '.'), 1000);

const stop = () => {
  clearInterval(timer);
  writeSync(2, '\n');
  attachment.close();
  prog.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values.duration !== undefined) setTimeout(stop, Number(values.duration) * 1000);
