import { BASE_LO, PERM_READ, PERM_WRITE, type AddressSpace, type Region } from './address-space.js';

/** XDP_PACKET_HEADROOM: room in front of the packet for bpf_xdp_adjust_head. */
export const XDP_PACKET_HEADROOM = 256;
/** sizeof(struct xdp_frame), kept free at the start of the headroom. */
const XDP_FRAME_SIZE = 40;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)): tailroom the kernel reserves after the data. */
const XDP_TAILROOM = 320;
const ETH_HLEN = 14;
const EINVAL = -22;

/**
 * An XDP packet buffer as BPF_PROG_TEST_RUN lays it out (one 4 KiB page: headroom, data,
 * tailroom). The `packet` region always maps exactly data .. data_end; moving the head or
 * the tail remaps it, as the kernel moves `xdp->data` / `xdp->data_end`.
 */
export class XdpBuffer {
  private readonly buf: Uint8Array;
  private start = XDP_PACKET_HEADROOM;
  private end: number;
  private region: Region;

  constructor(private readonly space: AddressSpace, packet: Uint8Array) {
    this.buf = new Uint8Array(Math.max(4096, XDP_PACKET_HEADROOM + packet.length + XDP_TAILROOM));
    this.buf.set(packet, this.start);
    this.end = this.start + packet.length;
    this.region = space.add('packet', 'packet', this.buf.subarray(this.start, this.end), PERM_READ | PERM_WRITE, { baseLo: BASE_LO + this.start });
  }

  /** Address of the first packet byte (xdp_md->data, ->data_meta). */
  get data(): bigint {
    return this.region.base;
  }

  /** Address one past the last packet byte (xdp_md->data_end). */
  get dataEnd(): bigint {
    return this.region.base + BigInt(this.end - this.start);
  }

  /** The live packet bytes. */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** bpf_xdp_adjust_head: move data by `delta` (negative grows the packet); 0 or -EINVAL. */
  adjustHead(delta: number): number {
    const s = this.start + delta;
    if (!Number.isSafeInteger(s) || s < XDP_FRAME_SIZE || s > this.end - ETH_HLEN) return EINVAL;
    this.start = s;
    this.remap();
    return 0;
  }

  /** bpf_xdp_adjust_tail: move data_end by `delta` (growth is zeroed); 0 or -EINVAL. */
  adjustTail(delta: number): number {
    const e = this.end + delta;
    if (!Number.isSafeInteger(e) || e > this.buf.length - XDP_TAILROOM || e < this.start + ETH_HLEN) return EINVAL;
    if (e > this.end) this.buf.fill(0, this.end, e);
    this.end = e;
    this.remap();
    return 0;
  }

  private remap(): void {
    this.region = this.space.remap(this.region, this.buf.subarray(this.start, this.end), BASE_LO + this.start);
  }
}
