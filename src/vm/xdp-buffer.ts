import { BASE_LO, PERM_READ, PERM_WRITE, type AddressSpace, type Region } from './address-space.js';

/** XDP_PACKET_HEADROOM: room in front of the packet for bpf_xdp_adjust_head. */
export const XDP_PACKET_HEADROOM = 256;
/** sizeof(struct xdp_frame), kept free at the start of the headroom. */
const XDP_FRAME_SIZE = 40;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)): tailroom the kernel reserves after the data. */
const XDP_TAILROOM = 320;
const ETH_HLEN = 14;
/** The most metadata bpf_xdp_adjust_meta allows (xdp_metalen_invalid: skb_shared_info->meta_len is a u8). */
const XDP_META_MAX = 255;
const EINVAL = -22;
const EACCES = -13;

/**
 * An XDP packet buffer as BPF_PROG_TEST_RUN lays it out (one 4 KiB page: headroom, data,
 * tailroom). The `packet` region always maps exactly data_meta .. data_end; moving the head,
 * the tail or the metadata remaps it, as the kernel moves `xdp->data` / `xdp->data_end` /
 * `xdp->data_meta`. Addresses are absolute in the page, so a moved pointer keeps its byte.
 */
export class XdpBuffer {
  private readonly buf: Uint8Array;
  private start = XDP_PACKET_HEADROOM;
  private meta = XDP_PACKET_HEADROOM;
  private end: number;
  private region: Region;

  constructor(private readonly space: AddressSpace, packet: Uint8Array) {
    this.buf = new Uint8Array(Math.max(4096, XDP_PACKET_HEADROOM + packet.length + XDP_TAILROOM));
    this.buf.set(packet, this.start);
    this.end = this.start + packet.length;
    this.region = space.add('packet', 'packet', this.buf.subarray(this.start, this.end), PERM_READ | PERM_WRITE, { baseLo: BASE_LO + this.start });
  }

  /** Address of the first packet byte (xdp_md->data). */
  get data(): bigint {
    return this.region.base + BigInt(this.start - this.meta);
  }

  /** Address of the first metadata byte (xdp_md->data_meta; equal to data without metadata). */
  get dataMeta(): bigint {
    return this.region.base;
  }

  /** Address one past the last packet byte (xdp_md->data_end). */
  get dataEnd(): bigint {
    return this.region.base + BigInt(this.end - this.meta);
  }

  /** The metadata and the packet (data_meta .. data_end): what BPF_PROG_TEST_RUN returns as data_out. */
  output(): Uint8Array {
    return this.buf.subarray(this.meta, this.end);
  }

  /** The live packet bytes. */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** bpf_xdp_adjust_head: move data by `delta` (negative grows the packet); 0 or -EINVAL. */
  adjustHead(delta: number): number {
    const s = this.start + delta;
    const metaLen = this.start - this.meta;
    if (!Number.isSafeInteger(s) || s < XDP_FRAME_SIZE + metaLen || s > this.end - ETH_HLEN) return EINVAL;
    if (metaLen > 0) this.buf.copyWithin(this.meta + delta, this.meta, this.start);
    this.meta += delta;
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

  /** bpf_xdp_adjust_meta: move data_meta by `delta`; 0, -EINVAL (outside the headroom or past data) or -EACCES (not a multiple of 4 or over 255 bytes). */
  adjustMeta(delta: number): number {
    const m = this.meta + delta;
    if (!Number.isSafeInteger(m) || m < XDP_FRAME_SIZE || m > this.start) return EINVAL;
    const metaLen = this.start - m;
    if (metaLen % 4 !== 0 || metaLen > XDP_META_MAX) return EACCES;
    this.meta = m;
    this.remap();
    return 0;
  }

  private remap(): void {
    this.region = this.space.remap(this.region, this.buf.subarray(this.meta, this.end), BASE_LO + this.meta);
  }
}
