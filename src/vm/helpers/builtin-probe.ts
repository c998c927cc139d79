import * as H from '../../isa/helpers.js';
import type { HelperRegistry } from './registry.js';

const EFAULT = BigInt.asUintN(64, -14n);

/** bpf_probe_read[_kernel|_user] and their _str forms, against VM memory (a bad source gives -EFAULT). */
export function registerProbeHelpers(reg: HelperRegistry): void {
  for (const id of [H.BPF_FUNC_probe_read, H.BPF_FUNC_probe_read_kernel, H.BPF_FUNC_probe_read_user]) {
    reg.register(id, ({ r1, r2, r3 }, env) => {
      const size = Number(BigInt.asUintN(32, r2));
      if (size === 0) return 0;
      const dst = env.mem.view(r1, size, true);
      if (!env.mem.canAccess(r3, size)) {
        dst.fill(0);
        return EFAULT;
      }
      dst.set(env.mem.read(r3, size));
      return 0;
    });
  }
  for (const id of [H.BPF_FUNC_probe_read_str, H.BPF_FUNC_probe_read_kernel_str, H.BPF_FUNC_probe_read_user_str]) {
    reg.register(id, ({ r1, r2, r3 }, env) => {
      const size = Number(BigInt.asUintN(32, r2));
      if (size === 0) return 0;
      const dst = env.mem.view(r1, size, true);
      let n = 0;
      for (; n < size - 1; n++) {
        const a = r3 + BigInt(n);
        if (!env.mem.canAccess(a, 1)) {
          dst.fill(0);
          return EFAULT;
        }
        const c = env.mem.read(a, 1)[0]!;
        if (c === 0) break;
        dst[n] = c;
      }
      dst[n] = 0;
      return n + 1;
    });
  }
}
