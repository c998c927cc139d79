/**
 * `tsbpf-asm attach FILE --tracepoint CATEGORY/NAME | --raw-tracepoint NAME [--duration S]`:
 * load, attach, stream bpf_trace_printk lines, perf buffer and ring buffer records until
 * Ctrl-C or the duration ends, detach, then print the program's maps.
 */
import { BPF_MAP_TYPE_PERF_EVENT_ARRAY, BPF_MAP_TYPE_RINGBUF, mapTypeName } from '../isa/map-types.js';
import type { Program } from '../isa/program.js';
import { BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT } from '../isa/prog-types.js';
import {
  PerfBufferReader, RingBufferReader, TracePipeReader, attachRawTracepoint, attachTracepoint,
  type Attachment, type KernelMap, type KernelProgram, type PerfRecord, type TraceLine,
} from '../loader/index.js';
import { UsageError } from './errors.js';
import { loadProgramFile } from './input.js';
import { loadForCli, requireKernel } from './load.js';
import { progTypeOption } from './options.js';
import { type CliIo, registerCommand } from './main.js';

interface AttachCliOptions {
  tracepoint?: string;
  rawTracepoint?: string;
  duration?: string;
  progType?: string;
  maxEntries?: string;
}

const BPF_FUNC_trace_printk = 6;
const BPF_FUNC_trace_vprintk = 177;
const hexBytes = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A key or value as a little-endian unsigned number when it is 1, 2, 4 or 8 bytes, else hex. */
export function formatMapBytes(b: Uint8Array): string {
  if (b.length === 1 || b.length === 2 || b.length === 4 || b.length === 8) {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v.toString();
  }
  return b.length === 0 ? '(none)' : hexBytes(b);
}

/** The lines that show a kernel map's entries (at most `limit` of them). */
export function formatMap(map: KernelMap, limit = 64): string[] {
  const d = map.def;
  const out = [`map ${d.name} (${mapTypeName(d.type)}, key ${d.keySize}, value ${d.valueSize}, max_entries ${d.maxEntries}):`];
  let n = 0;
  let more = 0;
  for (const [k, v] of map.entries()) {
    if (n >= limit) {
      more++;
      continue;
    }
    const slot = Math.ceil(d.valueSize / 8) * 8;
    const value = map.valueBytes !== d.valueSize
      ? `[${Array.from({ length: map.valueBytes / slot }, (_, c) => formatMapBytes(v.subarray(c * slot, c * slot + d.valueSize))).join(', ')}] (per CPU)`
      : formatMapBytes(v);
    out.push(`  ${formatMapBytes(k)} => ${value}`);
    n++;
  }
  if (n === 0) out.push('  (empty)');
  if (more > 0) out.push(`  ... ${more} more`);
  return out;
}

function usesPrintk(p: Program): boolean {
  return p.insns.some((i) => i.kind === 'call' && i.target === 'helper' && (i.imm === BPF_FUNC_trace_printk || i.imm === BPF_FUNC_trace_vprintk));
}

async function pump<T>(source: AsyncIterable<T>, print: (x: T) => void): Promise<void> {
  for await (const x of source) print(x);
}

/** Run until `seconds` pass (0 = forever) or SIGINT arrives; resolves with what stopped it. */
function waitForStop(seconds: number): Promise<'duration' | 'interrupt'> {
  return new Promise((resolve) => {
    // The timer also keeps the event loop alive while nothing else is pending.
    const timer = setTimeout(() => finish('duration'), seconds > 0 ? seconds * 1000 : 2 ** 31 - 1);
    const onSigint = (): void => finish('interrupt');
    function finish(why: 'duration' | 'interrupt'): void {
      clearTimeout(timer);
      process.removeListener('SIGINT', onSigint);
      resolve(why);
    }
    process.once('SIGINT', onSigint);
  });
}

