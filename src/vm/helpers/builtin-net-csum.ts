/**
 * The kernel's Internet checksum arithmetic as an x86-64 kernel computes it (include/net/checksum.h,
 * arch/x86/lib/csum-partial_64.c): 32-bit partial sums (`__wsum`) with end-around carry and
 * their folding to 16 bits (`__sum16`). Values are the native little-endian readings of the
 * bytes, as the helpers see `__be16` / `__be32` arguments loaded from a packet.
 */

const M32 = 0xffffffff;

/** csum_add: 32-bit one's complement addition. */
export function csumAdd(a: number, b: number): number {
  const res = (a + b) >>> 0;
  return (res + (res < b >>> 0 ? 1 : 0)) >>> 0;
}

/** csum_sub: `a - b` in one's complement. */
export function csumSub(a: number, b: number): number {
  return csumAdd(a >>> 0, ~b >>> 0);
}

/** csum_fold: fold a 32-bit partial sum to 16 bits and complement it. */
export function csumFold(csum: number): number {
  let s = (csum & 0xffff) + (csum >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** csum_from32to16: the folded 16-bit sum, not complemented (0 only for 0). */
export function csumFrom32to16(csum: number): number {
  return ~csumFold(csum) & 0xffff;
}

/** csum16_add: 16-bit one's complement addition. */
function csum16Add(a: number, b: number): number {
  const res = (a + b) & 0xffff;
  return (res + (res < b ? 1 : 0)) & 0xffff;
}

/**
 * csum_partial(buff, len, seed) of x86-64: the one's complement sum of the bytes read as
 * little-endian words, plus `seed`. `odd` says the buffer starts at an odd address (the
 * kernel then sums from the next byte and rotates, which changes the 32-bit form of the sum).
 */
export function csumPartial(bytes: Uint8Array, seed: number, odd = false): number {
  let total = seed >>> 0;
  let i = 0;
  if (odd) {
    if (bytes.length === 0) return seed >>> 0;
    total = (((seed >>> 8) | (seed << 24)) >>> 0) + (bytes[0]! << 8);
    i = 1;
  }
  // The x86 code adds 64-bit words with end-around carry, then the two halves: the result is
  // the sum modulo 2^32 - 1, never 0 unless every addend is 0 (then 2^32 - 1 stands for 0).
  let acc = total;
  for (; i + 4 <= bytes.length; i += 4) {
    acc += (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    if (acc > 2 ** 52) acc = reduce(acc);
  }
  let last = 0;
  for (let k = 0; i < bytes.length; i++, k++) last |= bytes[i]! << (8 * k);
  acc += last >>> 0;
  let result = reduce(acc);
  if (odd) {
    result = csumFrom32to16(result);
    result = ((result >> 8) & 0xff) | ((result & 0xff) << 8);
  }
  return result >>> 0;
}

/** A non-negative integer as a 32-bit end-around-carry sum: 0 for 0, else in [1, 2^32 - 1]. */
function reduce(n: number): number {
  return n === 0 ? 0 : ((n - 1) % M32) + 1;
}

/** csum_replace4 (bpf_l3_csum_replace, size 4): the new checksum after a 32-bit field changes. */
export function csumReplace4(sum: number, from: number, to: number): number {
  const tmp = csumSub(~sum >>> 0, from >>> 0);
  return csumFold(csumAdd(tmp, to >>> 0));
}

/** csum_replace2 (bpf_l3_csum_replace, size 2): 16-bit arithmetic throughout. */
export function csumReplace2(sum: number, from: number, to: number): number {
  const t = csum16Add(~sum & 0xffff, ~from & 0xffff);
  return ~csum16Add(t, to & 0xffff) & 0xffff;
}

/** csum_replace_by_diff (bpf_l3/l4_csum_replace, size 0): add a 32-bit partial sum to a checksum. */
export function csumReplaceByDiff(sum: number, diff: number): number {
  return csumFold(csumAdd(diff >>> 0, ~sum >>> 0));
}

/** inet_proto_csum_replace4 on an skb that is not CHECKSUM_PARTIAL (bpf_l4_csum_replace, sizes 2 and 4). */
export function inetProtoCsumReplace4(sum: number, from: number, to: number): number {
  const diff = new Uint8Array(8);
  const v = new DataView(diff.buffer);
  v.setUint32(0, ~from >>> 0, true);
  v.setUint32(4, to >>> 0, true);
  return csumFold(csumPartial(diff, ~sum >>> 0));
}

/**
 * bpf_csum_diff on Linux >= 6.13: the folded (not complemented) 16-bit sum of `to` minus
 * `from`, started from `seed` (just `seed` folded when both are empty).
 */
export function csumDiff(from: Uint8Array, fromOdd: boolean, to: Uint8Array, toOdd: boolean, seed: number): number {
  if (from.length > 0 && to.length > 0) return csumFrom32to16(csumSub(csumPartial(to, seed, toOdd), csumPartial(from, 0, fromOdd)));
  if (to.length > 0) return csumFrom32to16(csumPartial(to, seed, toOdd));
  if (from.length > 0) return csumFrom32to16(~csumPartial(from, ~seed >>> 0, fromOdd) >>> 0);
  return csumFrom32to16(seed >>> 0);
}
