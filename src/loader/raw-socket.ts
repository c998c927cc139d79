/**
 * Raw sockets for watching and making traffic: AF_PACKET sockets bound to one interface
 * (where a socket filter can be attached and what it then sees), and one-shot IPv4
 * senders (a UDP datagram, a TCP SYN, a hand-made IPv4 packet), each optionally run in a
 * network namespace. Needs root (CAP_NET_RAW) like the rest of the kernel side.
 */
import { KernelError } from './kernel-error.js';
import { closeFd, lastErrno, native, platformProblem } from './native.js';
import { interfaceIndex, withNetns } from './netns.js';

const AF_INET = 2;
const AF_PACKET = 17;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const IPPROTO_RAW = 255;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const EINTR = 4;
const EAGAIN = 11;
const ECONNREFUSED = 111;
const EINPROGRESS = 115;
const SOCKADDR_LL_SIZE = 20;
const SOCKADDR_IN_SIZE = 16;

/** EtherType "every protocol": a packet socket bound with it sees all frames of its interface. */
export const ETH_P_ALL = 0x0003;
/** EtherType of IPv4. */
export const ETH_P_IP = 0x0800;
/** EtherType of ARP. */
export const ETH_P_ARP = 0x0806;
/** EtherType of IPv6. */
export const ETH_P_IPV6 = 0x86dd;

/** `sll_pkttype`: addressed to this host. */
export const PACKET_HOST = 0;
/** `sll_pkttype`: link-layer broadcast. */
export const PACKET_BROADCAST = 1;
/** `sll_pkttype`: link-layer multicast. */
export const PACKET_MULTICAST = 2;
/** `sll_pkttype`: addressed to another host (seen in promiscuous mode). */
export const PACKET_OTHERHOST = 3;
/** `sll_pkttype`: sent by this host (only a socket bound with ETH_P_ALL sees outgoing frames). */
export const PACKET_OUTGOING = 4;

/**
 * `raw` (SOCK_RAW): packets start at the link-layer (Ethernet) header.
 * `dgram` (SOCK_DGRAM): packets start at the network header, as does what a socket filter
 * attached to the socket reads.
 */
export type PacketSocketKind = 'raw' | 'dgram';

/** How to open a packet socket. */
export interface PacketSocketOptions {
  /** SOCK_RAW (`raw`, the default) or SOCK_DGRAM (`dgram`). */
  readonly kind?: PacketSocketKind;
  /** The EtherType to receive, in host order: ETH_P_ALL (the default; also sees outgoing frames), ETH_P_IP, ... */
  readonly protocol?: number;
  /** Open the socket in this network namespace (`ip netns` name); the interface is looked up there. */
  readonly netns?: string;
  /** Bytes of each packet `recv` returns at most (default 65536). */
  readonly snapLen?: number;
}

/** One packet read from a packet socket, with its `struct sockaddr_ll`. */
export interface CapturedPacket {
  /** The packet's bytes (at most the socket's snap length). */
  readonly bytes: Uint8Array;
  /** Its length as queued on the socket (after a socket filter trimmed it); at least `bytes.length`. */
  readonly length: number;
  /** `sll_protocol`: the EtherType, in host order. */
  readonly protocol: number;
  /** `sll_ifindex`: the interface it was seen on. */
  readonly ifindex: number;
  /** `sll_pkttype`: PACKET_HOST, PACKET_BROADCAST, ..., PACKET_OUTGOING. */
  readonly pktType: number;
}

/**
 * An AF_PACKET socket bound to one interface; `recv`/`drain` never block; `close()`
 * (or `using`) closes it. Attach a socket filter to `fd` with `attachSocketFilter`.
 */
export class PacketSocket implements Disposable {
  /** The socket's file descriptor (-1 once closed). */
  private fdValue: number;
  /** The interface's index in the socket's namespace. */
  readonly ifindex: number;
  readonly kind: PacketSocketKind;
  /** What it is bound to, for messages: `vb (ifindex 3) in netns x`. */
  readonly target: string;
  private readonly buf: Uint8Array;
  private readonly addr = new Uint8Array(SOCKADDR_LL_SIZE);
  private readonly addrLen = new Uint8Array(4);

  constructor(fd: number, ifindex: number, kind: PacketSocketKind, target: string, snapLen: number) {
    this.fdValue = fd;
    this.ifindex = ifindex;
    this.kind = kind;
    this.target = target;
    this.buf = new Uint8Array(snapLen);
  }

