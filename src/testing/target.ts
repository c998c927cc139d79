/**
 * A program under test: assembled (or given) once, run in the VM on any generated input, and
 * optionally cross-checked against the kernel on the same input (BPF_PROG_TEST_RUN), where the
 * kernel reports the low 32 bits of r0.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assemble, type Dialect } from '../asm/index.js';
import { BPF_PROG_TYPE_XDP, parseProgType } from '../isa/prog-types.js';
import type { Program } from '../isa/program.js';
import { Vm, VmFault, type AnyVmMap, type TraceEvent, type VmOptions } from '../vm/index.js';
import { kernelUnavailableReason, loadKernelSide, type KernelSide } from './kernel-check.js';
import { toRawInput, type BpfInput } from './input.js';
import type { MapContents } from './map-arb.js';
import { activeRecorder } from './recorder.js';

/** Options of `loadTarget`. */
export interface TargetOptions {
  /** `BPF_PROG_TYPE_*` value or kernel name (`xdp`); default the program's own. */
  readonly progType?: number | string;
  /** Assembler dialect of a `.s` file (default detected). */
  readonly dialect?: Dialect;
  /** Initial map contents, restored before every run. */
  readonly maps?: readonly MapContents[];
  /** Restore maps before every run so each input sees the same state (default true). */
  readonly freshState?: boolean;
  /** Cross-check every run against the kernel: true (required), false, or 'auto' (default: where bpf(2) works). */
  readonly kernel?: boolean | 'auto';
  /** More VM options: helpers, seed, clock, task, maxInsns. */
  readonly vm?: Omit<VmOptions, 'trace' | 'progType' | 'maps'>;
  /** Called instead of `console.log` for the one line saying the kernel cross-check is skipped. */
  readonly log?: (line: string) => void;
}

/** Everything one run produced. */
export interface RunOutcome {
  readonly r0: bigint;
  /** The low 32 bits of r0, unsigned: what BPF_PROG_TEST_RUN reports. */
  readonly retval: number;
  readonly insns: number;
  readonly output: readonly string[];
  /** The packet after an XDP run. */
  readonly packet?: Uint8Array;
  /** The kernel's retval when it ran the same input. */
  readonly kernelRetval?: number;
}

/** The VM and the kernel disagreed on an input. */
export class KernelMismatch extends Error {
  override readonly name = 'KernelMismatch';
  constructor(readonly vm: RunOutcome, readonly kernelRetval: number, readonly what: string, detail?: string) {
    super(detail === undefined
      ? `VM and kernel disagree on ${what}: VM r0 = 0x${vm.r0.toString(16)} (low 32 bits 0x${vm.retval.toString(16)}), kernel retval = 0x${kernelRetval.toString(16)}`
      : `VM and kernel disagree on ${what}: ${detail}`);
  }
}

/** Cross-check figures of a target. */
export interface CrossCheckStats {
  runs: number;
  kernelRuns: number;
  /** Inputs the kernel could not take, by reason. */
  readonly skipped: Map<string, number>;
  /** Why there is no kernel cross-check at all, or null. */
  unavailable: string | null;
}

/** One traced run, formatted: `pc: insn   rN = 0x...` per executed instruction. */
export function formatTrace(events: readonly TraceEvent[], maxLines = 200): string[] {
  const line = (e: TraceEvent) => {
    const regs = e.written.map(([r, v]) => `r${r} = 0x${BigInt.asUintN(64, v).toString(16)}`).join(', ');
    return `${' '.repeat(e.depth * 2)}${String(e.pc).padStart(4)}: ${regs ? `${e.text.padEnd(36)} ; ${regs}` : e.text}`;
  };
  if (events.length <= maxLines) return events.map(line);
  const head = Math.floor(maxLines * 0.75);
  const tail = maxLines - head;
  return [...events.slice(0, head).map(line), `  ... ${events.length - maxLines} instructions left out ...`, ...events.slice(-tail).map(line)];
}

/** Skip reasons already printed: one line per reason per process. */
const printedSkips = new Set<string>();

