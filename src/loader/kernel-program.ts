import type { Program } from '../isa/program.js';
import { encode } from '../isa/encode.js';
import { progTypeName } from '../isa/prog-types.js';
import { BPF_LOG_LEVEL1, BPF_LOG_STATS, BPF_OBJ_NAME_LEN, BPF_PROG_LOAD } from './bpf-cmd.js';
import { BpfAttr, bpfRaw } from './bpf-syscall.js';
import { pinObject } from './bpffs.js';
import { KernelError } from './kernel-error.js';
import { KernelMap, createKernelMap, kernelObjectName } from './kernel-map.js';
import { closeFd } from './native.js';
import { type ProgInfo, progInfo } from './prog-info.js';
import { relocateMaps } from './relocate.js';
import { type TestRunOptions, type TestRunResult, testRunFd } from './test-run.js';
import { type VerifierStats, parseVerifierStats } from './verifier-log.js';

const ENOSPC = 28;
/** The kernel refuses log buffers above UINT_MAX >> 2; we stop growing at 256 MiB. */
const MAX_LOG_SIZE = 256 << 20;

/** Options of `loadProgram`. */
export interface LoadOptions {
  /** `BPF_PROG_TYPE_*`; default the program's own, else an error. */
  readonly progType?: number;
  /** `expected_attach_type`; default the program's own, else 0. */
  readonly expectedAttachType?: number;
  /** Default the program's own, else `GPL`. */
  readonly license?: string;
  /** Verifier log level bits (1 = level 1, 2 = level 2, 4 = stats); default 1 | 4. 0 = no log. */
  readonly logLevel?: number;
  /** Initial log buffer size (default 64 KiB); grown when the kernel says ENOSPC. */
  readonly logSize?: number;
  /** Kernel maps to use by name; maps of `program.maps` not given here are created and owned by the program. */
  readonly maps?: ReadonlyMap<string, KernelMap>;
  /** `prog_flags` (BPF_F_STRICT_ALIGNMENT = 1, BPF_F_ANY_ALIGNMENT = 2, BPF_F_TEST_RND_HI32 = 4, ...). */
  readonly progFlags?: number;
  /** `prog_ifindex` for offload / dev-bound programs. */
  readonly ifindex?: number;
  /** Program name; default the program's own (sanitised, 15 characters). */
  readonly name?: string;
}

/** A program the kernel accepted. Close it (or `using` it) to release its fd and its own maps. */
export class KernelProgram implements Disposable {
  readonly program: Program;
  readonly progType: number;
  /** The verifier's log (empty when loaded with log level 0). */
  readonly log: string;
  /** Statistics parsed from the log (needs BPF_LOG_STATS, on by default). */
  readonly stats: VerifierStats;
  /** The kernel maps the program's `lddw` references were relocated to, by name. */
  readonly maps: ReadonlyMap<string, KernelMap>;
  private readonly ownedMaps: KernelMap[];
  private fdValue: number;

  constructor(fd: number, program: Program, progType: number, log: string, maps: ReadonlyMap<string, KernelMap>, ownedMaps: KernelMap[]) {
    this.fdValue = fd;
    this.program = program;
    this.progType = progType;
    this.log = log;
    this.stats = parseVerifierStats(log);
    this.maps = maps;
    this.ownedMaps = ownedMaps;
  }

  /** The program fd; throws once closed. */
  get fd(): number {
    if (this.fdValue < 0) throw new Error(`program${this.program.name ? ` '${this.program.name}'` : ''} is closed`);
    return this.fdValue;
  }

  get closed(): boolean {
    return this.fdValue < 0;
  }

  /** A map by name; throws a clear error when the program has none of that name. */
  map(name: string): KernelMap {
    const m = this.maps.get(name);
    if (!m) throw new Error(`program has no map '${name}' (maps: ${[...this.maps.keys()].join(', ') || 'none'})`);
    return m;
  }

  /** Id, tag, lengths and the xlated instructions decoded. */
  info(): ProgInfo {
    return progInfo(this.fd);
  }

