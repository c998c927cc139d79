/**
 * The kernel side of a cross-check: the same `Program` loaded through bpf(2) and run with
 * BPF_PROG_TEST_RUN on the same input. Only where bpf(2) works; otherwise `kernelSide` says why.
 */
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LPM_TRIE, BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK } from '../isa/map-types.js';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP, progTypeName } from '../isa/prog-types.js';
import type { Program } from '../isa/program.js';
import { bpfAvailable, loadProgram, type KernelProgram, type TestRunResult } from '../loader/index.js';
import type { RawInput } from './input.js';
import type { MapContents } from './map-arb.js';

/** The kernel's answer for one input, or why it could not run it. */
export type KernelRun = { readonly ok: true; readonly result: TestRunResult } | { readonly ok: false; readonly reason: string };

/** Frames below this length are refused by BPF_PROG_TEST_RUN (ETH_HLEN). */
const MIN_FRAME = 14;
/**
 * Longest frame a test run keeps linear, by program type (one 4 KiB page minus head- and tailroom;
 * measured on Linux 6.18 x86-64): XDP puts the rest in fragments the program does not see,
 * a socket filter refuses the input (EINVAL).
 */
const MAX_LINEAR_FRAME: Readonly<Record<number, number>> = { [BPF_PROG_TYPE_XDP]: 3520, [BPF_PROG_TYPE_SOCKET_FILTER]: 3712 };

/**
 * Why an skb test run (socket filter, tc) refuses `frame` with EINVAL, or undefined if it takes it.
 * Measured on Linux 6.18: a frame shorter than an Ethernet header, or an IP ethertype without a
 * whole IP header behind it. The VM refuses the same frames.
 * @example skbTestRunRefusal(new Uint8Array(14)) // undefined (ethertype 0)
 */
export function skbTestRunRefusal(frame: Uint8Array): string | undefined {
  if (frame.length < MIN_FRAME) return `a ${frame.length}-byte frame is below the kernel's minimum of ${MIN_FRAME}`;
  const ethertype = (frame[12]! << 8) | frame[13]!;
  if (ethertype === 0x0800 && frame.length < 34) return 'an IPv4-typed frame shorter than 34 bytes is refused by the skb test run';
  if (ethertype === 0x86dd && frame.length < 54) return 'an IPv6-typed frame shorter than 54 bytes is refused by the skb test run';
  return undefined;
}

/** A program loaded in the kernel for cross-checks. */
export class KernelSide {
  readonly prog: KernelProgram;
  private readonly initial: readonly MapContents[];

  constructor(prog: KernelProgram, initial: readonly MapContents[]) {
    this.prog = prog;
    this.initial = initial;
  }

  /** Put every map back to its initial contents (empty / zero plus `initial`). */
  resetMaps(): void {
    for (const [name, m] of this.prog.maps) {
      const def = m.def;
      // Frozen global data (.rodata) cannot change and never needs a reset.
      if (def.frozen === true) continue;
      if (def.type === BPF_MAP_TYPE_ARRAY) {
        const zero = new Uint8Array(def.valueSize);
        for (let i = 0; i < def.maxEntries; i++) {
          const k = new Uint8Array(4);
          new DataView(k.buffer).setUint32(0, i, true);
          // Global data (.data) goes back to its initial value, as the VM's clear() does.
          m.update(k, i === 0 && def.initialValue !== undefined ? def.initialValue : zero);
        }
      } else if (def.type === BPF_MAP_TYPE_HASH || def.type === BPF_MAP_TYPE_LRU_HASH || def.type === BPF_MAP_TYPE_LPM_TRIE) {
        for (let k = m.nextKey(); k !== undefined; k = m.nextKey()) m.delete(k);
      } else if (def.type === BPF_MAP_TYPE_QUEUE || def.type === BPF_MAP_TYPE_STACK) {
        while (m.lookupAndDelete() !== undefined);
      }
      for (const c of this.initial) {
        if (c.def.name !== name) continue;
        for (const e of c.entries) {
          if (def.type === BPF_MAP_TYPE_QUEUE || def.type === BPF_MAP_TYPE_STACK) m.update(new Uint8Array(0), e.value);
          else m.update(e.key, e.value);
        }
      }
    }
  }

  /** Run one input; inputs the kernel cannot take here come back as `{ ok: false, reason }`. */
  run(input: RawInput): KernelRun {
    const data = input.packet;
    const type = this.prog.progType;
    if (data === undefined) return { ok: false, reason: 'no packet to give BPF_PROG_TEST_RUN' };
    if (data.length < MIN_FRAME) return { ok: false, reason: `a ${data.length}-byte frame is below the kernel's minimum of ${MIN_FRAME}` };
    if (type !== BPF_PROG_TYPE_SOCKET_FILTER && type !== BPF_PROG_TYPE_XDP) return { ok: false, reason: `${progTypeName(type)} is not cross-checked` };
    if (type === BPF_PROG_TYPE_SOCKET_FILTER) {
      const refusal = skbTestRunRefusal(data);
      if (refusal !== undefined) return { ok: false, reason: refusal };
    }
    const max = MAX_LINEAR_FRAME[type]!;
    if (data.length > max) return { ok: false, reason: `a ${data.length}-byte frame exceeds the ${max}-byte linear ${progTypeName(type)} test-run buffer` };
    return { ok: true, result: this.prog.testRun({ data, ...(input.ctx ? { ctx: input.ctx } : {}) }) };
  }

  close(): void {
    this.prog.close();
  }
}

/** Why a program cannot be cross-checked here, or null when it can. */
export function kernelUnavailableReason(progType: number): string | null {
  const avail = bpfAvailable();
  if (!avail.ok) return avail.reason;
  if (progType !== BPF_PROG_TYPE_SOCKET_FILTER && progType !== BPF_PROG_TYPE_XDP) {
    return `BPF_PROG_TEST_RUN cross-checks cover socket_filter and xdp, not ${progTypeName(progType)}`;
  }
  return null;
}

/** Load `program` in the kernel for cross-checks (throws `KernelError` with the verifier log on rejection). */
export function loadKernelSide(program: Program, progType: number, initial: readonly MapContents[] = []): KernelSide {
  const side = new KernelSide(loadProgram(program, { progType }), initial);
  if (initial.length) side.resetMaps();
  return side;
}
