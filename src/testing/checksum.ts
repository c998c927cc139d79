/**
 * The Internet checksum (RFC 1071) and the pseudo-header sums of TCP, UDP and ICMPv6
 * over IPv4 (RFC 793/768) and IPv6 (RFC 8200 section 8.1).
 *
 * All sums are one's-complement sums of big-endian 16-bit words; an odd trailing byte is
 * padded with a zero byte. A checksum field holds the complement of the sum computed with the
 * field itself zeroed, so summing a correct header (field included) gives 0xffff.
 */

/** One's-complement sum of `bytes` as big-endian 16-bit words, added to `initial`, folded to 16 bits. */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = bytes.length;
  let i = 0;
  for (; i + 1 < n; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < n) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The Internet checksum of `bytes`: the complement of their one's-complement sum.
 * @example internetChecksum(ipv4HeaderWithZeroChecksum) // the value to store in the checksum field
 */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/** The IPv4 header checksum of `header` (its checksum field at bytes 10..11 is treated as zero). */
export function ipv4HeaderChecksum(header: Uint8Array): number {
  const copy = header.slice();
  if (copy.length >= 12) {
    copy[10] = 0;
    copy[11] = 0;
  }
  return internetChecksum(copy);
}

/** True when an IPv4 header (with its checksum field) sums to 0xffff, i.e. its checksum is right. */
export function ipv4HeaderChecksumOk(header: Uint8Array): boolean {
  return onesComplementSum(header) === 0xffff;
}

/** The one's-complement sum of the IPv4 pseudo-header: src, dst, zero, protocol, L4 length. */
export function ipv4PseudoHeaderSum(src: number, dst: number, protocol: number, l4Length: number): number {
  const words = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (protocol & 0xff) + (l4Length & 0xffff);
  return onesComplementSum(new Uint8Array(0), words);
}

/** The one's-complement sum of the IPv6 pseudo-header: src, dst, 32-bit L4 length, next header. */
export function ipv6PseudoHeaderSum(src: Uint8Array, dst: Uint8Array, nextHeader: number, l4Length: number): number {
  let sum = onesComplementSum(src);
  sum = onesComplementSum(dst, sum);
  sum += (l4Length >>> 16) + (l4Length & 0xffff) + (nextHeader & 0xff);
  return onesComplementSum(new Uint8Array(0), sum);
}

/**
 * The checksum to store in a TCP, UDP or ICMPv6 header: over `segment` (header + payload, its
 * checksum field treated as zero) plus the pseudo-header sum. `checksumOffset` is where the field
 * sits in the segment (TCP 16, UDP 6, ICMPv6 2). UDP writes 0xffff for a computed 0 (RFC 768).
 * @example l4Checksum(udpSegment, 6, ipv4PseudoHeaderSum(src, dst, 17, udpSegment.length), true)
 */
export function l4Checksum(segment: Uint8Array, checksumOffset: number, pseudoSum: number, udp = false): number {
  const copy = segment.slice();
  if (copy.length >= checksumOffset + 2) {
    copy[checksumOffset] = 0;
    copy[checksumOffset + 1] = 0;
  }
  const c = internetChecksum(copy, pseudoSum);
  return udp && c === 0 ? 0xffff : c;
}

/** True when a segment (checksum field included) plus its pseudo-header sums to 0xffff. */
export function l4ChecksumOk(segment: Uint8Array, pseudoSum: number): boolean {
  return onesComplementSum(segment, pseudoSum) === 0xffff;
}
