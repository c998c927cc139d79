/** Why a program stopped abnormally. */
export type VmFaultKind =
  | 'memory'
  | 'budget'
  | 'call-depth'
  | 'bad-jump'
  | 'bad-insn'
  | 'helper'
  | 'setup';

/** Details of a memory fault: which address, how many bytes, which region. */
export interface VmFaultAccess {
  readonly address: bigint;
  readonly size: number;
  readonly write: boolean;
  /** `stack+512`, `ctx+4`, or undefined when the address is in no region. */
  readonly where: string | undefined;
}

/**
 * The one error the VM throws: a program fault (or a bad setup), with the slot index,
 * the instruction as pseudo-C text and what went wrong.
 * @example `pc 3 (r0 = *(u64 *)(r10 + 0)): out-of-bounds read of 8 bytes at stack+512`
 */
export class VmFault extends Error {
  /** Slot index (the kernel's instruction index) of the faulting instruction, -1 if none. */
  readonly pc: number;
  /** The instruction in pseudo-C, empty when there is none. */
  readonly insnText: string;
  /** The reason without the location prefix. */
  readonly reason: string;
  readonly kind: VmFaultKind;
  readonly access: VmFaultAccess | undefined;

  constructor(kind: VmFaultKind, pc: number, insnText: string, reason: string, access?: VmFaultAccess) {
    super(pc < 0 ? reason : insnText === '' ? `pc ${pc}: ${reason}` : `pc ${pc} (${insnText}): ${reason}`);
    this.name = 'VmFault';
    this.kind = kind;
    this.pc = pc;
    this.insnText = insnText;
    this.reason = reason;
    this.access = access;
  }
}

/** An internal signal thrown below the interpreter and turned into a located `VmFault` by it. */
export class PendingFault {
  constructor(
    readonly kind: VmFaultKind,
    readonly reason: string,
    readonly access?: VmFaultAccess,
  ) {}
}
