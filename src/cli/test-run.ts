/**
 * `tsbpf-asm test-run FILE [--prog-type T] [--data-file F] [--ctx-file F] [--repeat N]
 * [--kernel | --compare] [--json]`: run a program on one input in the VM (default), in the
 * kernel (BPF_PROG_TEST_RUN), or in both side by side.
 */
import { performance } from 'node:perf_hooks';
import type { Program } from '../isa/program.js';
import { progTypeName } from '../isa/prog-types.js';
import { returnHighHalf, type TestRunResult } from '../loader/index.js';
import { Vm, type RunInput } from '../vm/index.js';
import { UsageError } from './errors.js';
import { loadProgramFile } from './input.js';
import { loadForCli, requireKernel } from './load.js';
import { intOption, progTypeOption, readOptionFile } from './options.js';
import { type CliIo, registerCommand } from './main.js';

interface TestRunCliOptions {
  progType?: string;
  dataFile?: string;
  ctxFile?: string;
  repeat?: string;
  kernel?: boolean;
  compare?: boolean;
  json?: boolean;
  r064?: boolean;
}

/** One side of a test run. */
interface Side {
  /** r0 as the side reports it: 64 bits for the VM, the kernel's u32 retval. */
  readonly r0: bigint;
  readonly bits: 32 | 64;
  /** Mean ns per run. */
  readonly ns: number;
  readonly dataOut?: Uint8Array;
  readonly insns?: number;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const hexBytes = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} us`;
  return `${Math.round(ns)} ns`;
}

function runVm(program: Program, progType: number | undefined, data: Uint8Array | undefined, ctx: Uint8Array | undefined, repeat: number): Side {
  const vm = new Vm(program, progType !== undefined ? { progType } : {});
  const input: RunInput = { ...(data !== undefined ? { packet: data } : {}), ...(ctx !== undefined ? { ctx } : {}) };
  const t0 = performance.now();
  let r = vm.run(input);
  for (let i = 1; i < repeat; i++) r = vm.run(input);
  const ns = ((performance.now() - t0) * 1e6) / repeat;
  return { r0: r.r0, bits: 64, ns, insns: r.insns, ...(r.packet !== undefined ? { dataOut: r.packet } : {}) };
}

function runKernel(program: Program, io: CliIo, progType: number | undefined, data: Uint8Array | undefined, ctx: Uint8Array | undefined, repeat: number, full: boolean): Side | undefined {
  requireKernel();
  const once = (p: Program, times: number): TestRunResult | undefined => {
    const kp = loadForCli(p, io, progType !== undefined ? { progType } : {});
    if (!kp) return undefined;
    try {
      return kp.testRun({ ...(data !== undefined ? { data } : {}), ...(ctx !== undefined ? { ctx } : {}), repeat: times });
    } finally {
      kp.close();
    }
  };
  const r = once(program, repeat);
  if (!r) return undefined;
  let r0 = BigInt(r.retval);
  if (full) {
    // A second load returns r0 >> 32 (fresh maps, same input): all 64 bits of r0.
    const hi = once(returnHighHalf(program), 1);
    if (!hi) return undefined;
    r0 |= BigInt(hi.retval) << 32n;
  }
  return { r0, bits: full ? 64 : 32, ns: r.duration, ...(data !== undefined ? { dataOut: r.dataOut } : {}) };
}

function sideJson(s: Side): Record<string, unknown> {
  return {
    r0: hex(s.r0),
    bits: s.bits,
    nsPerRun: s.ns,
    ...(s.insns !== undefined ? { insns: s.insns } : {}),
    ...(s.dataOut !== undefined ? { dataOut: hexBytes(s.dataOut) } : {}),
  };
}

/** Index of the first differing byte, or -1 when equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

registerCommand((program, io, setExit) => {
  program
    .command('test-run')
    .description('run a program on one input: in the VM (default), in the kernel (--kernel, root), or both (--compare)')
    .argument('<file>', '.s source (either dialect), raw bytecode .bin, or hex text')
    .option('--prog-type <type>', 'program type (xdp, socket_filter, sched_cls, ...); default the file\'s .prog_type')
    .option('--data-file <path>', 'packet data (data_in)')
    .option('--ctx-file <path>', 'context bytes (ctx_in)')
    .option('--repeat <n>', 'runs to time (the kernel reports the mean)', '1')
    .option('--kernel', 'run in the kernel with BPF_PROG_TEST_RUN')
    .option('--compare', 'run in the VM and the kernel; exit 1 when r0 (low 32 bits) or the output data differ')
    .option('--json', 'print one JSON object')
    .option('--r0-64', 'also get the high 32 bits of the kernel\'s r0 (a second load that returns r0 >> 32) and compare all 64 bits')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm test-run kb3.s --prog-type xdp --data-file packet.bin --compare\n  tsbpf-asm test-run filter.s --prog-type socket_filter --data-file pkt.bin --kernel --repeat 1000\n')
    .action(async (file: string, opts: TestRunCliOptions) => {
      if (opts.kernel === true && opts.compare === true) throw new UsageError('--kernel and --compare are exclusive');
      const progType = progTypeOption(opts.progType);
      const repeat = Math.max(1, intOption('--repeat', opts.repeat, 1));
      const data = opts.dataFile !== undefined ? await readOptionFile(opts.dataFile, '--data-file') : undefined;
      const ctx = opts.ctxFile !== undefined ? await readOptionFile(opts.ctxFile, '--ctx-file') : undefined;
      const { program: prog } = await loadProgramFile(file);
      const type = progType ?? prog.progType;
      const typeName = type === undefined ? 'raw memory' : progTypeName(type);
      const wantVm = opts.kernel !== true;
      const wantKernel = opts.kernel === true || opts.compare === true;
      const vm = wantVm ? runVm(prog, type, data, ctx, repeat) : undefined;
      const kernel = wantKernel ? runKernel(prog, io, type, data, ctx, repeat, opts.r064 === true) : undefined;
      if (wantKernel && !kernel) {
        setExit(1);
        return;
      }
      let match: boolean | undefined;
      let dataDiff = -1;
      if (vm && kernel) {
        const r0Match = (kernel.bits === 64 ? vm.r0 : vm.r0 & 0xffffffffn) === kernel.r0;
        dataDiff = vm.dataOut && kernel.dataOut ? firstDifference(vm.dataOut, kernel.dataOut) : -1;
        match = r0Match && dataDiff < 0;
      }
      if (opts.json === true) {
        io.stdout(`${JSON.stringify({
          progType: typeName,
          repeat,
          ...(vm ? { vm: sideJson(vm) } : {}),
          ...(kernel ? { kernel: sideJson(kernel) } : {}),
          ...(match !== undefined ? { match } : {}),
        })}\n`);
      } else if (vm && kernel) {
        const rows: [string, string, string, string][] = [
          ['', 'r0', 'time/run', 'data out'],
          ['vm', hex(vm.r0), formatNs(vm.ns), vm.dataOut ? `${vm.dataOut.length} bytes` : '-'],
          ['kernel', hex(kernel.r0), formatNs(kernel.ns), kernel.dataOut ? `${kernel.dataOut.length} bytes` : '-'],
        ];
        const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
        for (const r of rows) io.stdout(`${r.map((cell, c) => cell.padEnd(w[c]!)).join('  ').trimEnd()}\n`);
        if (kernel.bits === 64) {
          io.stdout(`r0 (64 bits; the kernel's high half from a second run returning r0 >> 32): ${vm.r0 === kernel.r0 ? 'match' : `MISMATCH (vm ${hex(vm.r0)}, kernel ${hex(kernel.r0)})`}\n`);
        } else {
          const low = vm.r0 & 0xffffffffn;
          io.stdout(`r0 (low 32 bits, as the kernel reports): ${low === kernel.r0 ? 'match' : `MISMATCH (vm ${hex(low)}, kernel ${hex(kernel.r0)})`}\n`);
        }
        if (vm.dataOut && kernel.dataOut) {
          io.stdout(`data out: ${dataDiff < 0 ? 'match' : `MISMATCH at byte ${dataDiff} (vm ${vm.dataOut.length} bytes, kernel ${kernel.dataOut.length} bytes)`}\n`);
        }
        io.stdout(`speed: vm/kernel time per run = ${(vm.ns / Math.max(kernel.ns, 1)).toFixed(1)} (repeat ${repeat})\n`);
      } else if (vm) {
        io.stdout(`vm: r0 = ${hex(vm.r0)} (${vm.insns} insns, ${formatNs(vm.ns)}/run, ${typeName})\n`);
        if (vm.dataOut && data && firstDifference(vm.dataOut, data) >= 0) io.stdout(`data out: ${hexBytes(vm.dataOut)}\n`);
      } else if (kernel) {
        io.stdout(`kernel: r0 = ${hex(kernel.r0)} (${kernel.bits === 64 ? 'all 64 bits, by two runs' : 'retval, low 32 bits'}; ${formatNs(kernel.ns)}/run, repeat ${repeat}, ${typeName})\n`);
        if (kernel.dataOut && data && firstDifference(kernel.dataOut, data) >= 0) io.stdout(`data out: ${hexBytes(kernel.dataOut)}\n`);
      }
      if (match === false) setExit(1);
    });
});
