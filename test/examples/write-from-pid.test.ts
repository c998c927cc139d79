/**
 * write-from-pid: on syscalls/sys_enter_write, printk "BPF triggered from PID <pid>."
 * when the writer's tgid is the one in map `my_pid`. In the VM for simulated tasks
 * (a property over pids), and in the kernel for a child process writing to a pipe.
 */
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { attachTracepoint, loadProgram } from '../../src/loader/index.js';
import { createVm } from '../../src/vm/index.js';
import { announceKernel, exampleBytes, exampleProgram, storedFormat } from './example-kit.js';
import { PrintkInstance } from './kernel-kit.js';
import { buildRecord } from './tracepoint-record.js';

const program = exampleProgram('write-from-pid/write-from-pid.s');
const KEY0 = new Uint8Array(4);
const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
/** pid_max can be at most 4194304 (PID_MAX_LIMIT). */
const PID_MAX = 4_194_304;

describe('write-from-pid in the VM', () => {
  test('prints for the PID in my_pid, on the stored write context', () => {
    const vm = createVm(program, { task: { pid: 4243, tgid: 4242 } });
    const ctx = exampleBytes('write-from-pid/write-ctx.bin');
    expect(vm.run({ ctx }).output).toEqual([]); // my_pid is 0 until user space sets it
    vm.maps.get('my_pid')!.update(KEY0, u32(4242));
    const r = vm.run({ ctx });
    expect(r.output).toEqual(['BPF triggered from PID 4242.']);
    expect(r.r0).toBe(0n);
  });

  test('property: it prints exactly when the tgid (not the thread id) equals my_pid', () => {
    const format = storedFormat('sys_enter_write');
    fc.assert(fc.property(
      fc.integer({ min: 1, max: PID_MAX }), fc.integer({ min: 1, max: PID_MAX }), fc.integer({ min: 0, max: PID_MAX }), fc.boolean(),
      (tgid, tid, other, same) => {
        const myPid = same ? tgid : other;
        const vm = createVm(program, { task: { pid: tid, tgid } });
        vm.maps.get('my_pid')!.update(KEY0, u32(myPid));
        const ctx = buildRecord(format, { common_pid: tid, __syscall_nr: 1, fd: 1, buf: 0x1000n, count: 3 });
        const r = vm.run({ ctx });
        expect(r.output).toEqual(myPid === tgid ? [`BPF triggered from PID ${tgid}.`] : []);
      },
    ), { numRuns: 200 });
  });
});

describe.runIf(announceKernel('write-from-pid attached to syscalls/sys_enter_write'))('write-from-pid in the kernel', () => {
  test('a child writing to a pipe triggers it once my_pid holds the child\'s PID', async () => {
    using prog = loadProgram(program);
    using printk = new PrintkInstance();
    const child = spawn('/bin/sh', ['-c', 'read line; echo "$line"'], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const echoed = new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
      prog.map('my_pid').update(KEY0, u32(child.pid!));
      using _attached = attachTracepoint(prog, 'syscalls/sys_enter_write');
      child.stdin.write('ping\n');
      expect(await echoed).toBe('ping\n');
      const want = `BPF triggered from PID ${child.pid}.`;
      const line = await printk.waitFor((l) => l.event === 'bpf_trace_printk' && l.message === want);
      expect(line, `no '${want}' line`).toBeDefined();
      expect(line!.pid).toBe(child.pid);
    } finally {
      child.kill();
    }
  });
});
