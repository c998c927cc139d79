/**
 * hello: bpf_trace_printk("Get") on syscalls/sys_enter_execve, in the VM on a context
 * built from the tracepoint's format, and attached in the kernel: running /bin/true
 * prints `Get` from that process.
 */
import { describe, expect, test } from 'vitest';
import { BPF_PROG_TYPE_TRACEPOINT } from '../../src/isa/prog-types.js';
import { attachTracepoint, loadProgram } from '../../src/loader/index.js';
import { createVm } from '../../src/vm/index.js';
import { announceKernel, exampleBytes, exampleProgram, storedFormat } from './example-kit.js';
import { PrintkInstance, runToExit } from './kernel-kit.js';
import { buildRecord } from './tracepoint-record.js';

const program = exampleProgram('hello/hello.s');

describe('hello in the VM', () => {
  test('prints Get and returns 0 on the stored execve context', () => {
    expect(program.progType).toBe(BPF_PROG_TYPE_TRACEPOINT);
    const r = createVm(program).run({ ctx: exampleBytes('hello/execve-ctx.bin') });
    expect(r.r0).toBe(0n);
    expect(r.output).toEqual(['Get']);
    expect(r.insns).toBe(8);
  });

  test('prints Get once per event, whatever the execve record holds', () => {
    const vm = createVm(program);
    const format = storedFormat('sys_enter_execve');
    for (const filename of [0n, 0x7fff_ffff_f000n, 0xffff_ffff_ffff_ffffn]) {
      const r = vm.run({ ctx: buildRecord(format, { common_pid: 1, __syscall_nr: 59, filename }) });
      expect(r.output).toEqual(['Get']);
    }
  });
});

describe.runIf(announceKernel('hello attached to syscalls/sys_enter_execve'))('hello in the kernel', () => {
  test('the kernel accepts it; an execve of /bin/true prints Get from that pid', async () => {
    using prog = loadProgram(program);
    expect(prog.stats.insnsProcessed).toBeGreaterThan(0);
    using printk = new PrintkInstance();
    using _attached = attachTracepoint(prog, 'syscalls/sys_enter_execve');
    const pid = await runToExit('/bin/true');
    const line = await printk.waitFor((l) => l.pid === pid && l.event === 'bpf_trace_printk');
    expect(line?.message, `no bpf_trace_printk line from pid ${pid}`).toBe('Get');
  });
});
