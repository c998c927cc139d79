/**
 * Test support for the compiled tier: a VM of either engine, and everything observable
 * about one run (r0, count, output, memory, maps) or its fault, as plain data to compare.
 */
import type { Program } from '../../../src/isa/program.js';
import type { RunInput } from '../../../src/vm/context.js';
import { VmFault, type RunResult, type VmOptions } from '../../../src/vm/index.js';
import { Vm, type VmEngine } from '../../../src/vm/vm.js';

export type Engine = VmEngine;

/** A VM running `program` on `engine`. */
export function vmOf(program: Program, engine: Engine, options: VmOptions = {}): Vm {
  return new Vm(program, { ...options, engine });
}

const hex = (b: Uint8Array | undefined): string => (b === undefined ? '-' : Buffer.from(b).toString('hex'));

/** Map contents by name: every entry as key=value hex (entries the map kind cannot list are skipped). */
export function mapDump(maps: ReadonlyMap<string, { entries(): IterableIterator<[Uint8Array, Uint8Array]> }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, m] of maps) {
    try {
      out[name] = [...m.entries()].map(([k, v]) => `${hex(k)}=${hex(v)}`).sort();
    } catch {
      out[name] = ['(not listable)'];
    }
  }
  return out;
}

/** What one run shows: its result or its fault, plus the maps afterwards. */
export interface Outcome {
  readonly r0?: string;
  readonly insns?: number;
  readonly output?: string[];
  readonly perf?: string[];
  readonly ringbuf?: string[];
  readonly mem?: string;
  readonly packet?: string;
  readonly fault?: { kind: string; pc: number; message: string; access?: string };
  readonly maps: Record<string, string[]>;
}

/** Run `vm` on `input` and describe everything observable. */
export function outcomeOf(vm: Vm, input: RunInput & { maxInsns?: number } = {}): Outcome {
  let r: RunResult;
  try {
    r = vm.run(input);
  } catch (e) {
    if (!(e instanceof VmFault)) throw e;
    const a = e.access;
    return {
      fault: { kind: e.kind, pc: e.pc, message: e.message, ...(a === undefined ? {} : { access: `${a.address.toString(16)}/${a.size}/${a.write}/${a.where}` }) },
      maps: mapDump(vm.maps),
    };
  }
  return {
    r0: r.r0.toString(16),
    insns: r.insns,
    output: r.output,
    perf: r.perf.map((p) => `${p.map}/${p.cpu}/${hex(p.data)}`),
    ringbuf: r.ringbuf.map((p) => `${p.map}/${hex(p.data)}`),
    mem: hex(r.mem),
    packet: hex(r.packet),
    maps: mapDump(r.maps),
  };
}
