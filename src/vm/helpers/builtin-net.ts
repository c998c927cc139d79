import * as H from '../../isa/helpers.js';
import { BASE_LO } from '../address-space.js';
import {
  csumDiff, csumReplace2, csumReplace4, csumReplaceByDiff, inetProtoCsumReplace4,
} from './builtin-net-csum.js';
import { registerRoomHelpers } from './builtin-net-room.js';
import { changesPacket, resetChecksumUnnecessary, skbOf } from './builtin-net-skb.js';
import type { HelperRegistry } from './registry.js';

/** uapi flags of the packet-rewriting helpers. */
export const BPF_F_RECOMPUTE_CSUM = 1n << 0n;
export const BPF_F_INVALIDATE_HASH = 1n << 1n;
export const BPF_F_HDR_FIELD_MASK = 0xfn;
export const BPF_F_PSEUDO_HDR = 1n << 4n;
export const BPF_F_MARK_MANGLED_0 = 1n << 5n;
export const BPF_F_MARK_ENFORCE = 1n << 6n;
export const BPF_F_IPV6 = 1n << 7n;
export const BPF_F_INGRESS = 1n << 0n;
/** Return codes of bpf_redirect. */
export const TC_ACT_SHOT = 2;
export const TC_ACT_REDIRECT = 7;
export const XDP_ABORTED = 0;
export const XDP_REDIRECT = 4;
/** bpf_csum_level levels. */
export const BPF_CSUM_LEVEL_QUERY = 0n, BPF_CSUM_LEVEL_INC = 1n, BPF_CSUM_LEVEL_DEC = 2n, BPF_CSUM_LEVEL_RESET = 3n;
/** The ifindex of the loopback device, the only device the VM's test-run skb knows. */
export const LOOPBACK_IFINDEX = 1;

const EINVAL = 22, EFAULT = 14, EACCES = 13, ERANGE = 34, ENOTSUPP = 524;
const INT_MAX = 0x7fffffff;
const SKB_MAX_CSUM_LEVEL = 3;
const neg = (e: number): bigint => BigInt.asUintN(64, BigInt(-e));
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

/** Whether a program address is odd (csum_partial's rotation depends on it). */
const isOdd = (addr: bigint): boolean => ((Number(BigInt.asUintN(32, addr)) - BASE_LO) & 1) !== 0;

/** The 16-bit checksum at `off` of the skb data (native little-endian, as `__sum16 *`). */
const readSum = (p: Uint8Array, off: number): number => p[off]! | (p[off + 1]! << 8);
const writeSum = (p: Uint8Array, off: number, v: number): void => {
  p[off] = v & 0xff;
  p[off + 1] = (v >> 8) & 0xff;
};

/**
 * Register the packet-rewriting helpers of tc and XDP programs: skb_store_bytes, l3/l4_csum_replace,
 * csum_diff, csum_update, csum_level, redirect, clone_redirect, the hash helpers, xdp_adjust_meta,
 * and (builtin-net-room) pull_data, change_tail/head, adjust_room, vlan push/pop, change_proto.
 */
