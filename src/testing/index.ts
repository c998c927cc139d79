/**
 * `tsbpf/testing`: property-based tests of eBPF programs with vitest + fast-check.
 * fast-check arbitraries for packets, contexts, tracepoint records, map contents and random valid
 * programs; a harness that runs a program in the VM (and the kernel, where bpf(2) works) on each
 * generated input and reports a shrunk failure as a hex dump plus the instruction trace.
 * Needs `fast-check` installed next to tsbpf.
 * @example
 * const target = loadTarget('xdp-port80.s', { progType: 'xdp' });
 * checkProgram(target, anyPacketArb(), (p, run) => { expect(run(p)).toBe(reference(p.bytes)); }, { numRuns: 1000 });
 */
export * from './checksum.js';
export * from './packet.js';
export { parsePacket, type ParsedPacket } from './packet-parse.js';
export { packetArb, frameSpecArb, portArb, macArb, ipv6AddressArb, type PacketOptions } from './packet-arb.js';
export {
  corruptPacketArb, corruptFrame, frameBytesArb, randomPacketArb, anyPacketArb, CORRUPTION_KINDS,
  type CorruptPacketOptions, type AnyPacketOptions,
} from './packet-corrupt.js';
export { hexDump, type HexDumpOptions } from './hex-dump.js';
export { seededBytes, bytesArb, genArb, isArbitrary, type Gen } from './gen.js';
export {
  xdpContextArb, xdpMdBytes, skBuffContextArb, skBuffBytes, XDP_MD_SIZE, SK_BUFF_SIZE,
  type XdpContext, type XdpContextOptions, type SkBuffContext, type SkBuffContextOptions,
} from './context-arb.js';
export {
  tracepointLayout, layoutOf, tracepointContextArb, encodeTracepoint,
  type TracepointField, type TracepointLayout, type TracepointContext, type TracepointContextOptions,
} from './tracepoint.js';
export { mapContentsArb, u32Key, type MapEntry, type MapContents, type MapContentsOptions } from './map-arb.js';
export { programArb, shapeTreeArb, compileShape, type ProgramShape, type ShapeStmt, type ShapeTree, type GenHelper } from './program-arb.js';
export { toRawInput, inputBytes, describeInput, packetSummary, type BpfInput, type RawInput } from './input.js';
export { loadTarget, targetFromSource, BpfTarget, KernelMismatch, formatTrace, type TargetOptions, type RunOutcome, type CrossCheckStats } from './target.js';
export { KernelSide, skbTestRunRefusal, type KernelRun } from './kernel-check.js';
export { property, checkProgram, checkAgainst, formatFailure, PropertyFailure, type CheckOptions, type CheckReport } from './property.js';
export { withRecorder, type TraceRecord } from './recorder.js';
