# xdp-port80: drop TCP segments to port 80, pass everything else; the program of the
# property-test example (see README.md here and test/testing/xdp-port80-property.test.ts).
#
# Parses Ethernet (with at most one 802.1Q tag) -> IPv4 (options allowed) -> TCP and
# proves every packet read in bounds first (`data + N <= data_end`), as the verifier
# demands. struct xdp_md: u32 data at 0, u32 data_end at 4 (loaded as packet pointers).
# Returns XDP_DROP = 1 or XDP_PASS = 2. Packet fields are big-endian: a little-endian
# 16-bit load of `08 00` (ETH_P_IP) reads 0x0008, of `00 50` (port 80) reads 0x5000.
.prog_type xdp
.license "GPL"
.name xdp_port80

    r2 = *(u32 *)(r1 + 0)           # r2 = data
    r3 = *(u32 *)(r1 + 4)           # r3 = data_end
    r0 = 2                          # XDP_PASS unless proven otherwise
    r4 = r2
    r4 += 14
    if r4 > r3 goto out             # no room for an Ethernet header
    r5 = *(u16 *)(r2 + 12)          # ethertype
    if r5 != 0x81 goto untagged     # != htons(ETH_P_8021Q)
    r2 += 4                         # step over the tag: r2 + 12 is now the inner ethertype
    r4 = r2
    r4 += 14
    if r4 > r3 goto out
    r5 = *(u16 *)(r2 + 12)
untagged:
    if r5 != 0x8 goto out           # != htons(ETH_P_IP)
    r4 = r2
    r4 += 34                        # Ethernet (14) + the smallest IPv4 header (20)
    if r4 > r3 goto out
    r5 = *(u8 *)(r2 + 14)           # version (high nibble), IHL (low nibble)
    r4 = r5
    r4 >>= 4
    if r4 != 4 goto out             # not IPv4
    r5 &= 0xf
    if r5 < 5 goto out              # IHL below 5: malformed
    r4 = *(u8 *)(r2 + 23)           # protocol
    if r4 != 6 goto out             # != IPPROTO_TCP
    r4 = *(u16 *)(r2 + 20)          # flags and fragment offset
    r4 &= 0xff1f                    # htons(0x1fff): the fragment offset
    if r4 != 0 goto out             # a later fragment has no TCP header
    r5 <<= 2                        # IPv4 header length in bytes, 20..60
    r2 += r5                        # r2 + 14 is now the TCP header
    r4 = r2
    r4 += 18                        # Ethernet (14) + TCP ports (4)
    if r4 > r3 goto out
    r5 = *(u16 *)(r2 + 16)          # TCP destination port
    if r5 != 0x5000 goto out        # != htons(80)
    r0 = 1                          # XDP_DROP
out:
    exit