async function stream(kp: KernelProgram, attach: () => Attachment, io: CliIo, seconds: number): Promise<void> {
  const perf: [string, PerfBufferReader][] = [];
  const rings: [string, RingBufferReader][] = [];
  let pipe: TracePipeReader | undefined;
  let att: Attachment | undefined;
  const printPerf = (name: string) => (r: PerfRecord): void => {
    io.stdout(r.kind === 'sample' ? `perf ${name} cpu ${r.cpu}: ${hexBytes(r.data)}\n` : `perf ${name} cpu ${r.cpu}: lost ${r.lost} records\n`);
  };
  const printRing = (name: string) => (r: Uint8Array): void => io.stdout(`ringbuf ${name}: ${hexBytes(r)}\n`);
  const printLine = (l: TraceLine): void => {
    if (l.event === 'bpf_trace_printk' || l.event === undefined) io.stdout(`printk ${l.comm ?? '?'}-${l.pid ?? '?'}: ${l.message ?? l.line}\n`);
  };
  try {
    for (const [name, m] of kp.maps) {
      if (m.def.type === BPF_MAP_TYPE_PERF_EVENT_ARRAY) perf.push([name, new PerfBufferReader(m)]);
      else if (m.def.type === BPF_MAP_TYPE_RINGBUF) rings.push([name, new RingBufferReader(m)]);
    }
    if (usesPrintk(kp.program)) pipe = TracePipeReader.privatePrintk();
    const pumps = [
      ...perf.map(([n, r]) => pump(r, printPerf(n))),
      ...rings.map(([n, r]) => pump(r, printRing(n))),
      ...(pipe ? [pump(pipe, printLine)] : []),
    ];
    att = attach();
    io.stdout(`attached to ${att.kind.replace('_', ' ')} ${att.target}; ${seconds > 0 ? `streaming for ${seconds} s` : 'streaming'} (Ctrl-C to stop)\n`);
    const why = await waitForStop(seconds);
    att.close();
    io.stdout(`detached (${why === 'interrupt' ? 'interrupted' : 'duration ended'})\n`);
    for (const [n, r] of perf) r.drain(printPerf(n));
    for (const [n, r] of rings) r.drain(printRing(n));
    pipe?.drain(printLine);
    for (const [, r] of perf) r.close();
    for (const [, r] of rings) r.close();
    pipe?.close();
    await Promise.all(pumps);
  } finally {
    att?.close();
    for (const [, r] of perf) r.close();
    for (const [, r] of rings) r.close();
    pipe?.close();
  }
}

registerCommand((program, io, setExit) => {
  program
    .command('attach')
    .description('attach a program to a tracepoint (root); stream printk, perf and ring buffer records; print the maps at the end')
    .argument('<file>', '.s source (either dialect), raw bytecode .bin, or hex text')
    .option('--tracepoint <category/name>', 'a tracefs tracepoint, e.g. syscalls/sys_enter_execve')
    .option('--raw-tracepoint <name>', 'a raw tracepoint, e.g. sys_enter')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .option('--prog-type <type>', 'program type; default the file\'s .prog_type, else tracepoint / raw_tracepoint')
    .option('--max-entries <n>', 'map entries to print per map', '64')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm attach execve-counter.s --tracepoint syscalls/sys_enter_execve --duration 5\n  tsbpf-asm attach hello.s --tracepoint syscalls/sys_enter_execve\n')
    .action(async (file: string, opts: AttachCliOptions) => {
      if ((opts.tracepoint === undefined) === (opts.rawTracepoint === undefined)) {
        throw new UsageError('give exactly one of --tracepoint CATEGORY/NAME or --raw-tracepoint NAME');
      }
      const seconds = opts.duration === undefined ? 0 : Number(opts.duration);
      if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--duration: '${opts.duration}' is not a number of seconds`);
      const limit = Number(opts.maxEntries ?? '64');
      if (!Number.isSafeInteger(limit) || limit < 0) throw new UsageError(`--max-entries: '${opts.maxEntries}' is not a non-negative integer`);
      const progType = progTypeOption(opts.progType);
      const { program: prog } = await loadProgramFile(file);
      requireKernel();
      const type = progType ?? prog.progType ?? (opts.tracepoint !== undefined ? BPF_PROG_TYPE_TRACEPOINT : BPF_PROG_TYPE_RAW_TRACEPOINT);
      const kp = loadForCli(prog, io, { progType: type });
      if (!kp) {
        setExit(1);
        return;
      }
      try {
        const attach = opts.tracepoint !== undefined
          ? (): Attachment => attachTracepoint(kp, opts.tracepoint!)
          : (): Attachment => attachRawTracepoint(kp, opts.rawTracepoint!);
        await stream(kp, attach, io, seconds);
        for (const m of kp.maps.values()) {
          if (m.def.type === BPF_MAP_TYPE_PERF_EVENT_ARRAY || m.def.type === BPF_MAP_TYPE_RINGBUF) continue;
          io.stdout(`${formatMap(m, limit).join('\n')}\n`);
        }
      } finally {
        kp.close();
      }
    });
});
