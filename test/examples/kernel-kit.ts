/**
 * Kernel-side pieces of the example tests: a private trace buffer for printk lines,
 * waiting on async event streams, and processes that trigger the tracepoints.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TracePipeReader, tracefsRoot, type TraceLine } from '../../src/loader/index.js';

/**
 * A tracefs instance of our own with the `bpf_trace/bpf_trace_printk` event enabled:
 * bpf_trace_printk lines land in it as well as in the global buffer, and no other
 * reader of the shared trace_pipe can consume them before we do.
 */
export class PrintkInstance implements Disposable {
  readonly dir: string;
  readonly reader: TracePipeReader;

  constructor() {
    this.dir = `${tracefsRoot()}/instances/tsbpf-examples-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
    mkdirSync(this.dir);
    try {
      writeFileSync(`${this.dir}/events/bpf_trace/bpf_trace_printk/enable`, '1');
      this.reader = new TracePipeReader(`${this.dir}/trace_pipe`, 50);
    } catch (e) {
      rmdirSync(this.dir);
      throw e;
    }
  }

  /** The first line for which `pred` holds, within `timeoutMs`. */
  waitFor(pred: (l: TraceLine) => boolean, timeoutMs = 5000): Promise<TraceLine | undefined> {
    return firstMatch(this.reader, pred, timeoutMs);
  }

  close(): void {
    this.reader.close();
    try {
      rmdirSync(this.dir);
    } catch {
      // already gone
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

const sleep = (ms: number): Promise<'timeout'> => new Promise((r) => setTimeout(() => r('timeout'), ms));

/** The first item of `source` for which `pred` holds, or undefined after `timeoutMs` or at its end. */
export async function firstMatch<T>(source: AsyncIterable<T>, pred: (t: T) => boolean, timeoutMs: number): Promise<T | undefined> {
  const it = source[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    const r = await Promise.race([it.next(), sleep(left)]);
    if (r === 'timeout' || r.done) return undefined;
    if (pred(r.value)) return r.value;
  }
}

/** Run `file` with `args` to completion; resolves to its pid. */
export function runToExit(file: string, args: readonly string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(child.pid!);
      else reject(new Error(`${file} exited with ${code}`));
    });
  });
}

/**
 * A path of our own that executes /bin/true (a symlink in a fresh temp directory), so
 * an exec event of it is recognisably ours: its comm is the link's name (under 16 chars).
 */
export class KnownExecutable implements Disposable {
  readonly dir: string;
  readonly path: string;
  readonly comm: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'tsbpf-ex-'));
    this.comm = `tsbpf${Math.floor(Math.random() * 1e9)}`.slice(0, 15);
    this.path = join(this.dir, this.comm);
    symlinkSync('/bin/true', this.path);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
