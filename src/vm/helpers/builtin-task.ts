import * as H from '../../isa/helpers.js';
import type { HelperRegistry } from './registry.js';

/** Time, randomness, CPU and the simulated current task. */
export function registerTaskHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_ktime_get_ns, (_a, env) => env.nowNs());
  reg.register(H.BPF_FUNC_ktime_get_boot_ns, (_a, env) => env.bootNs());
  reg.register(H.BPF_FUNC_ktime_get_coarse_ns, (_a, env) => env.nowNs());
  reg.register(H.BPF_FUNC_ktime_get_tai_ns, (_a, env) => env.bootNs());
  reg.register(H.BPF_FUNC_jiffies64, (_a, env) => env.nowNs() / 4_000_000n); // HZ = 250
  reg.register(H.BPF_FUNC_get_prandom_u32, (_a, env) => env.random());
  reg.register(H.BPF_FUNC_get_smp_processor_id, (_a, env) => env.cpu);
  reg.register(H.BPF_FUNC_get_numa_node_id, () => 0);
  reg.register(H.BPF_FUNC_get_current_pid_tgid, (_a, env) =>
    (BigInt(env.task.tgid >>> 0) << 32n) | BigInt(env.task.pid >>> 0));
  reg.register(H.BPF_FUNC_get_current_uid_gid, (_a, env) =>
    (BigInt(env.task.gid >>> 0) << 32n) | BigInt(env.task.uid >>> 0));
  reg.register(H.BPF_FUNC_get_current_comm, ({ r1, r2 }, env) => {
    const size = Number(BigInt.asUintN(32, r2));
    if (size === 0) return 0;
    const dst = env.mem.view(r1, size, true);
    const comm = new TextEncoder().encode(env.task.comm).subarray(0, Math.min(15, size - 1));
    dst.fill(0);
    dst.set(comm);
    return 0;
  });
}
