/** The verifier: predict the Linux kernel verifier's verdict and log, offline. */
export { verify, verifyBytes } from './verify.js';
export type { VerifyOptions, VerifyResult, VerifyStats } from './types.js';
export { formatInsn } from './disasm.js';
export * from './tnum.js';
export type { ScalarBounds } from './scalar.js';
export { scalarAlu, concreteAlu } from './scalar-alu.js';
export { scalarBranchTaken, refineCond, concreteCond, type CondOp } from './branch.js';
