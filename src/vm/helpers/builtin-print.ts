import * as H from '../../isa/helpers.js';
import { formatBpf } from './format.js';
import type { HelperRegistry } from './registry.js';
import type { HelperEnv } from './types.js';

const EINVAL = 22n;
const MAX_BPRINTF_VARARGS = 12;
const neg = (e: bigint): bigint => BigInt.asUintN(64, -e);
const decoder = new TextDecoder('latin1');

function readFmt(env: HelperEnv, addr: bigint, size: bigint): string | undefined {
  const n = Number(BigInt.asUintN(32, size));
  if (n === 0) return undefined;
  const bytes = env.mem.view(addr, n);
  const nul = bytes.indexOf(0);
  return nul < 0 ? undefined : decoder.decode(bytes.subarray(0, nul));
}

function stringReader(env: HelperEnv) {
  return (p: bigint): string | undefined => {
    try {
      return decoder.decode(env.mem.readCString(p, 1024));
    } catch {
      return undefined;
    }
  };
}

function readArgs(env: HelperEnv, data: bigint, len: bigint): bigint[] | undefined {
  const n = Number(BigInt.asUintN(32, len));
  if (n % 8 !== 0 || n / 8 > MAX_BPRINTF_VARARGS) return undefined;
  if (n === 0) return [];
  const bytes = env.mem.read(data, n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: n / 8 }, (_, i) => view.getBigUint64(i * 8, true));
}

function emit(env: HelperEnv, text: string): bigint {
  for (const line of text.replace(/\n$/, '').split('\n')) env.printk(line);
  return BigInt(new TextEncoder().encode(text).length);
}

/** bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf. */
export function registerPrintHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_trace_printk, ({ r1, r2, r3, r4, r5 }, env) => {
    const fmt = readFmt(env, r1, r2);
    if (fmt === undefined) return neg(EINVAL);
    const r = formatBpf(fmt, [r3, r4, r5], stringReader(env));
    return r.ok ? emit(env, r.text) : neg(EINVAL);
  });
  reg.register(H.BPF_FUNC_trace_vprintk, ({ r1, r2, r3, r4 }, env) => {
    const fmt = readFmt(env, r1, r2);
    const args = readArgs(env, r3, r4);
    if (fmt === undefined || args === undefined) return neg(EINVAL);
    const r = formatBpf(fmt, args, stringReader(env));
    return r.ok ? emit(env, r.text) : neg(EINVAL);
  });
  reg.register(H.BPF_FUNC_snprintf, ({ r1, r2, r3, r4, r5 }, env) => {
    const size = Number(BigInt.asUintN(32, r2));
    const fmt = decoder.decode(env.mem.readCString(r3, 0x10000));
    const args = readArgs(env, r4, r5);
    if (fmt === undefined || args === undefined) return neg(EINVAL);
    const r = formatBpf(fmt, args, stringReader(env));
    if (!r.ok) return neg(EINVAL);
    const bytes = new TextEncoder().encode(r.text);
    if (size > 0) {
      const dst = env.mem.view(r1, size, true);
      const n = Math.min(bytes.length, size - 1);
      dst.set(bytes.subarray(0, n));
      dst[n] = 0;
    }
    return BigInt(bytes.length + 1);
  });
}
