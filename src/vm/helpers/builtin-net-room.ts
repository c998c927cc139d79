import * as H from '../../isa/helpers.js';
import { swap16, type SkbBuffer } from '../skb-buffer.js';
import { changesPacket, resetChecksumUnnecessary } from './builtin-net-skb.js';
import type { HelperRegistry } from './registry.js';

/** bpf_skb_adjust_room modes and flags (uapi). */
export const BPF_ADJ_ROOM_NET = 0n, BPF_ADJ_ROOM_MAC = 1n;
export const BPF_F_ADJ_ROOM_FIXED_GSO = 1n << 0n;
export const BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 = 1n << 1n;
export const BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 = 1n << 2n;
export const BPF_F_ADJ_ROOM_ENCAP_L4_GRE = 1n << 3n;
export const BPF_F_ADJ_ROOM_ENCAP_L4_UDP = 1n << 4n;
export const BPF_F_ADJ_ROOM_NO_CSUM_RESET = 1n << 5n;
export const BPF_F_ADJ_ROOM_ENCAP_L2_ETH = 1n << 6n;
export const BPF_F_ADJ_ROOM_DECAP_L3_IPV4 = 1n << 7n;
export const BPF_F_ADJ_ROOM_DECAP_L3_IPV6 = 1n << 8n;
const ENCAP_L2_SHIFT = 56n;
const ENCAP_L3_MASK = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6;
const DECAP_L3_MASK = BPF_F_ADJ_ROOM_DECAP_L3_IPV4 | BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
const ADJ_ROOM_MASK = BPF_F_ADJ_ROOM_FIXED_GSO | ENCAP_L3_MASK | BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP
  | BPF_F_ADJ_ROOM_ENCAP_L2_ETH | (0xffn << ENCAP_L2_SHIFT) | DECAP_L3_MASK;

/** BPF_SKB_MAX_LEN = SKB_MAX_ALLOC on x86-64: 16 KiB minus the aligned skb_shared_info. */
export const BPF_SKB_MAX_LEN = 16384 - 320;
const ETH_HLEN = 14, VLAN_HLEN = 4, ETH_ALEN = 6;
const ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86dd, ETH_P_8021Q = 0x8100, ETH_P_8021AD = 0x88a8, ETH_P_802_3 = 0x0001, ETH_P_802_2 = 0x0004;
const EINVAL = 22, EFAULT = 14, ENOMEM = 12, ENOTSUPP = 524, EALREADY = 114;
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
const isVlanProto = (p: number): boolean => p === ETH_P_8021Q || p === ETH_P_8021AD;

/** bpf_skb_net_base_len: the fixed IP header length of skb->protocol. */
function netBaseLen(skb: SkbBuffer): number {
  return skb.protocol === ETH_P_IP ? 20 : skb.protocol === ETH_P_IPV6 ? 40 : 0;
}

/** bpf_skb_generic_push + bpf_skb_net_hdr_push (after the caller's skb_cow): insert `len` zero bytes at `off`. */
function netHdrPush(skb: SkbBuffer, off: number, len: number): void {
  const transSame = skb.transportAtNetwork;
  const mac = skb.macOffset, net = skb.networkOffset;
  skb.push(len);
  skb.moveData(0, len, off);
  skb.zeroData(off, len);
  // offsets relative to the new data: the mac and network headers moved back with the pushed bytes
  skb.setHeaders(mac, net);
  if (transSame) skb.transportToNetwork();
}

/** bpf_skb_generic_pop + bpf_skb_net_hdr_pop: remove `len` bytes at `off`; -ENOMEM when they are not there. */
function netHdrPop(skb: SkbBuffer, off: number, len: number): number {
  if (off + len > skb.len) return -ENOMEM;
  const transSame = skb.transportAtNetwork;
  const mac = skb.macOffset, net = skb.networkOffset;
  const p = skb.bytes();
  p.copyWithin(len, 0, off);
  skb.pull(len);
  skb.setHeaders(mac, net);
  if (transSame) skb.transportToNetwork();
  return 0;
}