function resolveType(t: number | string | undefined, program: Program, where: string): number {
  const v = typeof t === 'string' ? parseProgType(t) : t ?? program.progType;
  if (v === undefined) throw new Error(`${where}: no program type; pass { progType: 'xdp' } (or socket_filter, tracepoint, ...) or add a type directive to the source`);
  return v;
}

/** A program under test. Create it with `loadTarget`. */
export class BpfTarget implements Disposable {
  readonly program: Program;
  readonly progType: number;
  readonly name: string;
  readonly stats: CrossCheckStats;
  private readonly options: TargetOptions;
  private readonly vm: Vm;
  private kernelSide: KernelSide | null = null;
  private kernelTried = false;

  constructor(program: Program, name: string, options: TargetOptions = {}) {
    this.program = program;
    this.name = name;
    this.options = options;
    this.progType = resolveType(options.progType, program, name);
    this.vm = new Vm(program, { ...options.vm, progType: this.progType });
    this.stats = { runs: 0, kernelRuns: 0, skipped: new Map(), unavailable: null };
    this.restore(this.vm.maps);
  }

  private restore(maps: ReadonlyMap<string, AnyVmMap>): void {
    for (const m of maps.values()) m.clear();
    for (const c of this.options.maps ?? []) {
      const m = maps.get(c.def.name);
      if (!m) throw new Error(`${this.name}: initial contents for map '${c.def.name}', which the program does not define`);
      for (const e of c.entries) {
        const err = m.kind === 'queue' || m.kind === 'stack' ? m.push(e.value) : m.update(e.key, e.value);
        if (err !== 0) throw new Error(`${this.name}: map '${c.def.name}' refused an initial entry (error ${err})`);
      }
    }
  }

  /** The kernel side, loaded on first use; null (with the reason in `stats.unavailable`) when not cross-checking. */
  kernel(): KernelSide | null {
    if (this.kernelTried) return this.kernelSide;
    this.kernelTried = true;
    const mode = this.options.kernel ?? 'auto';
    if (mode === false) {
      this.stats.unavailable = 'kernel cross-check turned off';
      return null;
    }
    const why = kernelUnavailableReason(this.progType);
    if (why !== null) {
      if (mode === true) throw new Error(`${this.name}: kernel cross-check required but unavailable: ${why}`);
      this.stats.unavailable = why;
      if (this.options.log) this.options.log(`skip: kernel cross-check of ${this.name}: ${why}`);
      else if (!printedSkips.has(why)) {
        printedSkips.add(why);
        console.log(`skip: kernel cross-check (VM only): ${why}`);
      }
      return null;
    }
    this.kernelSide = loadKernelSide(this.program, this.progType, this.options.maps ?? []);
    return this.kernelSide;
  }

