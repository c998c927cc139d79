/**
 * User-space BPF maps with the kernel's semantics and return codes, for the VM's helpers
 * and for hosts that create, inspect and iterate maps from TypeScript.
 */
export * from './types.js';
export * from './errno.js';
export * from './flags.js';
export { MapError } from './map-error.js';
export { createMap, createMaps, progReadOnlyValues } from './create-map.js';
export { checkMapDef, roundUp8 } from './validate.js';
export { perfSampleSize } from './perf-event-array-map.js';
