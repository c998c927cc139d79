import { closeSync, constants, mkdirSync, openSync, readSync, rmdirSync, writeFileSync } from 'node:fs';
import { EventQueue } from './event-queue.js';
import { FdWatch } from './fd-watch.js';
import { tracefsRoot } from './tracefs.js';

/** One line of trace_pipe, e.g. from bpf_trace_printk. */
export interface TraceLine {
  /** The whole line as the kernel wrote it. */
  readonly line: string;
  readonly comm?: string;
  readonly pid?: number;
  readonly cpu?: number;
  /** Seconds, as printed. */
  readonly timestamp?: number;
  /** `bpf_trace_printk`, `tracing_mark_write`, ... */
  readonly event?: string;
  /** The text after `event: `. */
  readonly message?: string;
}

/**
 * Parse a trace_pipe line: `comm-pid [cpu] flags timestamp: event: message`.
 * @example parseTraceLine('  true-12 [001] ...21 5.000001: bpf_trace_printk: hi').message // 'hi'
 */
export function parseTraceLine(line: string): TraceLine {
  const m = /^\s*(.+?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):\s+([^:]+):\s?(.*)$/.exec(line);
  if (!m) return { line };
  return { line, comm: m[1]!, pid: Number(m[2]), cpu: Number(m[3]), timestamp: Number(m[4]), event: m[5]!, message: m[6]! };
}

/**
 * Reader of `<tracefs>/trace_pipe` (bpf_trace_printk output), non-blocking and polled.
 * trace_pipe is shared by the whole system: a line is delivered to one reader only.
 * @example for await (const l of new TracePipeReader()) console.log(l.message)
 */
export class TracePipeReader implements AsyncIterable<TraceLine>, Disposable {
  private fd: number;
  private watch: FdWatch | undefined;
  private readonly queue = new EventQueue<TraceLine>();
  private partial = '';
  private readonly buf = Buffer.alloc(64 * 1024);
  /** A tracefs instance this reader created and removes on close. */
  private instanceDir: string | undefined;

  /**
   * A reader of bpf_trace_printk lines through a private tracefs instance with the
   * `bpf_trace/bpf_trace_printk` event enabled: the lines land there as well as in the
   * global buffer, so other trace_pipe readers cannot take them first. Removed on close.
   * @example using printk = TracePipeReader.privatePrintk()
   */
  static privatePrintk(intervalMs = 100): TracePipeReader {
    const dir = `${tracefsRoot()}/instances/tsbpf-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
    mkdirSync(dir);
    try {
      writeFileSync(`${dir}/events/bpf_trace/bpf_trace_printk/enable`, '1');
      const r = new TracePipeReader(`${dir}/trace_pipe`, intervalMs);
      r.instanceDir = dir;
      return r;
    } catch (e) {
      rmdirSync(dir);
      throw e;
    }
  }

  constructor(path = `${tracefsRoot()}/trace_pipe`, intervalMs = 100) {
    this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      this.watch = new FdWatch([this.fd], () => this.drain(), intervalMs);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Read what is available now (to `collect`, else to the async iterator); returns the line count. */
  drain(collect?: (l: TraceLine) => void): number {
    let count = 0;
    while (this.fd >= 0) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw e;
      }
      if (n <= 0) break;
      const text = this.partial + this.buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const l of lines) {
        if (l === '') continue;
        const parsed = parseTraceLine(l);
        if (collect) collect(parsed);
        else this.queue.push(parsed);
        count++;
      }
    }
    return count;
  }

  [Symbol.asyncIterator](): AsyncIterator<TraceLine> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** Stop polling, close the file and end the iteration (idempotent). */
  close(): void {
    this.watch?.close();
    this.watch = undefined;
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    if (this.instanceDir) {
      try {
        rmdirSync(this.instanceDir);
      } catch {
        // already removed
      }
      this.instanceDir = undefined;
    }
    this.queue.end();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
