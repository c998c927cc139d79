import { BASE_LO, PERM_READ, PERM_WRITE, type AddressSpace, type Region } from './address-space.js';

/** NET_SKB_PAD (+ NET_IP_ALIGN 0 on x86): the headroom BPF_PROG_TEST_RUN gives an skb. */
const SKB_HEADROOM = 64;
/** NET_SKB_PAD: pskb_expand_head grows the headroom in multiples of it. */
const NET_SKB_PAD = 64;
/** skb->transport_header when unset ((u16)~0U). */
const UNSET = 0xffff;
/** Tailroom kept free after the data so that small growth needs no new buffer. */
const SKB_TAILROOM = 320;
/** `struct __sk_buff` offsets the packet model keeps current. */
const CTX_LEN = 0, CTX_PROTOCOL = 16, CTX_VLAN_PRESENT = 20, CTX_VLAN_TCI = 24, CTX_VLAN_PROTO = 28, CTX_HASH = 68;

/** skb->ip_summed values the test-run skb can take (it never is CHECKSUM_COMPLETE or _PARTIAL). */
export type IpSummed = 'none' | 'unnecessary';

/** A hardware-accelerated VLAN tag (skb->vlan_proto / vlan_tci); `proto` in host order. */
export interface VlanTag {
  readonly proto: number;
  readonly tci: number;
}

/**
 * The linear skb of a tc program as BPF_PROG_TEST_RUN builds it: data from the Ethernet
 * header, headroom in front, the mac / network header offsets, skb->protocol, the VLAN
 * accel tag, the hash and the checksum state. Helpers that change the packet move the
 * data and then call `changed()`: the packet is mapped as a new region and the old one
 * becomes inaccessible, so pointers derived before the call fault (the kernel's verifier
 * invalidates them) and `__sk_buff->data` / `data_end` give the new ones.
 */
export class SkbBuffer {
  private buf: Uint8Array;
  /** Absolute offsets in `buf`: skb->data, skb->data + skb->len, the mac and network headers. */
  private head: number;
  private tail: number;
  private mac: number;
  private net: number;
  private region: Region;
  /** The kernel's view: skb_headroom (data - head) and skb->transport_header (u16, from head). */
  private kHeadroom = SKB_HEADROOM;
  private transport = UNSET;
  /** skb->protocol in host order (ETH_P_*). */
  protocol: number;
  vlan: VlanTag | undefined = undefined;
  hash = 0;
  /** skb->sw_hash || skb->l4_hash: the hash is valid and bpf_get_hash_recalc returns it as is. */
  hashValid = false;
  ipSummed: IpSummed = 'none';
  csumLevel = 0;
  encapsulation = false;
  /** Called after every change (the VM re-points LD_ABS and skb_load_bytes at the new bytes). */
  onChange: ((skb: SkbBuffer) => void) | undefined = undefined;

  constructor(private readonly space: AddressSpace, frame: Uint8Array, private readonly ctx: Uint8Array, readonly ethHlen = 14) {
    this.buf = new Uint8Array(SKB_HEADROOM + frame.length + SKB_TAILROOM);
    this.buf.set(frame, SKB_HEADROOM);
    this.head = SKB_HEADROOM;
    this.tail = SKB_HEADROOM + frame.length;
    this.mac = this.head;
    this.net = this.head + ethHlen;
    this.protocol = (ctx[CTX_PROTOCOL]! << 8) | ctx[CTX_PROTOCOL + 1]!;
    this.region = this.mapRegion();
  }

  /** skb->data as a program pointer. */
  get data(): bigint {
    return this.region.base;
  }

  /** skb->data + skb_headlen as a program pointer. */
  get dataEnd(): bigint {
    return this.region.base + BigInt(this.tail - this.head);
  }

  /** skb->len. */
  get len(): number {
    return this.tail - this.head;
  }

  /** The live bytes data .. data + len. */
  bytes(): Uint8Array {
    return this.buf.subarray(this.head, this.tail);
  }

  /** skb_network_offset: network header minus data (negative when the header was pulled). */
  get networkOffset(): number {
    return this.net - this.head;
  }

  /** skb_mac_offset: mac header minus data. */
  get macOffset(): number {
    return this.mac - this.head;
  }

  /** skb_mac_header_len: network header minus mac header. */
  get macHeaderLen(): number {
    return this.net - this.mac;
  }

  /**
   * skb_transport_offset, or undefined while unset. A test-run skb has none, but
   * pskb_expand_head adds its headroom growth to the u16 ~0 and so sets it (to growth - 1).
   */
  get transportOffset(): number | undefined {
    return this.transport === UNSET ? undefined : this.transport - this.kHeadroom;
  }

