/**
 * The tracepoint layouts the examples rely on: the format files stored in
 * examples/formats match the running kernel's, and the VM contexts in the examples
 * (`--ctx-file`) are the records those layouts describe.
 */
import { describe, expect, test } from 'vitest';
import { buildRecord, type TracepointFormat } from './tracepoint-record.js';
import { exampleBytes, liveFormat, storedFormat } from './example-kit.js';

const tracepoints = ['syscalls/sys_enter_execve', 'syscalls/sys_enter_write', 'sched/sched_process_exec'] as const;
const short = (tp: string): string => tp.split('/')[1]!;
const layout = (f: TracepointFormat): string[] => [...f.fields.values()].map((x) => `${x.name}@${x.offset}:${x.size}${x.signed ? 's' : 'u'}${x.dataLoc ? ' data_loc' : ''}`);

describe('tracepoint formats', () => {
  test('the stored layouts are the ones the examples assume', () => {
    const exec = storedFormat('sched_process_exec').fields;
    expect(exec.get('filename')).toMatchObject({ offset: 8, size: 4, dataLoc: true });
    expect(exec.get('pid')).toMatchObject({ offset: 12, size: 4, signed: true });
    const write = storedFormat('sys_enter_write').fields;
    expect(write.get('fd')).toMatchObject({ offset: 16, size: 8 });
    const execve = storedFormat('sys_enter_execve').fields;
    expect(execve.get('filename')).toMatchObject({ offset: 16, size: 8, dataLoc: false });
  });

  const live = tracepoints.map((tp) => [tp, liveFormat(tp)] as const);
  if (live.some(([, f]) => f === undefined)) console.log('skip: comparing stored tracepoint formats with the kernel\'s: /sys/kernel/tracing/events is not readable here');
  test.runIf(live.every(([, f]) => f !== undefined))('the stored formats match the running kernel\'s field layout', () => {
    for (const [tp, f] of live) expect(layout(storedFormat(short(tp))), tp).toEqual(layout(f!));
  });

  test('the examples\' context files are the records of the stored layouts', () => {
    const PID = 4242;
    const cases: Array<[string, string, Record<string, number | bigint | string>]> = [
      ['hello/execve-ctx.bin', 'sys_enter_execve', { common_pid: PID, __syscall_nr: 59, filename: 0x7ffd_0000_1000n, argv: 0x7ffd_0000_2000n, envp: 0x7ffd_0000_3000n }],
      ['write-from-pid/write-ctx.bin', 'sys_enter_write', { common_pid: PID, __syscall_nr: 1, fd: 1, buf: 0x7ffd_0000_4000n, count: 6 }],
      ['exec-tracer/exec-ctx.bin', 'sched_process_exec', { common_pid: PID, filename: '/bin/true', pid: PID, old_pid: PID }],
    ];
    for (const [file, format, values] of cases) {
      expect(Buffer.from(exampleBytes(file)).toString('hex'), file).toBe(Buffer.from(buildRecord(storedFormat(format), values)).toString('hex'));
    }
    // the __data_loc word points at the string: offset 20 (after old_pid), length 10 with the NUL
    const rec = Buffer.from(exampleBytes('exec-tracer/exec-ctx.bin'));
    const loc = rec.readUInt32LE(8);
    expect(loc & 0xffff).toBe(20);
    expect(loc >>> 16).toBe(10);
    expect(rec.toString('latin1', 20, 29)).toBe('/bin/true');
  });
});