/** __skb_vlan_pop: take the tag after the MAC addresses out of the data; its TCI, or an errno. */
function vlanPopData(skb: SkbBuffer): { tci: number } | number {
  if (skb.macOffset !== 0) return -EINVAL;
  if (skb.len < ETH_HLEN + VLAN_HLEN) return -ENOMEM;
  const p = skb.bytes();
  const tci = (p[ETH_HLEN]! << 8) | p[ETH_HLEN + 1]!;
  const encap = (p[ETH_HLEN + 2]! << 8) | p[ETH_HLEN + 3]!;
  // vlan_set_encap_proto
  if (encap >= 0x600) skb.protocol = encap;
  else skb.protocol = p.length >= ETH_HLEN + VLAN_HLEN + 2 && p[ETH_HLEN + 4] === 0xff && p[ETH_HLEN + 5] === 0xff ? ETH_P_802_3 : ETH_P_802_2;
  p.copyWithin(VLAN_HLEN, 0, 2 * ETH_ALEN);
  const net = skb.networkOffset;
  skb.pull(VLAN_HLEN);
  skb.setHeaders(0, Math.max(net - VLAN_HLEN, ETH_HLEN));
  return { tci };
}

/** bpf_skb_pull_data, bpf_skb_change_tail / _head, bpf_skb_adjust_room, bpf_skb_vlan_push / _pop, bpf_skb_change_proto. */
export function registerRoomHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_skb_pull_data, changesPacket('bpf_skb_pull_data', ({ r2 }, skb) => {
    const len = u32(r2);
    return (len === 0 ? skb.len : len) > skb.len ? -ENOMEM : 0;
  }));
  reg.register(H.BPF_FUNC_skb_change_tail, changesPacket('bpf_skb_change_tail', ({ r2, r3 }, skb) => {
    const newLen = u32(r2);
    // __bpf_skb_min_len: the transport header if set, else the network header (never CHECKSUM_PARTIAL here)
    const minLen = (skb.transportOffset ?? skb.networkOffset) >>> 0;
    if (r3 !== 0n || newLen > BPF_SKB_MAX_LEN || newLen < minLen) return -EINVAL;
    if (skb.encapsulation) return -ENOTSUPP;
    const old = skb.len;
    skb.setLength(newLen);
    if (newLen > old) skb.bytes().fill(0, old, newLen);
    return 0;
  }));
  reg.register(H.BPF_FUNC_skb_change_head, changesPacket('bpf_skb_change_head', ({ r2, r3 }, skb) => {
    const room = u32(r2);
    const newLen = (skb.len + room) >>> 0;
    if (r3 !== 0n || newLen > BPF_SKB_MAX_LEN || newLen < skb.len) return -EINVAL;
    const net = skb.networkOffset;
    skb.push(room);
    skb.bytes().fill(0, 0, room);
    skb.setHeaders(0, net + room);
    return 0;
  }));
  reg.register(H.BPF_FUNC_skb_vlan_push, changesPacket('bpf_skb_vlan_push', ({ r2, r3 }, skb) => {
    let proto = swap16(u32(r2) & 0xffff);
    if (!isVlanProto(proto)) proto = ETH_P_8021Q;
    const tci = u32(r3) & 0xffff;
    const cur = skb.vlan;
    if (cur !== undefined) {
      if (skb.macOffset !== 0) return -EINVAL;
      // __vlan_insert_tag: the accelerated tag goes into the data after the MAC addresses
      const net = skb.networkOffset;
      skb.push(VLAN_HLEN);
      const p = skb.bytes();
      p.copyWithin(0, VLAN_HLEN, VLAN_HLEN + 2 * ETH_ALEN);
      p[12] = cur.proto >> 8; p[13] = cur.proto & 0xff;
      p[14] = cur.tci >> 8; p[15] = cur.tci & 0xff;
      skb.protocol = cur.proto;
      // skb_vlan_push moves the network header back with the data: it then starts at the new tag
      skb.setHeaders(0, net);
    }
    skb.vlan = { proto, tci };
    return 0;
  }));
  reg.register(H.BPF_FUNC_skb_vlan_pop, changesPacket('bpf_skb_vlan_pop', (_a, skb) => {
    if (skb.vlan !== undefined) {
      skb.vlan = undefined;
    } else {
      if (!isVlanProto(skb.protocol)) return 0;
      const r = vlanPopData(skb);
      if (typeof r === 'number') return r;
    }
    // move the next tag (QinQ) to the accelerated tag
    if (!isVlanProto(skb.protocol)) return 0;
    const proto = skb.protocol;
    const r = vlanPopData(skb);
    if (typeof r === 'number') return r;
    skb.vlan = { proto, tci: r.tci };
    return 0;
  }));
  reg.register(H.BPF_FUNC_skb_adjust_room, changesPacket('bpf_skb_adjust_room', ({ r2, r3, r4 }, skb) => {
    const diff = Number(BigInt.asIntN(32, r2));
    const abs = Math.abs(diff) >>> 0;
    const shrink = diff < 0;
    const flags = r4;
    if ((flags & ~(ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET)) !== 0n) return -EINVAL;
    if (abs > 0xfff) return -EFAULT;
    if (skb.protocol !== ETH_P_IP && skb.protocol !== ETH_P_IPV6) return -ENOTSUPP;
    let off = skb.macHeaderLen;
    const mode = BigInt.asUintN(32, r3);
    if (mode === BPF_ADJ_ROOM_NET) off += netBaseLen(skb);
    else if (mode !== BPF_ADJ_ROOM_MAC) return -ENOTSUPP;
    let lenMin = netBaseLen(skb);
    if ((flags & DECAP_L3_MASK) !== 0n) {
      if (!shrink) return -EINVAL;
      const d = flags & DECAP_L3_MASK;
      if (d === BPF_F_ADJ_ROOM_DECAP_L3_IPV4) lenMin = 20;
      else if (d === BPF_F_ADJ_ROOM_DECAP_L3_IPV6) lenMin = 40;
      else return -EINVAL;
    }
    const lenCur = (skb.len - skb.networkOffset) >>> 0;
    if (shrink ? abs >= lenCur || lenCur - abs < lenMin : skb.len + abs > BPF_SKB_MAX_LEN) return -ENOTSUPP;
    const ret = shrink ? netShrink(skb, off, abs, flags) : netGrow(skb, off, abs, flags);
    if (ret === 0 && (flags & BPF_F_ADJ_ROOM_NO_CSUM_RESET) === 0n) resetChecksumUnnecessary(skb);
    return ret;
  }));
  reg.register(H.BPF_FUNC_skb_change_proto, changesPacket('bpf_skb_change_proto', ({ r2, r3 }, skb) => {
    const to = swap16(u32(r2) & 0xffff);
    if (r3 !== 0n) return -EINVAL;
    const off = skb.macHeaderLen;
    if (skb.protocol === ETH_P_IP && to === ETH_P_IPV6) {
      netHdrPush(skb, off, 20);
    } else if (skb.protocol === ETH_P_IPV6 && to === ETH_P_IP) {
      const r = netHdrPop(skb, off, 20);
      if (r !== 0) return r;
    } else {
      return -ENOTSUPP;
    }
    skb.protocol = to;
    skb.clearHash();
    return 0;
  }));
}

