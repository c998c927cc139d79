import type { LdImm64Insn } from '../isa/insn.js';
import type { Program } from '../isa/program.js';
import { BPF_PROG_TYPE_UNSPEC, parseProgType } from '../isa/prog-types.js';
import { AddressSpace, PERM_READ, PERM_WRITE, splitU64, type Region } from './address-space.js';
import { compileProgram, type CompiledProgram, type Halves } from './compile.js';
import { prepareContext, type RunInput } from './context.js';
import { PendingFault, VmFault } from './fault.js';
import { builtinHelpers } from './helpers/builtins.js';
import { HelperRegistry } from './helpers/registry.js';
import type { HelperEnv, HelperFn, PerfRecord, RingbufRecord, SimTask } from './helpers/types.js';
import { CompiledEngine } from './compiled/engine.js';
import { execute } from './interpreter.js';
import { Machine, MAX_CALL_FRAMES, STACK_SIZE, type TraceEvent } from './machine.js';
import { createMap, progReadOnlyValues } from './maps/create-map.js';
import type { AnyVmMap } from './maps/types.js';
import { makeMemoryAccess } from './memory-access.js';
import type { SkbBuffer } from './skb-buffer.js';
import type { XdpBuffer } from './xdp-buffer.js';

/** How a VM runs programs: the interpreter (the reference) or compiled to WebAssembly (same semantics, see src/vm/compiled). */
export type VmEngine = 'interpreter' | 'compiled';

/** Options of a VM. Every field is optional. */
export interface VmOptions {
  /** 'interpreter' (default) or 'compiled'. */
  readonly engine?: VmEngine;
  /** Maps to use by name (shared with the host or other VMs); the rest of `program.maps` are created. */
  readonly maps?: ReadonlyMap<string, AnyVmMap> | Readonly<Record<string, AnyVmMap>>;
  /** User helpers by id or kernel name, added over (or replacing) the built-ins. */
  readonly helpers?: HelperRegistry | Readonly<Record<string, HelperFn>>;
  /** `BPF_PROG_TYPE_*` value or its name (`xdp`); default: the program's, else raw memory. */
  readonly progType?: number | string;
  /** Default inputs of `run()`. */
  readonly mem?: Uint8Array;
  readonly ctx?: Uint8Array;
  readonly packet?: Uint8Array;
  /** Instruction budget per run (default 1,000,000). */
  readonly maxInsns?: number;
  /** Called after each executed instruction. */
  readonly trace?: (e: TraceEvent) => void;
  /** Receives trace_printk lines as they are printed (they are also in `RunResult.output`). */
  readonly printk?: (line: string) => void;
  /** Seed of bpf_get_prandom_u32 (default 1). */
  readonly seed?: number;
  /** The simulated current task. */
  readonly task?: Partial<SimTask>;
  /** The CPU the program runs on (default 0) and the number of CPUs for per-CPU maps (default 1). */
  readonly cpu?: number;
  readonly nCpus?: number;
  /** Monotonic clock in ns (default: the host's). */
  readonly clock?: () => bigint;
}

/** Inputs of one `run()`, plus its instruction budget. */
export interface RunOptions extends RunInput {
  /** Instruction budget of this run (default: the VM's `maxInsns`). */
  readonly maxInsns?: number;
}

/** What one run produced. */
export interface RunResult {
  readonly r0: bigint;
  /** Executed instructions (an lddw counts once). */
  readonly insns: number;
  /** trace_printk / trace_vprintk lines of this run. */
  readonly output: string[];
  readonly perf: PerfRecord[];
  readonly ringbuf: RingbufRecord[];
  /** The VM's maps by name (live objects). */
  readonly maps: ReadonlyMap<string, AnyVmMap>;
  /** Raw memory after the run (raw-memory programs). */
  readonly mem?: Uint8Array;
  /** The packet after the run (XDP). */
  readonly packet?: Uint8Array;
}

const DEFAULT_TASK: SimTask = { pid: 4242, tgid: 4242, uid: 1000, gid: 1000, comm: 'tsbpf' };

/**
 * An eBPF interpreter for one program (plus tail-call targets), with its maps and helpers.
 * @example
 * const vm = new Vm(assemble('mov %r0, 7\nexit'));
 * vm.run().r0 // 7n
 */
