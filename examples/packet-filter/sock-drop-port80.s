# sock-drop-port80: the same policy as a socket filter, in the classic-BPF style
# with LD_ABS / LD_IND packet loads.
#
# A socket filter returns how many bytes of the packet to keep: 0 drops it.
# LD_ABS / LD_IND read the packet of the skb in r6, at a constant offset (ABS) or
# at a register plus a constant (IND); they convert from network byte order (so
# port 80 compares as 80) and end the program returning 0 if the read falls
# outside the packet. They clobber r1-r5, and their result is in r0.
#
# The packet starts at the IPv4 header (skb->data is the network header): this is
# what BPF_PROG_TEST_RUN hands a socket filter after it strips the Ethernet header
# of data_in, and what a filter on a raw IP socket or an AF_PACKET SOCK_DGRAM
# socket sees.
.prog_type socket_filter
.license "GPL"
.name sock_drop_80

    r6 = r1                         # r6 = skb: LD_ABS and LD_IND read through it
    r0 = *(u8 *)skb[0]              # version (high nibble) and IHL (low nibble)
    r7 = r0
    r0 >>= 4
    if r0 != 4 goto keep            # not IPv4
    r0 = *(u8 *)skb[9]              # protocol
    if r0 != 6 goto keep            # not TCP
    r0 = *(u16 *)skb[6]             # flags and fragment offset, host order
    r0 &= 0x1fff
    if r0 != 0 goto keep            # a later fragment: no TCP header in it
    r7 &= 0xf
    r7 <<= 2                        # r7 = IP header length in bytes
    if r7 < 20 goto keep            # malformed header
    r0 = *(u16 *)skb[r7 + 2]        # TCP dest port
    if r0 == 80 goto drop
keep:
    r0 = *(u32 *)(r6 + 0)           # skb->len: keep the whole packet
    exit
drop:
    r0 = 0
    exit