/** bpf_skb_net_grow (no GSO: a test-run skb is never one). */
function netGrow(skb: SkbBuffer, off: number, len: number, flags: bigint): number {
  const innerMacLen = Number((flags >> ENCAP_L2_SHIFT) & 0xffn);
  const encap = (flags & ENCAP_L3_MASK) !== 0n;
  if (encap) {
    if ((flags & ENCAP_L3_MASK) === ENCAP_L3_MASK) return -EINVAL;
    if ((flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE) !== 0n && (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP) !== 0n) return -EINVAL;
    if ((flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH) !== 0n && innerMacLen !== ETH_HLEN) return -EINVAL;
    if (skb.encapsulation) return -EALREADY;
    if (innerMacLen > len) return -EINVAL;
  }
  // skb_cow_head after the flag checks (measured: a refused encap flag leaves the headroom alone)
  skb.cow(len);
  const macLen = skb.macHeaderLen;
  netHdrPush(skb, off, len);
  if (encap) {
    skb.encapsulation = true;
    skb.setHeaders(skb.macOffset, macLen);
    // an L4 tunnel header follows the new outer IP header
    if ((flags & (BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP)) !== 0n) {
      skb.setTransportOffset(macLen + ((flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) !== 0n ? 40 : 20));
    }
    if (skb.protocol === ETH_P_IP && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) !== 0n) skb.protocol = ETH_P_IPV6;
    else if (skb.protocol === ETH_P_IPV6 && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) !== 0n) skb.protocol = ETH_P_IP;
  }
  return 0;
}

/** bpf_skb_net_shrink. */
function netShrink(skb: SkbBuffer, off: number, len: number, flags: bigint): number {
  if ((flags & ~(BPF_F_ADJ_ROOM_FIXED_GSO | DECAP_L3_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET)) !== 0n) return -EINVAL;
  const r = netHdrPop(skb, off, len);
  if (r !== 0) return r;
  if (skb.protocol === ETH_P_IP && (flags & BPF_F_ADJ_ROOM_DECAP_L3_IPV6) !== 0n) skb.protocol = ETH_P_IPV6;
  else if (skb.protocol === ETH_P_IPV6 && (flags & BPF_F_ADJ_ROOM_DECAP_L3_IPV4) !== 0n) skb.protocol = ETH_P_IP;
  return 0;
}
