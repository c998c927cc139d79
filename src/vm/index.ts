/**
 * The eBPF virtual machine: an interpreter with the kernel's semantics, a checked address
 * space, helpers, user-space maps and per-program-type contexts.
 * @example
 * const vm = createVm(program, { mem: new Uint8Array([1, 2, 3]) });
 * const { r0, insns } = vm.run();
 */
import type { Program } from '../isa/program.js';
import { Vm, type VmOptions } from './vm.js';

export { Vm, type VmEngine, type VmOptions, type RunOptions, type RunResult } from './vm.js';
export type { RunInput } from './context.js';
export { VmFault, type VmFaultKind, type VmFaultAccess } from './fault.js';
export { insnText } from './insn-text.js';
export type { TraceEvent } from './machine.js';
export { MAX_CALL_FRAMES, MAX_TAIL_CALL_CNT, STACK_SIZE, BPF_MAX_LOOPS } from './machine.js';
export { HelperRegistry, resolveHelperId } from './helpers/registry.js';
export { builtinHelpers } from './helpers/builtins.js';
export { formatBpf } from './helpers/format.js';
export type { HelperArgs, HelperEnv, HelperFn, MemoryAccess, PerfRecord, RingbufRecord, SimTask, XdpPacket } from './helpers/types.js';
export { checkConformance, type ConformanceInput, type ConformanceVerdict } from './conformance.js';
export * from './maps/index.js';

/**
 * Create a VM for `program` (same as `new Vm(program, options)`).
 * @example createVm(program, { progType: 'xdp', packet }).run().r0
 */
export function createVm(program: Program, options: VmOptions = {}): Vm {
  return new Vm(program, options);
}
