import type { SkbBuffer } from '../skb-buffer.js';
import type { HelperEnv, HelperFn } from './types.js';

/** The tc skb of this run, or a fault naming the helper (other program types cannot call it). */
export function skbOf(env: HelperEnv, name: string): SkbBuffer {
  const skb = env.skb;
  if (skb === undefined) throw new Error(`${name} is only available to tc programs (sched_cls, sched_act) in the VM`);
  return skb;
}

/**
 * A helper that changes packet data (the kernel's bpf_helper_changes_pkt_data): whatever it
 * returns, packet pointers taken before the call are dead afterwards.
 */
export function changesPacket(name: string, fn: (args: Parameters<HelperFn>[0], skb: SkbBuffer, env: HelperEnv) => number): HelperFn {
  return (args, env) => {
    const skb = skbOf(env, name);
    try {
      return fn(args, skb, env);
    } finally {
      skb.changed(name);
    }
  };
}

/** __skb_reset_checksum_unnecessary. */
export function resetChecksumUnnecessary(skb: SkbBuffer): void {
  if (skb.ipSummed === 'unnecessary') {
    skb.ipSummed = 'none';
    skb.csumLevel = 0;
  }
}
