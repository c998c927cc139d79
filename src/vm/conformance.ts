import type { Program } from '../isa/program.js';
import { VmFault } from './fault.js';
import { Vm, type VmEngine } from './vm.js';

/** A bpf_conformance case as the VM needs it (parsing `.data` text is the assembler's job). */
export interface ConformanceInput {
  readonly program: Program;
  /** `-- mem`: r1 points to a copy, r2 is its length (empty: r1 = r2 = 0). */
  readonly mem: Uint8Array;
  /** `-- result`: the expected r0. */
  readonly result?: bigint;
  /** `-- error`: the program must fault instead of returning. */
  readonly error?: string;
}

/** The verdict on one case. */
export interface ConformanceVerdict {
  readonly pass: boolean;
  /** Why it failed (empty when it passed). */
  readonly reason: string;
  readonly r0?: bigint;
  readonly fault?: VmFault;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * Run one conformance case in a fresh VM (on `engine`): pass when r0 equals `result`, or, for an
 * `-- error` case, when the program faults.
 * @example checkConformance({ program, mem: new Uint8Array(0), result: 3n }).pass
 */
export function checkConformance(c: ConformanceInput, maxInsns = 1_000_000, engine: VmEngine = 'interpreter'): ConformanceVerdict {
  let r0: bigint;
  try {
    r0 = new Vm(c.program, { maxInsns, engine }).run(c.mem.length > 0 ? { mem: c.mem } : {}).r0;
  } catch (e) {
    if (!(e instanceof VmFault)) throw e;
    if (c.error !== undefined) return { pass: true, reason: '', fault: e };
    return { pass: false, reason: e.message, fault: e };
  }
  if (c.error !== undefined) return { pass: false, reason: `expected error '${c.error}', got r0 ${hex(r0)}`, r0 };
  if (c.result === undefined) return { pass: false, reason: `no -- result section (r0 ${hex(r0)})`, r0 };
  if (r0 !== c.result) return { pass: false, reason: `r0 ${hex(r0)}, expected ${hex(c.result)}`, r0 };
  return { pass: true, reason: '', r0 };
}
