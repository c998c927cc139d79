/** tsbpf: the eBPF instruction set model and the rooms built on it. */
export * from './isa/index.js';
