/** A decode or encode failure: which instruction, which field, and what is wrong. */
export class IsaError extends Error {
  /** Instruction index (slot index for decode, `Insn` index for encode). */
  readonly index: number;
  /** The offending field: `opcode`, `dst`, `src`, `off`, `imm`, `size`, ... */
  readonly field: string;
  /** The kernel verifier's wording for the same problem, where it has one. */
  readonly kernelMessage: string | undefined;

  constructor(index: number, field: string, message: string, kernelMessage?: string) {
    super(`insn ${index}: ${field}: ${message}`);
    this.name = 'IsaError';
    this.index = index;
    this.field = field;
    this.kernelMessage = kernelMessage;
  }
}