export function registerNetHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_skb_store_bytes, changesPacket('bpf_skb_store_bytes', ({ r2, r3, r4, r5 }, skb, env) => {
    const len = u32(r4);
    const from = env.mem.read(r3, len);
    if ((r5 & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) !== 0n) return -EINVAL;
    const off = u32(r2);
    if (off > INT_MAX) return -EFAULT;
    // bpf_try_make_writable(skb, offset + len): the test-run skb is linear, so only its length matters
    if (off + len > skb.len) return -EFAULT;
    skb.bytes().set(from, off);
    // BPF_F_RECOMPUTE_CSUM only updates skb->csum of CHECKSUM_COMPLETE skbs, which a test run never has
    if ((r5 & BPF_F_INVALIDATE_HASH) !== 0n) skb.clearHash();
    return 0;
  }));
  reg.register(H.BPF_FUNC_l3_csum_replace, changesPacket('bpf_l3_csum_replace', ({ r2, r3, r4, r5 }, skb) => {
    if ((r5 & ~BPF_F_HDR_FIELD_MASK) !== 0n) return -EINVAL;
    const off = u32(r2);
    if (off > 0xffff || (off & 1) !== 0) return -EFAULT;
    if (off + 2 > skb.len) return -EFAULT;
    const p = skb.bytes();
    const sum = readSum(p, off);
    return replaceCsum(p, off, sum, r5 & BPF_F_HDR_FIELD_MASK, r3, r4, csumReplace2, csumReplace4);
  }));
  reg.register(H.BPF_FUNC_l4_csum_replace, changesPacket('bpf_l4_csum_replace', ({ r2, r3, r4, r5 }, skb) => {
    const mangled0 = (r5 & BPF_F_MARK_MANGLED_0) !== 0n;
    const enforce = (r5 & BPF_F_MARK_ENFORCE) !== 0n;
    if ((r5 & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6)) !== 0n) return -EINVAL;
    const off = u32(r2);
    if (off > 0xffff || (off & 1) !== 0) return -EFAULT;
    if (off + 2 > skb.len) return -EFAULT;
    const p = skb.bytes();
    const sum = readSum(p, off);
    if (mangled0 && !enforce && sum === 0) return 0;
    // BPF_F_PSEUDO_HDR / BPF_F_IPV6 only matter for CHECKSUM_COMPLETE / _PARTIAL skbs
    const err = replaceCsum(p, off, sum, r5 & BPF_F_HDR_FIELD_MASK, r3, r4, inetProtoCsumReplace4, inetProtoCsumReplace4);
    if (err !== 0) return err;
    if (mangled0 && readSum(p, off) === 0) writeSum(p, off, 0xffff);
    return 0;
  }));
  reg.register(H.BPF_FUNC_csum_diff, ({ r1, r2, r3, r4, r5 }, env) => {
    if (env.skb === undefined && env.xdp === undefined) throw new Error('bpf_csum_diff is only available to tc and XDP programs in the VM');
    const from = env.mem.read(r1, u32(r2));
    const to = env.mem.read(r3, u32(r4));
    return csumDiff(from, isOdd(r1), to, isOdd(r3), u32(r5));
  });
  reg.register(H.BPF_FUNC_csum_update, (_a, env) => {
    skbOf(env, 'bpf_csum_update');
    // only CHECKSUM_COMPLETE skbs carry skb->csum; a test-run skb never is one
    return neg(ENOTSUPP);
  });
  reg.register(H.BPF_FUNC_csum_level, ({ r2 }, env) => {
    const skb = skbOf(env, 'bpf_csum_level');
    switch (r2) {
      case BPF_CSUM_LEVEL_QUERY:
        return skb.ipSummed === 'unnecessary' ? skb.csumLevel : neg(EACCES);
      case BPF_CSUM_LEVEL_INC:
        if (skb.ipSummed === 'unnecessary') {
          if (skb.csumLevel < SKB_MAX_CSUM_LEVEL) skb.csumLevel++;
        } else {
          skb.ipSummed = 'unnecessary';
          skb.csumLevel = 0;
        }
        return 0;
      case BPF_CSUM_LEVEL_DEC:
        if (skb.ipSummed === 'unnecessary') {
          if (skb.csumLevel === 0) skb.ipSummed = 'none';
          else skb.csumLevel--;
        }
        return 0;
      case BPF_CSUM_LEVEL_RESET:
        resetChecksumUnnecessary(skb);
        return 0;
      default:
        return neg(EINVAL);
    }
  });
  reg.register(H.BPF_FUNC_redirect, ({ r2 }, env) => {
    if (env.xdp !== undefined) return r2 !== 0n ? XDP_ABORTED : XDP_REDIRECT;
    skbOf(env, 'bpf_redirect');
    return (r2 & ~BPF_F_INGRESS) !== 0n ? TC_ACT_SHOT : TC_ACT_REDIRECT;
  });
  reg.register(H.BPF_FUNC_clone_redirect, changesPacket('bpf_clone_redirect', ({ r2, r3 }, skb) => {
    if ((r3 & ~BPF_F_INGRESS) !== 0n) return -EINVAL;
    if (u32(r2) !== LOOPBACK_IFINDEX) return -EINVAL;
    // __bpf_redirect_common: a link-layer header must be there
    if (skb.macOffset >= skb.networkOffset || skb.len === 0) return -ERANGE;
    return 0;
  }));
  reg.register(H.BPF_FUNC_set_hash, ({ r2 }, env) => {
    const skb = skbOf(env, 'bpf_set_hash');
    skb.hash = u32(r2);
    skb.hashValid = true;
    skb.syncCtx();
    return 0;
  });
  reg.register(H.BPF_FUNC_set_hash_invalid, (_a, env) => {
    skbOf(env, 'bpf_set_hash_invalid').clearHash();
    return 0;
  });
  reg.register(H.BPF_FUNC_get_hash_recalc, (_a, env) => {
    const skb = skbOf(env, 'bpf_get_hash_recalc');
    if (!skb.hashValid) {
      // The kernel hashes the dissected flow with a key chosen at boot; the VM hashes the bytes
      // after the mac header with FNV-1a (deterministic, not the kernel's value).
      skb.hash = flowHash(skb.bytes().subarray(Math.max(0, skb.networkOffset)));
      skb.hashValid = true;
      skb.syncCtx();
    }
    return skb.hash >>> 0;
  });
  reg.register(H.BPF_FUNC_xdp_adjust_meta, ({ r2 }, env) => {
    if (env.xdp === undefined) throw new Error('bpf_xdp_adjust_meta is only available to XDP programs');
    return BigInt.asUintN(64, BigInt(env.xdp.adjustMeta(Number(BigInt.asIntN(32, r2)))));
  });
  registerRoomHelpers(reg);
}

/** FNV-1a of the first 40 bytes of `bytes`, never 0. */
function flowHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length && i < 40; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h === 0 ? 1 : h;
}

type CsumReplace = (sum: number, from: number, to: number) => number;

/**
 * The field update of bpf_l3/l4_csum_replace: size 0 (`to` is a checksum diff, `from` must be
 * 0), 2 or 4 bytes; returns 0, or -EINVAL for another size.
 */
function replaceCsum(p: Uint8Array, off: number, sum: number, size: bigint, from: bigint, to: bigint, two: CsumReplace, four: CsumReplace): number {
  switch (size) {
    case 0n:
      if (from !== 0n) return -EINVAL;
      writeSum(p, off, csumReplaceByDiff(sum, u32(to)));
      return 0;
    case 2n:
      writeSum(p, off, two(sum, u32(from) & 0xffff, u32(to) & 0xffff));
      return 0;
    case 4n:
      writeSum(p, off, four(sum, u32(from), u32(to)));
      return 0;
    default:
      return -EINVAL;
  }
}
