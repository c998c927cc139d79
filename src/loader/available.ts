import { BPF_MAP_CREATE } from './bpf-cmd.js';
import { BpfAttr, bpfRaw } from './bpf-syscall.js';
import { errnoName, errnoText } from './kernel-error.js';
import { closeFd, native, platformProblem } from './native.js';

/** Whether the loader can talk to the kernel here, and why not. */
export type BpfAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

let cached: BpfAvailability | undefined;

/**
 * Can this process use bpf(2)? Checks the platform, koffi, and a real BPF_MAP_CREATE.
 * Tests use it to skip with one line: `const bpfOk = bpfAvailable(); if (!bpfOk.ok) console.log('skip: ' + bpfOk.reason)`.
 */
export function bpfAvailable(): BpfAvailability {
  if (cached) return cached;
  cached = probe();
  return cached;
}

function probe(): BpfAvailability {
  const problem = platformProblem();
  if (problem) return { ok: false, reason: problem };
  try {
    native();
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  // BPF_MAP_TYPE_ARRAY, key 4, value 4, one entry.
  const attr = new BpfAttr().u32(0, 2).u32(4, 4).u32(8, 4).u32(12, 1);
  const { ret, errno } = bpfRaw(BPF_MAP_CREATE, attr);
  if (ret < 0) {
    const hint = errno === 1 ? ' (needs root or CAP_BPF; check kernel.unprivileged_bpf_disabled)' : errno === 38 ? ' (kernel built without CONFIG_BPF_SYSCALL)' : '';
    return { ok: false, reason: `bpf(BPF_MAP_CREATE) failed: ${errnoName(errno)} (${errnoText(errno)})${hint}` };
  }
  closeFd(ret);
  return { ok: true };
}
