import { registerControlHelpers } from './builtin-control.js';
import { registerMapHelpers } from './builtin-maps.js';
import { registerNetHelpers } from './builtin-net.js';
import { registerOutputHelpers } from './builtin-output.js';
import { registerPrintHelpers } from './builtin-print.js';
import { registerProbeHelpers } from './builtin-probe.js';
import { registerTaskHelpers } from './builtin-task.js';
import { HelperRegistry } from './registry.js';

/**
 * A registry holding every built-in helper: maps, time, random, task, printk/snprintf,
 * probe_read*, perf/ring buffer output, bpf_loop, skb_load_bytes, tail_call, packet rewriting (builtin-net).
 */
export function builtinHelpers(): HelperRegistry {
  const reg = new HelperRegistry();
  registerMapHelpers(reg);
  registerTaskHelpers(reg);
  registerPrintHelpers(reg);
  registerProbeHelpers(reg);
  registerOutputHelpers(reg);
  registerControlHelpers(reg);
  registerNetHelpers(reg);
  return reg;
}
