/**
 * Building blocks of the generated verifier corpus: program constructors, map
 * definitions, common instruction sequences and a deterministic PRNG.
 */
import {
  R0, R1, R2, R10, add64, call, exit, ldMapFd, mov64, stw, callLocal,
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_RINGBUF,
  type Insn, type MapDef, type Program,
} from '../../../src/isa/index.js';

/** One program of the verifier corpus. */
export interface CorpusProgram {
  /** Unique name: `gen/<family>/<case>` or `hand/<file>`. */
  readonly name: string;
  /** Golden file group (`hand`, or the generator family). */
  readonly family: string;
  readonly program: Program;
}

export const SOCKET_FILTER = 1;
export const KPROBE = 2;
export const SCHED_CLS = 3;
export const TRACEPOINT = 5;
export const XDP = 6;
export const CGROUP_SKB = 8;

/** Collects the programs of one family under `gen/<family>/`. */
export class Family {
  readonly programs: CorpusProgram[] = [];
  constructor(readonly family: string) {}

  /** Is there a program of this case name already? */
  has(name: string): boolean {
    return this.programs.some((p) => p.name === `gen/${this.family}/${name}`);
  }

  /** Add a program; names must be unique within the family. */
  add(name: string, progType: number, insns: readonly Insn[], maps: readonly MapDef[] = []): void {
    const full = `gen/${this.family}/${name}`;
    if (this.programs.some((p) => p.name === full)) throw new Error(`duplicate corpus name ${full}`);
    this.programs.push({ name: full, family: this.family, program: { insns, progType, license: 'GPL', maps, symbols: [] } });
  }
}

/** An array map `name` with 4-byte keys. */
export function arrayMap(name: string, valueSize: number, maxEntries = 1): MapDef {
  return { name, type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize, maxEntries, flags: 0 };
}

/** A hash map `name`. */
export function hashMap(name: string, keySize: number, valueSize: number, maxEntries = 16): MapDef {
  return { name, type: BPF_MAP_TYPE_HASH, keySize, valueSize, maxEntries, flags: 0 };
}

/** A ring buffer map of `size` bytes (a power of two, multiple of the page size). */
export function ringbufMap(name: string, size = 4096): MapDef {
  return { name, type: BPF_MAP_TYPE_RINGBUF, keySize: 0, valueSize: 0, maxEntries: size, flags: 0 };
}

/** `r0 = v; exit`. */
export function ret(v = 0): Insn[] {
  return [mov64(R0, v), exit()];
}

/** `*(u32 *)(r10 - 4) = key; r2 = r10 - 4; r1 = map; call bpf_map_lookup_elem` (r0 = value or null). */
export function lookup(map: string, key = 0): Insn[] {
  return [stw(R10, -4, key), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, map), call(1)];
}

/** A call-site placeholder inside `link`: call function number `fn`. */
export interface CallFn {
  readonly callFn: number;
}

/**
 * Lay out functions one after the other and resolve `{ callFn }` placeholders into
 * bpf-to-bpf calls. Every function but the first is a subprogram.
 */
export function link(funcs: readonly (readonly (Insn | CallFn)[])[]): Insn[] {
  const starts: number[] = [];
  let slots = 0;
  for (const f of funcs) {
    starts.push(slots);
    for (const i of f) slots += 'callFn' in i ? 1 : i.kind === 'lddw' ? 2 : 1;
  }
  const out: Insn[] = [];
  let pc = 0;
  for (const f of funcs) {
    for (const i of f) {
      if ('callFn' in i) {
        const target = starts[i.callFn];
        if (target === undefined) throw new Error(`link: no function ${i.callFn}`);
        out.push(callLocal(target - pc - 1));
        pc += 1;
      } else {
        out.push(i);
        pc += i.kind === 'lddw' ? 2 : 1;
      }
    }
  }
  return out;
}

/** A small deterministic PRNG (mulberry32) so generated families never change between runs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.next() % xs.length]!;
  }
}
