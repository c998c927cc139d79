/** The eBPF instruction set: opcodes, the `Insn` model, encode/decode, builders and uapi names. */
export * from './opcodes.js';
export * from './insn.js';
export * from './errors.js';
export * from './raw.js';
export { toRaw, encode } from './encode.js';
export { decode } from './decode.js';
export * from './program.js';
export * from './builders.js';
export * from './prog-types.js';
export * from './map-types.js';
export * from './helpers.js';
export * from './attach-types.js';
export * from './elf.js';
