/**
 * The examples' user-space Node scripts (counter.mjs, write-from-pid.mjs,
 * exec-tracer.mjs) run as a user would run them: as child processes on the built
 * package (`tsbpf/asm`, `tsbpf/loader` resolve to dist/), for a few seconds, while we
 * trigger their events.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { announceKernel, examplePath } from './example-kit.js';
import { KnownExecutable, PrintkInstance, runToExit } from './kernel-kit.js';

const built = existsSync(fileURLToPath(new URL('../../dist/src/loader/index.js', import.meta.url)));
if (!built) console.log('skip: the examples\' user-space scripts: tsbpf is not built (dist/ is missing; run npm run build)');
const canRun = announceKernel('the examples\' user-space scripts') && built;

interface Script {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves at the first stdout output (the script is attached). */
  readonly ready: Promise<void>;
  /** Resolves to all stdout at exit (rejects on a non-zero exit). */
  readonly done: Promise<string>;
}

function runScript(rel: string, args: readonly string[]): Script {
  const child = spawn(process.execPath, [examplePath(rel), ...args], { stdio: 'pipe' });
  let out = '', err = '';
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const done = new Promise<string>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${rel} exited with ${code}: ${err}`))));
  });
  return { child, ready, done };
}

describe.runIf(canRun)('the examples\' user-space scripts', () => {
  test('execve-counter/counter.mjs prints a growing count that includes our /bin/true runs', async () => {
    const s = runScript('execve-counter/counter.mjs', ['--duration', '2.5']);
    await s.ready;
    for (let i = 0; i < 4; i++) await runToExit('/bin/true');
    const out = await s.done;
    const counts = [...out.matchAll(/execve calls: (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(Number(/total: (\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(4);
  });

  test('write-from-pid/write-from-pid.mjs triggers the program from its own PID', async () => {
    using printk = new PrintkInstance();
    const s = runScript('write-from-pid/write-from-pid.mjs', ['--duration', '2.5']);
    await s.ready;
    const pid = s.child.pid!;
    const line = await printk.waitFor((l) => l.message === `BPF triggered from PID ${pid}.`, 4000);
    await s.done;
    expect(line?.pid).toBe(pid);
  });

  for (const mode of [[], ['--ringbuf']] as const) {
    test(`exec-tracer/exec-tracer.mjs ${mode.join(' ')} prints TIME EVENT PID COMM FILENAME for a known executable`, async () => {
      using known = new KnownExecutable();
      const s = runScript('exec-tracer/exec-tracer.mjs', [...mode, '--duration', '2.5']);
      await s.ready;
      const pid = await runToExit(known.path);
      const out = await s.done;
      expect(out.split('\n')[0]).toMatch(/^TIME\s+EVENT\s+PID\s+COMM\s+FILENAME$/);
      const line = out.split('\n').find((l) => l.includes(known.path));
      expect(line, `no line for ${known.path} in:\n${out}`).toBeDefined();
      expect(line!.split(/\s+/)).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d$/), 'EXEC', String(pid), known.comm, known.path]);
    });
  }
});
