import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bpfAvailable } from '../../src/loader/index.js';
import { cliWith, tempDir } from './support.js';

const { put } = tempDir('tsbpf-attach-cli-');
const cli = cliWith;

const runTrue = (): Promise<void> => new Promise((resolve, reject) => {
  spawn('/bin/true').on('exit', () => resolve()).on('error', reject);
});

const avail = bpfAvailable();
if (!avail.ok) console.log(`skip: tsbpf-asm attach tests: ${avail.reason}`);
const COUNTER = join(import.meta.dirname, '../../examples/execve-counter/execve-counter.s');
const HELLO = join(import.meta.dirname, '../../examples/hello/hello.s');

/** Emits { pid, value } to a ring buffer and a perf buffer on every execve. */
const EMITTER = put('emit.s', [
  '.prog_type tracepoint', '.license "GPL"',
  '.map rb, ringbuf, key=0, value=0, entries=4096',
  '.map ev, perf_event_array, key=4, value=4, entries=0',
  'mov %r6, %r1',
  'call bpf_get_current_pid_tgid', 'rsh %r0, 32', 'stxw [%r10-8], %r0', 'stw [%r10-4], 0x5eed',
  'lddw %r1, map[rb]', 'mov %r2, %r10', 'add %r2, -8', 'mov %r3, 8', 'mov %r4, 0', 'call bpf_ringbuf_output',
  'mov %r1, %r6', 'lddw %r2, map[ev]', 'lddw %r3, 0xffffffff', 'mov %r4, %r10', 'add %r4, -8', 'mov %r5, 8', 'call bpf_perf_event_output',
  'mov %r0, 0', 'exit', '',
].join('\n'));

describe.skipIf(!avail.ok)('tsbpf-asm attach (real kernel)', () => {
  it('counts the /bin/true runs during --duration and prints the map', async () => {
    let spawned: Promise<void> | undefined;
    const r = await cli(['attach', COUNTER, '--tracepoint', 'syscalls/sys_enter_execve', '--duration', '1'], (out) => {
      if (!spawned && out.includes('attached')) spawned = (async () => { for (let i = 0; i < 4; i++) await runTrue(); })();
    });
    await spawned;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^attached to tracepoint syscalls\/sys_enter_execve; streaming for 1 s \(Ctrl-C to stop\)$/m);
    expect(r.out).toMatch(/^detached \(duration ended\)$/m);
    const m = /^map counts \(array, key 4, value 8, max_entries 1\):\n {2}0 => (\d+)$/m.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(4);
  });

  it('streams ring buffer and perf buffer records and stops cleanly on Ctrl-C', async () => {
    const pids: number[] = [];
    let started = false;
    const r = await cli(['attach', EMITTER, '--tracepoint', 'syscalls/sys_enter_execve'], (out) => {
      if (started || !out.includes('attached')) return;
      started = true;
      void (async () => {
        for (let i = 0; i < 3; i++) {
          const c = spawn('/bin/true');
          pids.push(c.pid!);
          await new Promise((res) => c.on('exit', res));
        }
        await new Promise((res) => setTimeout(res, 300));
        process.emit('SIGINT');
      })();
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^detached \(interrupted\)$/m);
    expect(process.listenerCount('SIGINT')).toBe(0);
    const le32 = (v: number): string => Buffer.from(Uint32Array.of(v).buffer).toString('hex');
    for (const pid of pids) {
      expect(r.out).toContain(`ringbuf rb: ${le32(pid)}${le32(0x5eed)}`);
      // PERF_SAMPLE_RAW data is padded with zeros so that its u32 size + data stay 8-byte aligned.
      expect(r.out).toMatch(new RegExp(`^perf ev cpu \\d+: ${le32(pid)}${le32(0x5eed)}(00){4}$`, 'm'));
    }
  });

  it('streams bpf_trace_printk lines (examples/hello) from a private trace instance', async () => {
    const pids: number[] = [];
    let spawned: Promise<void> | undefined;
    const r = await cli(['attach', HELLO, '--tracepoint', 'syscalls/sys_enter_execve', '--duration', '1'], (out) => {
      if (!spawned && out.includes('attached')) {
        spawned = (async () => {
          for (let i = 0; i < 3; i++) {
            const c = spawn('/bin/true');
            pids.push(c.pid!);
            await new Promise((res) => c.on('exit', res));
          }
        })();
      }
    });
    await spawned;
    expect(r.code).toBe(0);
    for (const pid of pids) expect(r.out).toMatch(new RegExp(`^printk \\S+-${pid}: Get$`, 'm'));
  });

  it('explains usage mistakes', async () => {
    expect((await cli(['attach', COUNTER])).code).toBe(2);
    expect((await cli(['attach', COUNTER, '--tracepoint', 'a/b', '--raw-tracepoint', 'x'])).code).toBe(2);
    const r = await cli(['attach', COUNTER, '--tracepoint', 'syscalls/sys_enter_nothing', '--duration', '0.1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no tracepoint syscalls\/sys_enter_nothing/);
  });
});