  /** Run in the VM (and the kernel when cross-checking); throws `VmFault` or `KernelMismatch`. */
  exec(input: BpfInput): RunOutcome {
    const raw = toRawInput(input, this.progType);
    const fresh = this.options.freshState ?? true;
    if (fresh && this.stats.runs > 0) this.restore(this.vm.maps);
    this.stats.runs++;
    const recorder = activeRecorder();
    let events: TraceEvent[] | null = null;
    let vm = this.vm;
    if (recorder) {
      events = [];
      const ev = events;
      vm = new Vm(this.program, { ...this.options.vm, progType: this.progType, trace: (e) => ev.push(e) });
      this.restore(vm.maps);
    }
    let outcome: RunOutcome;
    try {
      const r = vm.run(raw);
      outcome = { r0: r.r0, retval: Number(r.r0 & 0xffffffffn), insns: r.insns, output: r.output, ...(r.packet ? { packet: r.packet } : {}) };
    } catch (e) {
      if (recorder && events) recorder.record({ target: this.name, lines: formatTrace(events, recorder.maxLines), end: e instanceof VmFault ? `fault: ${e.message}` : String(e) });
      throw e;
    }
    const kernel = this.kernel();
    let kernelRetval: number | undefined;
    let kernelPacket: Uint8Array | undefined;
    if (kernel) {
      if (fresh) kernel.resetMaps();
      const k = kernel.run(raw);
      if (k.ok) {
        this.stats.kernelRuns++;
        kernelRetval = k.result.retval;
        if (this.progType === BPF_PROG_TYPE_XDP) kernelPacket = k.result.dataOut;
      } else {
        const why = k.reason.replace(/\d+-byte/, 'N-byte');
        this.stats.skipped.set(why, (this.stats.skipped.get(why) ?? 0) + 1);
      }
    }
    if (kernelRetval !== undefined) outcome = { ...outcome, kernelRetval };
    if (recorder && events) {
      recorder.record({
        target: this.name,
        lines: formatTrace(events, recorder.maxLines),
        end: `r0 = 0x${outcome.r0.toString(16)} after ${outcome.insns} instructions${kernelRetval !== undefined ? `; kernel retval 0x${kernelRetval.toString(16)}` : ''}`,
      });
    }
    if (kernelRetval !== undefined && kernelRetval !== outcome.retval) throw new KernelMismatch(outcome, kernelRetval, `${this.name}`);
    if (kernelPacket !== undefined && outcome.packet !== undefined && kernelRetval !== undefined) {
      const vmPacket = outcome.packet;
      const at = vmPacket.length !== kernelPacket.length ? -1 : vmPacket.findIndex((b, i) => b !== kernelPacket![i]);
      if (vmPacket.length !== kernelPacket.length) {
        throw new KernelMismatch(outcome, kernelRetval, this.name, `the packet after the run is ${vmPacket.length} bytes in the VM, ${kernelPacket.length} in the kernel`);
      }
      if (at >= 0) {
        throw new KernelMismatch(outcome, kernelRetval, this.name, `the packet after the run differs at byte ${at}: VM 0x${vmPacket[at]!.toString(16)}, kernel 0x${kernelPacket[at]!.toString(16)}`);
      }
    }
    return outcome;
  }

  /**
   * r0 of a run (cross-checked with the kernel when on).
   * @example expect(target.run(pkt)).toBe(XDP_PASS)
   */
  run(input: BpfInput): bigint {
    return this.exec(input).r0;
  }

  /** One line of cross-check figures: `1000 runs, 812 also in the kernel, 188 skipped (...)`. */
  summary(): string {
    const s = this.stats;
    if (s.unavailable) return `${s.runs} VM runs; no kernel cross-check (${s.unavailable})`;
    const skipped = [...s.skipped].map(([why, n]) => `${n}: ${why}`).join('; ');
    return `${s.runs} VM runs, ${s.kernelRuns} also in the kernel with the same retval${skipped ? `, ${s.runs - s.kernelRuns} not run there (${skipped})` : ''}`;
  }

  /** Release the kernel program and its maps. */
  close(): void {
    this.kernelSide?.close();
    this.kernelSide = null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Load a program under test: a `.s` path (either dialect) or a `Program`; assembled once.
 * @example const target = loadTarget('examples/xdp-port80-property/xdp-port80.s', { progType: 'xdp' })
 */
export function loadTarget(source: string | URL | Program, options: TargetOptions = {}): BpfTarget {
  if (typeof source === 'string' || source instanceof URL) {
    const path = source instanceof URL ? fileURLToPath(source) : source;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const program = assemble(text, { file: path, ...(options.dialect ? { dialect: options.dialect } : {}) });
    const file = path.split('/').pop()!;
    return new BpfTarget(program, program.name ? `${program.name} (${file})` : file, options);
  }
  return new BpfTarget(source, source.name ?? `program of ${source.insns.length} insns`, options);
}

/**
 * A target from assembly text.
 * @example targetFromSource('r0 = 2\nexit', { progType: 'xdp' }).run(new Uint8Array(60)) // 2n
 */
export function targetFromSource(source: string, options: TargetOptions & { readonly file?: string } = {}): BpfTarget {
  const program = assemble(source, { file: options.file ?? '<source>', ...(options.dialect ? { dialect: options.dialect } : {}) });
  const file = options.file ?? '<source>';
  return new BpfTarget(program, program.name ? `${program.name} (${file})` : file, options);
}