  /** Whether skb->transport_header equals skb->network_header (they then move together). */
  get transportAtNetwork(): boolean {
    return this.transport === this.kHeadroom + this.networkOffset;
  }

  /** Point the transport header at the network header. */
  transportToNetwork(): void {
    this.setTransportOffset(this.networkOffset);
  }

  /** skb_set_transport_header: `off` bytes after data. */
  setTransportOffset(off: number): void {
    this.transport = (this.kHeadroom + off) & 0xffff;
  }

  /**
   * skb_cow / skb_cow_head(skb, n): make `n` bytes of headroom. Like pskb_expand_head it grows the
   * headroom by a multiple of NET_SKB_PAD and adds that to the u16 header offsets (wrapping an unset
   * transport header into a set one).
   */
  cow(n: number): void {
    if (n <= this.kHeadroom) return;
    const delta = Math.ceil((n - this.kHeadroom) / NET_SKB_PAD) * NET_SKB_PAD;
    this.kHeadroom += delta;
    this.transport = (this.transport + delta) & 0xffff;
  }

  /** Set the mac / network header offsets (relative to data). */
  setHeaders(macOff: number, netOff: number): void {
    this.mac = this.head + macOff;
    this.net = this.head + netOff;
  }

  /** __skb_push after `cow(n)`: move data `n` bytes back; the new bytes are not cleared. */
  push(n: number): void {
    this.cow(n);
    if (this.head < n) this.grow(n - this.head + SKB_HEADROOM, 0);
    this.head -= n;
    this.kHeadroom -= n;
  }

  /**
   * memmove(data + to, data + from, n) as the kernel does it: not limited to skb->len, so bytes
   * past the tail (left there by a trim) can come back, as they do in the kernel's buffer.
   */
  moveData(to: number, from: number, n: number): void {
    const src = Math.min(this.head + from, this.buf.length);
    this.buf.copyWithin(this.head + to, src, Math.min(src + n, this.buf.length));
  }

  /** memset(data + at, 0, n), likewise not limited to skb->len. */
  zeroData(at: number, n: number): void {
    this.buf.fill(0, Math.min(this.head + at, this.buf.length), Math.min(this.head + at + n, this.buf.length));
  }

  /** __skb_pull: move data `n` bytes forward. */
  pull(n: number): void {
    this.head += n;
    this.kHeadroom += n;
  }

  /** __skb_set_length: set skb->len (room at the tail is made when needed; growth is not cleared). */
  setLength(len: number): void {
    const room = this.buf.length - this.head;
    if (len > room) this.grow(0, len - room + SKB_TAILROOM);
    this.tail = this.head + len;
  }

  private grow(front: number, back: number): void {
    const n = new Uint8Array(this.buf.length + front + back);
    n.set(this.buf, front);
    this.buf = n;
    this.head += front;
    this.tail += front;
    this.mac += front;
    this.net += front;
  }

  /** skb_clear_hash. */
  clearHash(): void {
    this.hash = 0;
    this.hashValid = false;
    this.syncCtx();
  }

  /**
   * After a helper that changes packet data (bpf_helper_changes_pkt_data): map the packet
   * as a new region, make the old one inaccessible, refresh `__sk_buff` fields.
   */
  changed(by: string): void {
    const old = this.region;
    this.region = this.mapRegion();
    const stale = this.space.remap(old, new Uint8Array(0), old.baseLo);
    stale.perm = 0;
    stale.helperPerm = 0;
    stale.name = `packet (stale after ${by}; reload skb->data)`;
    this.syncCtx();
    this.onChange?.(this);
  }

  /** Write len, protocol, the VLAN tag and the hash into the `__sk_buff` bytes. */
  syncCtx(): void {
    const v = new DataView(this.ctx.buffer, this.ctx.byteOffset, this.ctx.byteLength);
    v.setUint32(CTX_LEN, this.len, true);
    v.setUint32(CTX_PROTOCOL, swap16(this.protocol), true);
    v.setUint32(CTX_VLAN_PRESENT, this.vlan === undefined ? 0 : 1, true);
    v.setUint32(CTX_VLAN_TCI, this.vlan?.tci ?? 0, true);
    v.setUint32(CTX_VLAN_PROTO, swap16(this.vlan?.proto ?? 0), true);
    v.setUint32(CTX_HASH, this.hash >>> 0, true);
  }

  private mapRegion(): Region {
    return this.space.add('packet', 'packet', this.bytes(), PERM_READ | PERM_WRITE, { baseLo: BASE_LO + this.head });
  }
}

/** A 16-bit value with its bytes swapped (host order <-> the __be16 a little-endian load gives). */
export function swap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
}
