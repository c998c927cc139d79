/**
 * The kernel loader: bpf(2) and perf_event_open from TypeScript through koffi.
 * koffi is loaded on the first kernel call, never at import.
 */
export { bpfAvailable } from './available.js';
export type { BpfAvailability } from './available.js';
export { KernelError, errnoName, errnoText } from './kernel-error.js';
export * from './bpf-cmd.js';
export { KernelMap, createKernelMap, kernelObjectName } from './kernel-map.js';
export type { KernelMapOptions } from './kernel-map.js';
export { KernelProgram, loadProgram } from './kernel-program.js';
export type { LoadOptions } from './kernel-program.js';
export { testRunFd } from './test-run.js';
export type { TestRunOptions, TestRunResult } from './test-run.js';
export { parseVerifierStats } from './verifier-log.js';
export type { VerifierStats } from './verifier-log.js';
export { mapInfo, progInfo } from './prog-info.js';
export type { MapInfo, ProgInfo } from './prog-info.js';
export { mapNameOf, mapReferences, relocateMaps } from './relocate.js';
export type { MapReference } from './relocate.js';
export { BPFFS_ROOT, ensureBpffs, ensureMounted, getPinned, mountsOf, pinObject } from './bpffs.js';
export { onlineCpus, possibleCpuCount } from './cpus.js';
export { closeFd } from './native.js';
export {
  listMaps, listPrograms, mapFdById, mapIds, openMapById, openPinnedMap, programFdById, programIds,
} from './kernel-objects.js';
export {
  Attachment, XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, XDP_FLAGS_UPDATE_IF_NOEXIST, attachKprobe,
  attachRawTracepoint, attachSocketFilter, attachTracepoint, attachXdp,
} from './attach.js';
export type { PerfAttachMethod } from './attach.js';
export { TRACEFS_ROOT, parseTracepointName, tracefsRoot, tracepointId } from './tracefs.js';
export { interfaceIndex, withNetns } from './netns.js';
export * from './raw-socket.js';
export { perfEventOpen } from './perf-event.js';
export type { PerfEventAttr } from './perf-event.js';
export { EventQueue } from './event-queue.js';
export { PerfBufferReader } from './perf-buffer.js';
export type { PerfRecord } from './perf-buffer.js';
export { RingBufferReader } from './ring-buffer.js';
export { TracePipeReader, parseTraceLine } from './trace-pipe.js';
export type { TraceLine } from './trace-pipe.js';
export { returnHighHalf } from './r0-high.js';
