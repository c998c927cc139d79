import { BPF_PROG_TEST_RUN } from './bpf-cmd.js';
import { BpfAttr, bpfRaw } from './bpf-syscall.js';
import { KernelError } from './kernel-error.js';

const ENOSPC = 28;

/** Input of BPF_PROG_TEST_RUN. */
export interface TestRunOptions {
  /** Packet data (`data_in`). */
  readonly data?: Uint8Array;
  /** Context (`ctx_in`), e.g. a `struct xdp_md` or `struct __sk_buff`. */
  readonly ctx?: Uint8Array;
  /** Runs to time (`repeat`, default 1); `duration` is the mean per run. */
  readonly repeat?: number;
  /** Room for output data; default the input length + 256 (grown once if the kernel needs more). */
  readonly dataSizeOut?: number;
  /** Room for the output context; default the input context's length. */
  readonly ctxSizeOut?: number;
  /** `flags` (BPF_F_TEST_RUN_ON_CPU = 1, BPF_F_TEST_XDP_LIVE_FRAMES = 2). */
  readonly flags?: number;
  /** CPU for BPF_F_TEST_RUN_ON_CPU. */
  readonly cpu?: number;
}

/** Output of BPF_PROG_TEST_RUN. */
export interface TestRunResult {
  /** The program's return value as the kernel reports it: the low 32 bits of r0, unsigned. */
  readonly retval: number;
  readonly dataOut: Uint8Array;
  readonly ctxOut: Uint8Array;
  /** Mean nanoseconds per run, as the kernel measured it. */
  readonly duration: number;
}

/**
 * BPF_PROG_TEST_RUN on a loaded program's fd.
 * @example testRunFd(prog.fd, { data: packet, repeat: 1000 }).retval
 */
export function testRunFd(progFd: number, options: TestRunOptions = {}, what = ''): TestRunResult {
  const data = options.data;
  const ctx = options.ctx;
  let dataOutSize = options.dataSizeOut ?? (data ? data.byteLength + 256 : 0);
  const ctxOutSize = options.ctxSizeOut ?? ctx?.byteLength ?? 0;
  for (let attempt = 0; ; attempt++) {
    const dataOut = new Uint8Array(dataOutSize);
    const ctxOut = new Uint8Array(ctxOutSize);
    const attr = new BpfAttr()
      .u32(0, progFd)
      .u32(8, data?.byteLength ?? 0).u32(12, dataOutSize).ptr(16, data).ptr(24, dataOut)
      .u32(32, options.repeat ?? 1)
      .u32(40, ctx?.byteLength ?? 0).u32(44, ctxOutSize).ptr(48, ctx).ptr(56, ctxOut)
      .u32(64, options.flags ?? 0).u32(68, options.cpu ?? 0);
    const { ret, errno } = bpfRaw(BPF_PROG_TEST_RUN, attr);
    const needed = attr.readU32(12);
    if (ret < 0 && errno === ENOSPC && attempt === 0 && options.dataSizeOut === undefined && needed > dataOutSize) {
      dataOutSize = needed;
      continue;
    }
    if (ret < 0) throw new KernelError('bpf(BPF_PROG_TEST_RUN)', errno, what);
    return {
      retval: attr.readU32(4),
      dataOut: dataOut.subarray(0, Math.min(needed, dataOutSize)),
      ctxOut: ctxOut.subarray(0, Math.min(attr.readU32(44), ctxOutSize)),
      duration: attr.readU32(36),
    };
  }
}