export class Vm {
  readonly program: Program;
  readonly maps: ReadonlyMap<string, AnyVmMap>;
  readonly helpers: HelperRegistry;
  private readonly options: VmOptions;
  private readonly space = new AddressSpace();
  /** The compiled tier, when `engine: 'compiled'`. */
  private readonly engine: CompiledEngine | undefined;
  private readonly machine: Machine;
  private readonly main: CompiledProgram;
  private readonly compiled = new Map<Program, CompiledProgram>();
  private readonly mapRegions = new Map<AnyVmMap, Region>();
  private readonly progType: number;
  private readonly env: HelperEnv;
  private rng = 1;
  private run_: { output: string[]; perf: PerfRecord[]; ringbuf: RingbufRecord[]; packet: Uint8Array | undefined } = { output: [], perf: [], ringbuf: [], packet: undefined };
  private xdp: XdpBuffer | undefined;
  private skb: SkbBuffer | undefined;
  private readonly reservations = new Map<Region, { map: AnyVmMap; id: number; data: Uint8Array }>();

  constructor(program: Program, options: VmOptions = {}) {
    this.program = program;
    this.options = options;
    try {
      this.progType = resolveProgType(options.progType ?? program.progType);
      this.helpers = resolveHelpers(options.helpers);
      this.maps = this.createMaps(program);
    } catch (e) {
      throw e instanceof VmFault ? e : new VmFault('setup', -1, '', e instanceof Error ? e.message : String(e));
    }
    this.rng = (options.seed ?? 1) >>> 0 || 1;
    this.machine = new Machine(this.space, {
      callHelper: (id) => this.callHelper(id),
      tailCallTarget: (addr, index) => this.tailCallTarget(addr, index),
      hasHelper: (id) => this.helpers.has(id),
    });
    this.machine.trace = options.trace;
    if (options.engine !== undefined && options.engine !== 'interpreter' && options.engine !== 'compiled') {
      throw new VmFault('setup', -1, '', `unknown engine '${String(options.engine)}' (interpreter or compiled)`);
    }
    this.engine = options.engine === 'compiled' ? new CompiledEngine() : undefined;
    for (let d = 0; d < MAX_CALL_FRAMES; d++) {
      this.machine.stacks.push(this.space.add('stack', d === 0 ? 'stack' : `stack#${d}`, this.engine?.stackBytes(d) ?? new Uint8Array(STACK_SIZE), PERM_READ | PERM_WRITE, { persistent: true }));
    }
    for (const [name, m] of this.maps) {
      this.mapRegions.set(m, this.space.add('map', `map(${name})`, new Uint8Array(0), 0, { persistent: true, tag: m }));
      // BPF_F_RDONLY_PROG values (.rodata): mapped read-only, for lddw map_value and lookups alike.
      for (const v of progReadOnlyValues(m)) this.space.persistentFor(v, 'map_value', `map_value(${name})`, PERM_READ);
    }
    this.env = this.makeEnv();
    this.main = this.compile(program);
    this.compileTailCallTargets();
  }