  /** The socket fd, for `attachSocketFilter`; throws once the socket is closed. */
  get fd(): number {
    if (this.fdValue < 0) throw new Error(`packet socket on ${this.target} is closed`);
    return this.fdValue;
  }

  get closed(): boolean {
    return this.fdValue < 0;
  }

  /** The next queued packet, or undefined when none is queued (recvfrom with MSG_DONTWAIT). */
  recv(): CapturedPacket | undefined {
    const fd = this.fd;
    const lib = native();
    for (;;) {
      new DataView(this.addrLen.buffer).setUint32(0, SOCKADDR_LL_SIZE, true);
      const n = Number(lib.recvfrom(fd, this.buf, this.buf.length, MSG_DONTWAIT | MSG_TRUNC, this.addr, this.addrLen));
      if (n < 0) {
        const errno = lastErrno();
        if (errno === EINTR) continue;
        if (errno === EAGAIN) return undefined;
        throw new KernelError('recvfrom', errno, `on the packet socket on ${this.target}`);
      }
      const a = new DataView(this.addr.buffer);
      return {
        bytes: this.buf.slice(0, Math.min(n, this.buf.length)),
        length: n,
        protocol: a.getUint16(2, false),
        ifindex: a.getInt32(4, true),
        pktType: this.addr[10]!,
      };
    }
  }

  /** Every queued packet, oldest first (at most `max`). */
  drain(max = Number.POSITIVE_INFINITY): CapturedPacket[] {
    const out: CapturedPacket[] = [];
    while (out.length < max) {
      const p = this.recv();
      if (!p) break;
      out.push(p);
    }
    return out;
  }