  /**
   * BPF_PROG_TEST_RUN.
   * @example prog.testRun({ data: packet, repeat: 100 }).retval
   */
  testRun(options: TestRunOptions = {}): TestRunResult {
    return testRunFd(this.fd, options, `of a program of type ${progTypeName(this.progType)}`);
  }

  /** Pin in bpffs (mounting it if absent). */
  pin(path: string): void {
    pinObject(this.fd, path);
  }

  /** Close the program fd and the maps it created (idempotent). */
  close(): void {
    if (this.fdValue >= 0) {
      closeFd(this.fdValue);
      this.fdValue = -1;
    }
    for (const m of this.ownedMaps) m.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Decode the NUL-terminated log the kernel wrote. */
function logText(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return Buffer.from(buf.buffer, buf.byteOffset, end < 0 ? buf.byteLength : end).toString('utf8');
}

/**
 * BPF_PROG_LOAD: create the program's maps (unless given), relocate `lddw` map references
 * to their fds, and load. Throws `KernelError` with the verifier log on rejection.
 * @example using prog = loadProgram(programOf([mov64(R0, 0), exit()]), { progType: BPF_PROG_TYPE_XDP })
 */
export function loadProgram(program: Program, options: LoadOptions = {}): KernelProgram {
  const progType = options.progType ?? program.progType;
  if (progType === undefined) throw new Error('no program type: pass progType (e.g. BPF_PROG_TYPE_XDP) or give the program a type');
  const owned: KernelMap[] = [];
  const maps = new Map<string, KernelMap>();
  try {
    for (const def of program.maps) {
      const given = options.maps?.get(def.name);
      if (given) maps.set(def.name, given);
      else {
        const m = createKernelMap(def);
        owned.push(m);
        maps.set(def.name, m);
      }
    }
    for (const [name, m] of options.maps ?? []) if (!maps.has(name)) maps.set(name, m);
    const insns = relocateMaps(program, (name, i) => {
      const m = maps.get(name);
      if (!m) throw new Error(`insn ${i}: lddw refers to map '${name}', which the program does not define`);
      return m.fd;
    });
    const code = encode(insns);
    // fd_array: BPF_PSEUDO_MAP_IDX(_VALUE) references index it; the order of program.maps.
    const fdArray = program.maps.length === 0 ? undefined : new Uint8Array(new Int32Array(program.maps.map((d) => maps.get(d.name)!.fd)).buffer);
    const license = Buffer.from(`${options.license ?? program.license ?? 'GPL'}\0`, 'utf8');
    const logLevel = options.logLevel ?? (BPF_LOG_LEVEL1 | BPF_LOG_STATS);
    let logSize = logLevel === 0 ? 0 : Math.max(options.logSize ?? 64 * 1024, 128);
    const name = kernelObjectName(options.name ?? program.name ?? '');
    for (;;) {
      const log = new Uint8Array(logSize);
      const attr = new BpfAttr()
        .u32(0, progType).u32(4, code.byteLength / 8).ptr(8, code).ptr(16, license)
        .u32(24, logLevel).u32(28, logSize).ptr(32, logSize ? log : undefined)
        .u32(44, options.progFlags ?? 0).chars(48, BPF_OBJ_NAME_LEN, name)
        .u32(64, options.ifindex ?? 0)
        .u32(68, options.expectedAttachType ?? program.expectedAttachType ?? 0)
        .ptr(120, fdArray);
      const { ret, errno } = bpfRaw(BPF_PROG_LOAD, attr);
      if (ret >= 0) return new KernelProgram(ret, program, progType, logText(log), maps, owned);
      const trueSize = attr.readU32(140);
      if (errno === ENOSPC && logSize > 0 && logSize < MAX_LOG_SIZE) {
        logSize = Math.min(MAX_LOG_SIZE, Math.max(trueSize + 1, logSize * 4));
        continue;
      }
      const text = logSize ? logText(log) : '';
      throw new KernelError('bpf(BPF_PROG_LOAD)', errno,
        `of program${program.name ? ` '${program.name}'` : ''} (type ${progTypeName(progType)}, ${insns.length} insns)`, text);
    }
  } catch (e) {
    for (const m of owned) m.close();
    throw e;
  }
}
