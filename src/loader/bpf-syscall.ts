import { BPF_ATTR_SIZE, bpfCmdNames } from './bpf-cmd.js';
import { KernelError } from './kernel-error.js';
import { __NR_bpf, addressOf, lastErrno, native } from './native.js';

/** A zeroed `union bpf_attr` with little-endian field writers. */
export class BpfAttr {
  readonly buf: Buffer;
  /** Buffers referenced by pointer fields, kept alive for the duration of the call. */
  private readonly pinned: Uint8Array[] = [];

  constructor(size = BPF_ATTR_SIZE) {
    this.buf = Buffer.alloc(size);
  }

  u32(off: number, v: number): this {
    this.buf.writeUInt32LE(v >>> 0, off);
    return this;
  }

  u64(off: number, v: bigint): this {
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), off);
    return this;
  }

  /** Store a pointer to `data` (0 for undefined/empty) in a `__aligned_u64` field. */
  ptr(off: number, data: Uint8Array | undefined): this {
    if (data) this.pinned.push(data);
    return this.u64(off, addressOf(data));
  }

  /** Store a NUL-padded string in a fixed char array. */
  chars(off: number, len: number, s: string): this {
    const bytes = Buffer.from(s, 'utf8').subarray(0, len - 1);
    bytes.copy(this.buf, off);
    return this;
  }

  readU32(off: number): number {
    return this.buf.readUInt32LE(off);
  }

  readU64(off: number): bigint {
    return this.buf.readBigUInt64LE(off);
  }
}

/** Raw bpf(2): returns the result or `-errno` (never throws on a kernel error). */
export function bpfRaw(cmd: number, attr: BpfAttr): { ret: number; errno: number } {
  const ret = native().bpf(__NR_bpf, cmd, attr.buf, attr.buf.byteLength);
  return ret < 0 ? { ret, errno: lastErrno() } : { ret, errno: 0 };
}

/**
 * bpf(2) that throws `KernelError` naming the command on failure.
 * @example bpf(BPF_MAP_FREEZE, new BpfAttr().u32(0, fd))
 */
export function bpf(cmd: number, attr: BpfAttr, detail?: string): number {
  const { ret, errno } = bpfRaw(cmd, attr);
  if (ret < 0) throw new KernelError(`bpf(${bpfCmdName(cmd)})`, errno, detail);
  return ret;
}

/** The name of a bpf command value. */
export function bpfCmdName(cmd: number): string {
  return bpfCmdNames[cmd] ?? `bpf cmd #${cmd}`;
}