  /** Close the socket (idempotent); a filter attached to it goes with it. */
  close(): void {
    const fd = this.fdValue;
    this.fdValue = -1;
    closeFd(fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Why packet sockets cannot be opened here (not x86_64 Linux, not root), or undefined when they can. */
export function rawSocketProblem(): string | undefined {
  const p = platformProblem();
  if (p) return p;
  if (process.geteuid?.() !== 0) return 'raw and packet sockets need root (CAP_NET_RAW)';
  return undefined;
}

const inNetns = <T>(netns: string | undefined, fn: () => T): T => (netns ? withNetns(netns, fn) : fn());

function openSocket(domain: number, type: number, protocol: number, what: string): number {
  const fd = native().socket(domain, type | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw new KernelError('socket', lastErrno(), what);
  return fd;
}

/**
 * Open an AF_PACKET socket that receives the frames of one interface (both directions).
 * It is created with protocol 0 and then bound to the interface, so it never queues
 * another interface's packets.
 * @example using s = openPacketSocket('vb', { kind: 'dgram', netns: 'test0' }); s.drain()
 */
export function openPacketSocket(iface: string | number, options: PacketSocketOptions = {}): PacketSocket {
  const kind = options.kind ?? 'raw';
  const protocol = options.protocol ?? ETH_P_ALL;
  const snapLen = options.snapLen ?? 65536;
  if (kind !== 'raw' && kind !== 'dgram') throw new Error(`packet socket kind must be 'raw' or 'dgram', not '${String(kind)}'`);
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xffff) throw new Error(`packet socket protocol must be an EtherType 0..0xffff, got ${protocol}`);
  if (!Number.isInteger(snapLen) || snapLen < 1 || snapLen > 1 << 20) throw new Error(`packet socket snapLen must be 1..1048576, got ${snapLen}`);
  if (typeof iface === 'number' && (!Number.isInteger(iface) || iface <= 0)) throw new Error(`interface index must be a positive integer, got ${iface}`);
  return inNetns(options.netns, () => {
    const ifindex = typeof iface === 'number' ? iface : interfaceIndex(iface);
    const name = typeof iface === 'number' ? `ifindex ${ifindex}` : `${iface} (ifindex ${ifindex})`;
    const target = options.netns ? `${name} in netns ${options.netns}` : name;
    const fd = openSocket(AF_PACKET, kind === 'raw' ? SOCK_RAW : SOCK_DGRAM, 0, `of a packet socket for ${target}`);
    try {
      const sll = new Uint8Array(SOCKADDR_LL_SIZE);
      const v = new DataView(sll.buffer);
      v.setUint16(0, AF_PACKET, true);
      v.setUint16(2, protocol, false);
      v.setInt32(4, ifindex, true);
      if (native().bind(fd, sll, SOCKADDR_LL_SIZE) < 0) throw new KernelError('bind', lastErrno(), `of a packet socket to ${target}`);
      return new PacketSocket(fd, ifindex, kind, target, snapLen);
    } catch (e) {
      closeFd(fd);
      throw e;
    }
  });
}

/** Where a one-shot sender runs. */
export interface SendOptions {
  /** Send from this network namespace (`ip netns` name). */
  readonly netns?: string;
}

/** The 4 bytes of a dotted-quad IPv4 address; throws a clear error on anything else. */
export function parseIpv4(text: string): Uint8Array {
  const parts = text.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  if (!ok) throw new Error(`'${text}' is not an IPv4 address (expected four numbers 0..255 joined by dots)`);
  return Uint8Array.from(parts.map(Number));
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new Error(`port must be an integer 0..65535, got ${port}`);
}

function sockaddrIn(addr: Uint8Array, port: number): Uint8Array {
  const sa = new Uint8Array(SOCKADDR_IN_SIZE);
  const v = new DataView(sa.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, port, false);
  sa.set(addr.subarray(0, 4), 4);
  return sa;
}

function withSocket(domain: number, type: number, protocol: number, what: string, fn: (fd: number) => void): void {
  const fd = openSocket(domain, type, protocol, what);
  try {
    fn(fd);
  } finally {
    closeFd(fd);
  }
}

function sendAll(fd: number, bytes: Uint8Array, to: Uint8Array, what: string): void {
  const n = Number(native().sendto(fd, bytes, bytes.length, 0, to, to.length));
  if (n < 0) throw new KernelError('sendto', lastErrno(), what);
  if (n !== bytes.length) throw new Error(`sendto ${what}: sent ${n} of ${bytes.length} bytes`);
}

/**
 * Send one UDP datagram to `dst:port` from a fresh socket (an ephemeral source port).
 * @example sendUdp4('10.0.0.2', 8080, new TextEncoder().encode('hi'), { netns: 'a' })
 */
export function sendUdp4(dst: string, port: number, payload: Uint8Array, options: SendOptions = {}): void {
  const addr = parseIpv4(dst);
  checkPort(port);
  const what = `of a UDP datagram to ${dst}:${port}`;
  inNetns(options.netns, () => withSocket(AF_INET, SOCK_DGRAM, 0, what, (fd) => sendAll(fd, payload, sockaddrIn(addr, port), what)));
}

/**
 * Make the kernel send one TCP SYN to `dst:port`: a non-blocking connect from a fresh
 * socket, closed right after (a socket in SYN_SENT closes silently, so nothing else is sent).
 * @example sendTcpSyn4('10.0.0.2', 80, { netns: 'a' })
 */
export function sendTcpSyn4(dst: string, port: number, options: SendOptions = {}): void {
  const addr = parseIpv4(dst);
  checkPort(port);
  const what = `of a TCP connect to ${dst}:${port}`;
  inNetns(options.netns, () => withSocket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, what, (fd) => {
    if (native().connect(fd, sockaddrIn(addr, port), SOCKADDR_IN_SIZE) < 0) {
      const errno = lastErrno();
      // EINPROGRESS: the SYN is out; ECONNREFUSED: it went out and a RST already came back
      if (errno !== EINPROGRESS && errno !== ECONNREFUSED) throw new KernelError('connect', errno, what);
    }
  }));
}

/**
 * Send a whole IPv4 packet, header included (AF_INET SOCK_RAW, IPPROTO_RAW), to the
 * destination address in its header. The kernel rewrites the total length (to the
 * packet's length) and the header checksum, and fills in a zero source address or id.
 * @example sendRawIpv4(ipv4HeaderAndPayload, { netns: 'a' })
 */
export function sendRawIpv4(packet: Uint8Array, options: SendOptions = {}): void {
  if (packet.length < 20) throw new Error(`an IPv4 packet needs at least a 20-byte header, got ${packet.length} bytes`);
  if (packet[0]! >> 4 !== 4) throw new Error(`not an IPv4 packet: version ${packet[0]! >> 4} in its first byte`);
  const ihl = (packet[0]! & 0xf) * 4;
  if (ihl < 20 || ihl > packet.length) throw new Error(`IPv4 header length ${ihl} (IHL ${ihl / 4}) does not fit a ${packet.length}-byte packet`);
  const dst = packet.subarray(16, 20);
  const what = `of a raw IPv4 packet to ${dst.join('.')}`;
  inNetns(options.netns, () => withSocket(AF_INET, SOCK_RAW, IPPROTO_RAW, what, (fd) => sendAll(fd, packet, sockaddrIn(dst, 0), what)));
}
