import * as H from '../../isa/helpers.js';
import type { HelperRegistry } from './registry.js';

const BPF_MAX_LOOPS = 8 * 1024 * 1024;
const neg = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));

/** bpf_loop (callback subprogram), XDP head/tail adjustment and load/store bytes, strncmp, spin locks (no-ops: one CPU runs at a time), skb_load_bytes, bpf_tail_call's id (the VM runs it itself). */
export function registerControlHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_loop, ({ r1, r2, r3, r4 }, env) => {
    if (r4 !== 0n) return neg(22);
    const n = BigInt.asUintN(32, r1);
    if (n > BigInt(BPF_MAX_LOOPS)) return neg(7);
    for (let i = 0n; i < n; i++) {
      if (env.callFunction(r2, [i, r3]) !== 0n) return i + 1n;
    }
    return n;
  });
  reg.register(H.BPF_FUNC_strncmp, ({ r1, r2, r3 }, env) => {
    const n = Number(BigInt.asUintN(32, r2));
    const a = env.mem.view(r1, n);
    const b = env.mem.readCString(r3, 0x10000);
    for (let i = 0; i < n; i++) {
      const ca = a[i]!;
      const cb = i < b.length ? b[i]! : 0;
      if (ca !== cb) return ca < cb ? neg(1) : 1;
      if (ca === 0) break;
    }
    return 0;
  });
  reg.register(H.BPF_FUNC_spin_lock, () => 0);
  reg.register(H.BPF_FUNC_spin_unlock, () => 0);
  reg.register(H.BPF_FUNC_tail_call, () => {
    throw new Error('bpf_tail_call is executed by the VM');
  });
  reg.register(H.BPF_FUNC_xdp_adjust_head, ({ r2 }, env) => (env.xdp === undefined ? neg(22) : BigInt.asUintN(64, BigInt(env.xdp.adjustHead(Number(BigInt.asIntN(32, r2)))))));
  reg.register(H.BPF_FUNC_xdp_adjust_tail, ({ r2 }, env) => (env.xdp === undefined ? neg(22) : BigInt.asUintN(64, BigInt(env.xdp.adjustTail(Number(BigInt.asIntN(32, r2)))))));
  reg.register(H.BPF_FUNC_xdp_get_buff_len, (_a, env) => env.xdp?.bytes().length ?? 0);
  for (const [id, store] of [[H.BPF_FUNC_xdp_load_bytes, false], [H.BPF_FUNC_xdp_store_bytes, true]] as const) {
    reg.register(id, ({ r2, r3, r4 }, env) => {
      const p = env.xdp?.bytes();
      const off = Number(BigInt.asUintN(32, r2));
      const len = Number(BigInt.asUintN(32, r4));
      if (p === undefined || len === 0 || off + len > p.length) return neg(22);
      const buf = env.mem.view(r3, len, !store);
      if (store) p.set(buf, off);
      else buf.set(p.subarray(off, off + len));
      return 0;
    });
  }
  reg.register(H.BPF_FUNC_skb_load_bytes, ({ r2, r3, r4 }, env) => {
    const p = env.packet;
    const off = Number(BigInt.asUintN(32, r2));
    const len = Number(BigInt.asUintN(32, r4));
    if (p === undefined || len === 0) return neg(14);
    const dst = env.mem.view(r3, len, true);
    if (off + len > p.length) {
      dst.fill(0);
      return neg(14);
    }
    dst.set(p.subarray(off, off + len));
    return 0;
  });
}
