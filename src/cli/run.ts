/**
 * `tsbpf-asm run FILE [--mem HEX | --mem-file PATH] [--data-file PATH] [--ctx-file PATH]
 * [--prog-type T] [--max-insns N] [--trace] [--json]`: run a program in the VM and print r0.
 */
import { progTypeName } from '../isa/prog-types.js';
import { Vm, type VmEngine, type RunInput, type TraceEvent } from '../vm/index.js';
import { UsageError } from './errors.js';
import { loadProgramFile } from './input.js';
import { positiveIntOption, progTypeOption, readOptionFile } from './options.js';
import { registerCommand } from './main.js';

interface RunOptions {
  mem?: string;
  memFile?: string;
  dataFile?: string;
  ctxFile?: string;
  progType?: string;
  maxInsns?: string;
  engine?: string;
  trace?: boolean;
  json?: boolean;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const hexBytes = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Bytes from `--mem` text: hex digits in pairs, optionally `0x`-prefixed, separated by spaces or commas. */
export function parseHexBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const tok of text.split(/[\s,]+/)) {
    if (tok === '') continue;
    const t = tok.replace(/^0[xX]/, '');
    if (!/^([0-9a-fA-F]{2})+$/.test(t)) throw new UsageError(`--mem: '${tok}' is not hex bytes (e.g. --mem "01 02 ff")`);
    for (let i = 0; i < t.length; i += 2) out.push(parseInt(t.slice(i, i + 2), 16));
  }
  return Uint8Array.from(out);
}

/** One trace line: `  12: r0 += r1  ; r0 = 0x3`. */
export function formatTrace(e: TraceEvent): string {
  const indent = '  '.repeat(e.depth);
  const regs = e.written.map(([r, v]) => `r${r} = ${hex(v)}`).join(', ');
  return `${indent}${String(e.pc).padStart(4)}: ${e.text}${regs === '' ? '' : `  ; ${regs}`}`;
}

registerCommand((program, io) => {
  program
    .command('run')
    .description('run a program in the VM and print r0')
    .argument('<file>', '.s source (either dialect), raw bytecode .bin, hex text, or a bpf_conformance .data file')
    .option('--mem <hex>', 'input memory as hex bytes: r1 = pointer to a copy, r2 = its length')
    .option('--mem-file <path>', 'input memory from a file (as --mem)')
    .option('--data-file <path>', 'the packet for socket_filter / sched_cls / xdp (BPF_PROG_TEST_RUN data_in)')
    .option('--ctx-file <path>', 'context bytes (tracepoint raw context, initial __sk_buff / xdp_md)')
    .option('--prog-type <type>', 'program type, kernel name without prefix (socket_filter, xdp, tracepoint, ...)')
    .option('--max-insns <n>', 'instruction budget', '1000000')
    .option('--engine <name>', 'interpreter (default) or compiled (WebAssembly, same results)')
    .option('--trace', 'print each executed instruction with the registers it wrote')
    .option('--json', 'print one JSON object: r0, insns, output, perf, ringbuf, and packet (the packet after the run, as BPF_PROG_TEST_RUN data_out, hex)')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm run prog.s --mem "01 02 03 04"\n  tsbpf-asm run xdp.s --prog-type xdp --data-file packet.bin --json\n  tsbpf-asm run nat.s --prog-type sched_cls --data-file packet.bin --json   # packet: the rewritten frame\n')
    .action(async (file: string, opts: RunOptions) => {
      if (opts.mem !== undefined && opts.memFile !== undefined) throw new UsageError('--mem and --mem-file are exclusive');
      const maxInsns = positiveIntOption('--max-insns', opts.maxInsns ?? '1000000');
      const progType = progTypeOption(opts.progType);
      const mem = opts.mem !== undefined ? parseHexBytes(opts.mem) : opts.memFile !== undefined ? await readOptionFile(opts.memFile, '--mem-file') : undefined;
      const loaded = await loadProgramFile(file);
      const type = progType ?? loaded.program.progType;
      const packet = opts.dataFile !== undefined ? await readOptionFile(opts.dataFile, '--data-file') : undefined;
      if (packet !== undefined && type !== 1 && type !== 3 && type !== 4 && type !== 6 && type !== 8) {
        throw new UsageError(`--data-file needs --prog-type socket_filter, sched_cls, sched_act, cgroup_skb or xdp (program type is ${type === undefined ? 'not set' : progTypeName(type)})`);
      }
      const ctx = opts.ctxFile !== undefined ? await readOptionFile(opts.ctxFile, '--ctx-file') : undefined;
      const input: RunInput = {
        ...(mem !== undefined ? { mem } : loaded.mem !== undefined && loaded.mem.length > 0 ? { mem: loaded.mem } : {}),
        ...(packet !== undefined ? { packet } : {}),
        ...(ctx !== undefined ? { ctx } : {}),
      };
      if (opts.engine !== undefined && opts.engine !== 'interpreter' && opts.engine !== 'compiled') throw new UsageError(`--engine: '${opts.engine}' is not an engine (interpreter or compiled)`);
      const traceLines: string[] = [];
      const vm = new Vm(loaded.program, {
        maxInsns,
        ...(opts.engine !== undefined ? { engine: opts.engine as VmEngine } : {}),
        ...(type !== undefined ? { progType: type } : {}),
        ...(opts.trace === true ? { trace: (e: TraceEvent) => (opts.json === true ? traceLines.push(formatTrace(e)) : io.stdout(`${formatTrace(e)}\n`)) } : {}),
        ...(opts.json === true ? {} : { printk: (line: string) => io.stdout(`${line}\n`) }),
      });
      const r = vm.run(input);
      if (opts.json === true) {
        const obj = {
          r0: hex(r.r0),
          insns: r.insns,
          output: r.output,
          perf: r.perf.map((p) => ({ map: p.map, cpu: p.cpu, data: hexBytes(p.data) })),
          ringbuf: r.ringbuf.map((p) => ({ map: p.map, data: hexBytes(p.data) })),
          ...(r.packet !== undefined ? { packet: hexBytes(r.packet) } : {}),
          ...(opts.trace === true ? { trace: traceLines } : {}),
        };
        io.stdout(`${JSON.stringify(obj)}\n`);
      } else {
        io.stdout(`${hex(r.r0)}\n`);
      }
    });
});
