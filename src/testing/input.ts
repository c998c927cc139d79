/**
 * What a program under test can be run on, how each kind maps to the VM's inputs and to
 * BPF_PROG_TEST_RUN's data_in / ctx_in, and how it reads in a failure report.
 */
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_UNSPEC, BPF_PROG_TYPE_XDP } from '../isa/prog-types.js';
import { skBuffBytes, xdpMdBytes, type SkBuffContext, type XdpContext } from './context-arb.js';
import { hexDump } from './hex-dump.js';
import { ipHeaderLength, ipv4ToString, type Packet } from './packet.js';
import type { TracepointContext } from './tracepoint.js';

/** Raw inputs, as the VM takes them: a packet, a context's bytes, or raw memory (r1 = pointer, r2 = length). */
export interface RawInput {
  readonly packet?: Uint8Array;
  readonly ctx?: Uint8Array;
  readonly mem?: Uint8Array;
}

/** Anything `run` accepts: frame bytes, a generated packet or context, or raw inputs. */
export type BpfInput = Uint8Array | Packet | XdpContext | SkBuffContext | TracepointContext | RawInput;

function isPacket(x: object): x is Packet {
  return 'bytes' in x && 'corruption' in x;
}

/**
 * The VM inputs for `input` under a program type: bytes are the packet for socket filters and
 * XDP, the context for tracepoints, raw memory otherwise.
 * @example toRawInput(pkt, BPF_PROG_TYPE_XDP) // { packet: pkt.bytes }
 */
export function toRawInput(input: BpfInput, progType: number): RawInput {
  if (input instanceof Uint8Array) {
    if (progType === BPF_PROG_TYPE_SOCKET_FILTER || progType === BPF_PROG_TYPE_XDP) return { packet: input };
    if (progType === BPF_PROG_TYPE_UNSPEC) return { mem: input };
    return { ctx: input };
  }
  if (isPacket(input)) return toRawInput(input.bytes, progType);
  if ('kind' in input) {
    switch (input.kind) {
      case 'xdp': return { packet: input.data, ctx: xdpMdBytes(input) };
      case 'skb': return { packet: input.data, ctx: skBuffBytes(input) };
      case 'tracepoint': return { ctx: input.bytes };
    }
  }
  return input as RawInput;
}

/** The main bytes of an input (packet, else context, else memory). */
export function inputBytes(input: BpfInput): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (isPacket(input)) return input.bytes;
  if ('kind' in input) return input.kind === 'tracepoint' ? input.bytes : input.data;
  return input.packet ?? input.ctx ?? input.mem ?? new Uint8Array(0);
}

/** One line naming a packet's layers: `IPv4/TCP 10.0.0.1:1234 -> 10.0.0.2:80, 54 bytes (cut to 40 of 54 bytes)`. */
export function packetSummary(p: Packet): string {
  const parts: string[] = [];
  if (p.eth?.vlan) parts.push(`802.1Q vid ${p.eth.vlan.vid}`);
  if (p.ip) {
    const l4 = p.l4 ? `/${p.l4.kind.toUpperCase()}` : '';
    const port = (which: 'srcPort' | 'dstPort') => (p.l4 && p.l4.kind !== 'icmp' ? `:${p.l4[which]}` : '');
    if (p.ip.kind === 'ipv4') parts.push(`IPv4${l4} ${ipv4ToString(p.ip.src)}${port('srcPort')} -> ${ipv4ToString(p.ip.dst)}${port('dstPort')}`);
    else parts.push(`IPv6${l4}${p.l4 && p.l4.kind !== 'icmp' ? ` port ${p.l4.srcPort} -> ${p.l4.dstPort}` : ''}`);
    if (p.ip.kind === 'ipv4' && p.ip.options.length) parts.push(`IHL ${ipHeaderLength(p.ip) / 4}`);
  } else if (p.eth) {
    parts.push(`ethertype 0x${p.eth.ethertype.toString(16).padStart(4, '0')}`);
  }
  if (p.l4?.kind === 'icmp') parts.push(`type ${p.l4.type} code ${p.l4.code}`);
  parts.push(`${p.bytes.length} bytes`);
  const text = parts.join(', ');
  return p.corruption ? `${text} (${p.corruption.kind}: ${p.corruption.detail})` : text;
}

/**
 * A readable account of an input for a failure report: a summary line, the context fields, and a
 * hex dump of its bytes.
 */
export function describeInput(input: unknown, maxBytes = 512): string {
  const dump = (b: Uint8Array) => hexDump(b, { maxBytes });
  if (input instanceof Uint8Array) return `${input.length} bytes\n${dump(input)}`;
  if (typeof input !== 'object' || input === null) return String(input);
  if (isPacket(input as object)) {
    const p = input as Packet;
    return `packet: ${packetSummary(p)}\n${dump(p.bytes)}`;
  }
  const k = (input as { kind?: unknown }).kind;
  if (k === 'xdp') {
    const x = input as XdpContext;
    return `xdp_md: ingress_ifindex ${x.ingressIfindex}, rx_queue_index ${x.rxQueueIndex}\n${x.packet ? `packet: ${packetSummary(x.packet)}` : `${x.data.length} bytes`}\n${dump(x.data)}`;
  }
  if (k === 'skb') {
    const s = input as SkBuffContext;
    return `__sk_buff: mark ${s.mark}, priority ${s.priority}, ifindex ${s.ifindex}, ingress_ifindex ${s.ingressIfindex}, cb [${s.cb.join(', ')}], tstamp ${s.tstamp}, gso_segs ${s.gsoSegs}, gso_size ${s.gsoSize}\n`
      + `${s.packet ? `packet: ${packetSummary(s.packet)}` : `${s.data.length} bytes`}\n${dump(s.data)}`;
  }
  if (k === 'tracepoint') {
    const t = input as TracepointContext;
    const fields = t.layout.fields.map((f) => {
      const v = t.values[f.name];
      return `${f.name}=${typeof v === 'bigint' ? v.toString() : v === undefined ? '?' : Buffer.from(v).toString('hex')}`;
    });
    return `tracepoint ${t.layout.name || '(unnamed)'}: ${fields.join(' ')}\n${dump(t.bytes)}`;
  }
  const raw = input as RawInput;
  if (raw.packet || raw.ctx || raw.mem) {
    return (['packet', 'ctx', 'mem'] as const)
      .filter((f) => raw[f])
      .map((f) => `${f}: ${raw[f]!.length} bytes\n${dump(raw[f]!)}`)
      .join('\n');
  }
  return stringify(input);
}

function stringify(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  } catch {
    return String(x);
  }
}

/** Program types whose inputs BPF_PROG_TEST_RUN can take here. */
export const KERNEL_RUNNABLE_TYPES: readonly number[] = [BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP];