  /** Run the program once; inputs default to the options'. Throws `VmFault` on a fault. */
  run(input: RunOptions = {}): RunResult {
    const m = this.machine;
    this.compileTailCallTargets();
    const out = { output: [] as string[], perf: [] as PerfRecord[], ringbuf: [] as RingbufRecord[], packet: undefined as Uint8Array | undefined };
    this.run_ = out;
    try {
      const maxInsns = input.maxInsns ?? this.options.maxInsns ?? 1_000_000;
      if (!Number.isInteger(maxInsns) || maxInsns < 0) throw new VmFault('setup', -1, '', `bad instruction budget ${maxInsns}`);
      m.startRun(maxInsns);
      const merged: RunInput = {
        mem: input.mem ?? this.options.mem,
        ctx: input.ctx ?? this.options.ctx,
        packet: input.packet ?? this.options.packet,
      };
      let prepared;
      try {
        prepared = prepareContext(this.space, this.progType, merged);
      } catch (e) {
        throw e instanceof PendingFault ? new VmFault(e.kind, -1, '', e.reason) : e;
      }
      out.packet = prepared.packet;
      this.xdp = prepared.xdp;
      m.packet = prepared.packet ?? new Uint8Array(0);
      m.frame = prepared.frame ?? m.packet;
      m.netOff = prepared.netOff ?? 0;
      this.skb = prepared.skb;
      if (prepared.skb !== undefined) {
        // helpers that change the packet: LD_ABS / LD_IND and skb_load_bytes read the new bytes
        prepared.skb.onChange = (skb) => {
          m.packet = m.frame = skb.bytes();
          m.netOff = skb.networkOffset;
        };
      }
      const a1 = splitU64(prepared.r1), a2 = splitU64(prepared.r2);
      m.lo[1] = a1.lo; m.hi[1] = a1.hi;
      m.lo[2] = a2.lo; m.hi[2] = a2.hi;
      if (this.engine !== undefined) this.engine.execute(m, this.main, 0);
      else execute(m, this.main, 0);
      const r0 = (BigInt(m.hi[0]! >>> 0) << 32n) | BigInt(m.lo[0]! >>> 0);
      // Built in place, not with object spreads (which cost about half a microsecond per run).
      const res: { -readonly [K in keyof RunResult]: RunResult[K] } = { r0, insns: m.executed, output: out.output, perf: out.perf, ringbuf: out.ringbuf, maps: this.maps };
      if (prepared.mem !== undefined) res.mem = prepared.mem;
      if (prepared.xdp !== undefined) res.packet = prepared.xdp.output().slice();
      else if (prepared.skb !== undefined) res.packet = prepared.skb.bytes().slice();
      else if (prepared.packetOut !== undefined) res.packet = prepared.packetOut;
      return res;
    } catch (e) {
      if (e instanceof VmFault) throw e;
      if (e instanceof PendingFault) throw new VmFault(e.kind, -1, '', e.reason, e.access);
      throw new VmFault('setup', -1, '', `internal error: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.reservations.clear();
      this.xdp = undefined;
      this.skb = undefined;
      this.space.endRun();
    }
  }

  /** Put `program` in slot `index` of the prog array `mapName` (a tail-call target). */
  setTailCall(mapName: string, index: number, program: Program): void {
    const m = this.maps.get(mapName);
    if (m === undefined || m.kind !== 'prog_array') throw new VmFault('setup', -1, '', `no prog_array map named '${mapName}'`);
    const err = m.setProg(index, program);
    if (err !== 0) throw new VmFault('setup', -1, '', `prog_array '${mapName}' has no slot ${index}`);
    this.compile(program);
  }

  private createMaps(program: Program): Map<string, AnyVmMap> {
    const given = this.options.maps;
    const byName = new Map<string, AnyVmMap>(given instanceof Map ? given : Object.entries(given ?? {}));
    for (const def of program.maps) {
      if (!byName.has(def.name)) byName.set(def.name, createMap(def, { nCpus: this.options.nCpus ?? 1 }));
    }
    return byName;
  }

  private compile(program: Program): CompiledProgram {
    const have = this.compiled.get(program);
    if (have !== undefined) return have;
    const index = this.machine.programs.length;
    const c = compileProgram(program, (insn, slot) => this.resolveLddw(program, index, insn, slot));
    this.machine.programs.push(c);
    this.compiled.set(program, c);
    return c;
  }

  private compileTailCallTargets(): void {
    for (const m of this.maps.values()) {
      if (m.kind !== 'prog_array') continue;
      for (let i = 0; i < m.def.maxEntries && i < 4096; i++) {
        const p = m.getProg(i);
        if (isProgram(p)) this.compile(p);
      }
    }
  }

  private resolveLddw(program: Program, progIndex: number, insn: LdImm64Insn, slot: number): Halves | string {
    if (insn.src === 4) {
      const target = slot + 1 + Number(BigInt.asIntN(32, insn.imm));
      return this.machine.funcAddress(progIndex, target);
    }
    if (insn.src === 3) return 'lddw of a BTF id (BPF_PSEUDO_BTF_ID) is not supported by the VM';
    const index = Number(insn.imm & 0xffffffffn);
    const name = insn.map ?? program.maps[index]?.name;
    const map = name === undefined ? undefined : this.maps.get(name);
    if (map === undefined) return `lddw refers to an unknown map ${name === undefined ? `#${index}` : `'${name}'`}`;
    if (insn.src === 1 || insn.src === 5) return splitU64(this.mapRegions.get(map)!.base);
    const off = Number(insn.imm >> 32n);
    if (map.kind !== 'array' || map.perCpu) return `map '${name}' has no direct value access (array maps only)`;
    const value = map.lookup(new Uint8Array(4));
    if (value === undefined) return `map '${name}' has no element 0`;
    if (off >= value.length) return `offset ${off} is outside the value of map '${name}' (${value.length} bytes)`;
    const r = this.space.persistentFor(value, 'map_value', `map_value(${name})`, PERM_READ | PERM_WRITE);
    return splitU64(r.base + BigInt(off));
  }

  private callHelper(id: number): bigint {
    const fn = this.helpers.get(id);
    if (fn === undefined) throw new PendingFault('helper', `unknown helper ${this.helpers.nameOf(id)} (id ${id})`);
    const m = this.machine;
    const reg = (r: number) => (BigInt(m.hi[r]! >>> 0) << 32n) | BigInt(m.lo[r]! >>> 0);
    let v: bigint | number | void;
    try {
      v = fn({ r1: reg(1), r2: reg(2), r3: reg(3), r4: reg(4), r5: reg(5) }, this.env);
    } catch (e) {
      if (e instanceof VmFault || e instanceof PendingFault) throw e;
      throw new PendingFault('helper', `${this.helpers.nameOf(id)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof v === 'bigint') return BigInt.asUintN(64, v);
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new PendingFault('helper', `${this.helpers.nameOf(id)} returned ${v}, not an integer`);
      return BigInt.asUintN(64, BigInt(v));
    }
    return 0n;
  }

  private mapAt(addr: bigint): AnyVmMap {
    const { lo, hi } = splitU64(BigInt.asUintN(64, addr));
    const r = this.space.regionAt(lo, hi);
    if (r === undefined || r.kind !== 'map' || lo !== r.baseLo) {
      throw new PendingFault('helper', `0x${BigInt.asUintN(64, addr).toString(16)} is not a map pointer`);
    }
    return r.tag as AnyVmMap;
  }

  private tailCallTarget(addr: bigint, index: number): CompiledProgram | undefined {
    const m = this.mapAt(addr);
    if (m.kind !== 'prog_array') throw new PendingFault('helper', `bpf_tail_call: map '${m.def.name}' is not a prog_array`);
    const p = m.getProg(index);
    return isProgram(p) ? this.compiled.get(p) : undefined;
  }

  private makeEnv(): HelperEnv {
    const m = () => this.machine;
    const opts = this.options;
    const task: SimTask = { ...DEFAULT_TASK, ...opts.task };
    const clock = opts.clock ?? (() => process.hrtime.bigint());
    const self = this;
    return {
      mem: makeMemoryAccess(this.space),
      map: (addr) => this.mapAt(addr),
      pointerTo: (bytes, kind, name, writable) => this.space.regionFor(bytes, kind, name, PERM_READ | (writable ? PERM_WRITE : 0)).base,
      callFunction: (fn, args) => this.callFunction(fn, args),
      printk: (line) => {
        this.run_.output.push(line);
        opts.printk?.(line);
      },
      perfOutput: (r) => this.run_.perf.push(r),
      ringbufOutput: (r) => this.run_.ringbuf.push(r),
      addReservation: (map, id, data) => {
        const r = this.space.add('ringbuf', `ringbuf(${map.def.name})`, data, PERM_READ | PERM_WRITE);
        this.reservations.set(r, { map, id, data });
        return r.base;
      },
      takeReservation: (addr) => {
        const { lo, hi } = splitU64(BigInt.asUintN(64, addr));
        const r = this.space.regionAt(lo, hi);
        const res = r === undefined || lo !== r.baseLo ? undefined : this.reservations.get(r);
        if (r === undefined || res === undefined) return undefined;
        this.reservations.delete(r);
        r.perm = 0;
        r.name = `${r.name} (released)`;
        return res;
      },
      task,
      cpu: opts.cpu ?? 0,
      random: () => {
        let x = this.rng;
        x ^= x << 13; x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5; x >>>= 0;
        this.rng = x;
        return x;
      },
      nowNs: clock,
      bootNs: clock,
      get xdp() {
        return self.xdp;
      },
      get skb() {
        return self.skb;
      },
      get packet() {
        return m().packet.length === 0 ? undefined : m().packet;
      },
    };
  }

  private callFunction(fn: bigint, args: readonly bigint[]): bigint {
    const m = this.machine;
    const { lo, hi } = splitU64(BigInt.asUintN(64, fn));
    const f = m.functionAt(lo, hi);
    if (f === undefined) throw new PendingFault('helper', `0x${BigInt.asUintN(64, fn).toString(16)} is not a function pointer`);
    m.pushFrame(m.helperProg ?? f.prog, m.helperPc, 0);
    for (let r = 1; r <= 5; r++) {
      const a = splitU64(BigInt.asUintN(64, args[r - 1] ?? 0n));
      m.lo[r] = a.lo;
      m.hi[r] = a.hi;
    }
    execute(m, f.prog, f.slot);
    m.popFrame();
    return (BigInt(m.hi[0]! >>> 0) << 32n) | BigInt(m.lo[0]! >>> 0);
  }
}

function isProgram(p: unknown): p is Program {
  return typeof p === 'object' && p !== null && Array.isArray((p as Program).insns);
}

function resolveProgType(t: number | string | undefined): number {
  if (t === undefined) return BPF_PROG_TYPE_UNSPEC;
  if (typeof t === 'number') return t;
  const v = parseProgType(t);
  if (v === undefined) throw new VmFault('setup', -1, '', `unknown program type '${t}'`);
  return v;
}

function resolveHelpers(h: VmOptions['helpers']): HelperRegistry {
  const reg = builtinHelpers();
  if (h instanceof HelperRegistry) {
    for (const id of h.ids()) reg.register(id, h.get(id)!);
  } else if (h !== undefined) {
    for (const [k, fn] of Object.entries(h)) reg.register(/^\d+$/.test(k) ? Number(k) : k, fn);
  }
  return reg;
}
