/**
 * sock-drop-port80 attached to a real socket: a veth pair between two private network
 * namespaces; on the receiving end (vb) an AF_PACKET SOCK_DGRAM socket, which like the
 * program reads packets from the IPv4 header on, carries the filter, and an unfiltered
 * AF_PACKET SOCK_RAW socket on the same interface witnesses every frame. From the other
 * side, TCP SYNs and UDP datagrams made by the kernel, and hand-made IPv4 packets.
 * Attached, the filtered socket gets everything but TCP to port 80; detached, it gets it
 * all; and on every frame the witness saw, the VM's r0 says what the kernel socket did.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  PACKET_HOST, PACKET_OUTGOING, attachSocketFilter, loadProgram, openPacketSocket, parseIpv4, sendRawIpv4,
  sendTcpSyn4, sendUdp4, type CapturedPacket, type PacketSocket,
} from '../../src/loader/index.js';
import type { Program } from '../../src/isa/program.js';
import { createVm } from '../../src/vm/index.js';
import { announceKernel, exampleProgram } from './example-kit.js';

const hasTools = (() => {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('sysctl', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTools) console.log('skip: sock-drop-port80 on a packet socket: needs the ip and sysctl commands');
const canRun = announceKernel('sock-drop-port80 on a packet socket') && hasTools;

const sock = exampleProgram('packet-filter/sock-drop-port80.s');
const tag = `tsbpfsf${process.pid % 100000}`;
const NS_A = `${tag}a`, NS_B = `${tag}b`;
const ADDR_A = '10.77.9.1', ADDR_B = '10.77.9.2';
const ETH_HLEN = 14;

const run = (...args: string[]): void => void execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' });
const be16 = (b: Uint8Array, off: number): number => (b[off]! << 8) | b[off + 1]!;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An IPv4 packet's header fields and first four transport bytes, when it has them. */
interface Ip4 {
  readonly src: string;
  readonly dst: string;
  readonly id: number;
  readonly proto: number;
  readonly fragOff: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly tcpFlags?: number;
}

function parseIp4(p: Uint8Array): Ip4 | undefined {
  if (p.length < 20 || p[0]! >> 4 !== 4) return undefined;
  const ihl = (p[0]! & 0xf) * 4;
  const base = {
    src: p.subarray(12, 16).join('.'), dst: p.subarray(16, 20).join('.'),
    id: be16(p, 4), proto: p[9]!, fragOff: be16(p, 6) & 0x1fff,
  };
  if (base.fragOff !== 0 || p.length < ihl + 4) return base;
  return { ...base, sport: be16(p, ihl), dport: be16(p, ihl + 2), tcpFlags: p.length >= ihl + 14 ? p[ihl + 13] : undefined };
}

/** A hand-made IPv4 packet from A to B; the kernel fills in its length and checksum. */
function ipv4(id: number, proto: number, payload: readonly number[], o: { options?: readonly number[]; fragOff?: number } = {}): Uint8Array {
  const opts = o.options ?? [];
  const p = new Uint8Array(20 + opts.length + payload.length);
  const v = new DataView(p.buffer);
  p[0] = 0x40 | ((20 + opts.length) / 4);
  v.setUint16(4, id);
  v.setUint16(6, o.fragOff ?? 0);
  p[8] = 64;
  p[9] = proto;
  p.set(parseIpv4(ADDR_A), 12);
  p.set(parseIpv4(ADDR_B), 16);
  p.set(opts, 20);
  p.set(payload, 20 + opts.length);
  return p;
}

/** A 20-byte TCP header with SYN set (checksum left zero: B's TCP discards it). */
const tcpSyn = (sport: number, dport: number): number[] =>
  [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0];

/** One thing A sends to B, how to recognise it in a capture, and what the policy does with it. */
interface Probe {
  readonly what: string;
  readonly send: () => void;
  readonly is: (ip: Ip4) => boolean;
  readonly dropped: boolean;
}

const fromA = (ip: Ip4): boolean => ip.src === ADDR_A && ip.dst === ADDR_B;
/** The ids of the hand-made packets (0x5301..0x5304); a kernel-made SYN carries another. */
const handMade = (ip: Ip4): boolean => ip.id >= 0x5301 && ip.id <= 0x5304;
const kernelSyn = (port: number) => (ip: Ip4): boolean =>
  fromA(ip) && ip.proto === 6 && ip.dport === port && ((ip.tcpFlags ?? 0) & 0x12) === 0x02 && !handMade(ip);
const udp = (port: number) => (ip: Ip4): boolean => fromA(ip) && ip.proto === 17 && ip.dport === port;
const byId = (id: number) => (ip: Ip4): boolean => fromA(ip) && ip.id === id;

const probes: readonly Probe[] = [
  { what: 'TCP SYN to port 80 (a connect)', send: () => sendTcpSyn4(ADDR_B, 80, { netns: NS_A }), is: kernelSyn(80), dropped: true },
  { what: 'TCP SYN to port 8080 (a connect)', send: () => sendTcpSyn4(ADDR_B, 8080, { netns: NS_A }), is: kernelSyn(8080), dropped: false },
  { what: 'UDP to port 80', send: () => sendUdp4(ADDR_B, 80, new Uint8Array(12).fill(0x55), { netns: NS_A }), is: udp(80), dropped: false },
  { what: 'UDP to port 8080', send: () => sendUdp4(ADDR_B, 8080, new Uint8Array(30).fill(0xaa), { netns: NS_A }), is: udp(8080), dropped: false },
  {
    what: 'TCP to port 80 behind 4 bytes of IP options',
    send: () => sendRawIpv4(ipv4(0x5301, 6, tcpSyn(40001, 80), { options: [1, 1, 1, 0] }), { netns: NS_A }),
    is: byId(0x5301), dropped: true,
  },
  {
    what: 'a later fragment of TCP, "port 80" at its offset 2',
    send: () => sendRawIpv4(ipv4(0x5302, 6, [0x9c, 0x42, 0, 80, 1, 2, 3, 4], { fragOff: 1 }), { netns: NS_A }),
    is: byId(0x5302), dropped: false,
  },
  {
    what: 'TCP cut inside its ports (LD_IND past the end)',
    send: () => sendRawIpv4(ipv4(0x5303, 6, [0x9c, 0x43]), { netns: NS_A }),
    is: byId(0x5303), dropped: true,
  },
  {
    what: 'TCP from port 80 to 8080',
    send: () => sendRawIpv4(ipv4(0x5304, 6, tcpSyn(80, 8080)), { netns: NS_A }),
    is: byId(0x5304), dropped: false,
  },
];

/** What the two sockets on vb queued while the probes went out. */
interface Exchange {
  /** Every frame on vb, from the Ethernet header (the unfiltered SOCK_RAW socket). */
  readonly frames: CapturedPacket[];
  /** What the filtered SOCK_DGRAM socket got, from the network header. */
  readonly got: CapturedPacket[];
}

/**
 * Empty both sockets, send every probe, then read both until the witness has seen every
 * probe arrive and 60 ms more pass with nothing new (at most 5 s: a loaded machine may
 * hand the veth's receive work to ksoftirqd).
 */
async function exchange(witness: PacketSocket, filtered: PacketSocket): Promise<Exchange> {
  witness.drain();
  filtered.drain();
  for (const p of probes) p.send();
  const frames: CapturedPacket[] = [], got: CapturedPacket[] = [];
  const deadline = Date.now() + 5000;
  for (let quiet = 0; quiet < 3 && Date.now() < deadline;) {
    await sleep(20);
    const a = witness.drain(), b = filtered.drain();
    frames.push(...a);
    got.push(...b);
    const allSeen = probes.every((p) => arrivals(frames, p, ETH_HLEN) > 0);
    quiet = allSeen && a.length + b.length === 0 ? quiet + 1 : 0;
  }
  return { frames, got };
}

/** How many of `packets` (starting at byte `off`) arrived from A as `probe`. */
function arrivals(packets: readonly CapturedPacket[], probe: Probe, off: number): number {
  return packets.filter((p) => {
    if (p.pktType !== PACKET_HOST) return false;
    const ip = parseIp4(p.bytes.subarray(off));
    return ip !== undefined && probe.is(ip);
  }).length;
}

/**
 * Run the program in the VM on every witnessed frame and match its verdict against the
 * filtered socket: r0 = 0 means no packet; r0 > 0 means the packet, cut to r0 bytes. Every
 * packet the filtered socket got must be claimed by exactly one frame. Returns the disagreements.
 */
function vmDisagreements(x: Exchange, program: Program = sock): { disagreements: string[]; kept: number; dropped: number } {
  const vm = createVm(program);
  const unclaimed = new Map<string, number>();
  for (const g of x.got) unclaimed.set(hex(g.bytes), (unclaimed.get(hex(g.bytes)) ?? 0) + 1);
  const disagreements: string[] = [];
  let kept = 0, dropped = 0;
  for (const f of x.frames) {
    const r0 = Number(vm.run({ packet: f.bytes }).r0);
    const l3 = f.bytes.subarray(ETH_HLEN);
    const dir = f.pktType === PACKET_OUTGOING ? 'out' : 'in';
    if (r0 === 0) {
      dropped++;
      if (unclaimed.has(hex(l3))) disagreements.push(`VM drops, kernel delivered (${dir}): ${hex(f.bytes)}`);
      continue;
    }
    kept++;
    const want = hex(l3.subarray(0, r0));
    const n = unclaimed.get(want) ?? 0;
    if (n === 0) disagreements.push(`VM keeps ${r0} bytes, kernel socket has no such packet (${dir}): ${hex(f.bytes)}`);
    else if (n === 1) unclaimed.delete(want);
    else unclaimed.set(want, n - 1);
  }
  for (const [bytes, n] of unclaimed) disagreements.push(`kernel delivered ${n}x a packet no witnessed frame accounts for: ${bytes}`);
  return { disagreements, kept, dropped };
}

describe.runIf(canRun)('sock-drop-port80 on a packet socket (veth pair, private namespaces)', () => {
  let witness: PacketSocket | undefined, filtered: PacketSocket | undefined;

  beforeAll(() => {
    run('ip', 'netns', 'add', NS_A);
    run('ip', 'netns', 'add', NS_B);
    // no IPv6 (-e: nothing to do where it is absent): its neighbour discovery would add frames of its own at any moment
    for (const ns of [NS_A, NS_B]) {
      run('ip', 'netns', 'exec', ns, 'sysctl', '-eqw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
    }
    run('ip', 'link', 'add', 'va', 'netns', NS_A, 'type', 'veth', 'peer', 'name', 'vb', 'netns', NS_B);
    run('ip', '-n', NS_A, 'addr', 'add', `${ADDR_A}/24`, 'dev', 'va');
    run('ip', '-n', NS_B, 'addr', 'add', `${ADDR_B}/24`, 'dev', 'vb');
    for (const [ns, dev] of [[NS_A, 'va'], [NS_B, 'vb'], [NS_A, 'lo'], [NS_B, 'lo']] as const) run('ip', '-n', ns, 'link', 'set', dev, 'up');
    witness = openPacketSocket('vb', { netns: NS_B, kind: 'raw' });
    filtered = openPacketSocket('vb', { netns: NS_B, kind: 'dgram' });
  });

  afterAll(() => {
    witness?.close();
    filtered?.close();
    for (const ns of [NS_A, NS_B]) {
      try {
        run('ip', 'netns', 'del', ns);
      } catch {
        // not created
      }
    }
  });

  test('attached, the socket gets all but TCP to port 80; detached, port 80 arrives again', async () => {
    const w = witness!, s = filtered!;
    using prog = loadProgram(sock);
    const att = attachSocketFilter(prog, s.fd);
    let x: Exchange;
    try {
      x = await exchange(w, s);
    } finally {
      att.close();
    }
    for (const p of probes) {
      expect(arrivals(x.frames, p, ETH_HLEN), `${p.what}: crossed the veth once`).toBe(1);
      expect(arrivals(x.got, p, 0), `${p.what}: filtered socket, attached`).toBe(p.dropped ? 0 : 1);
    }
    // B answers the SYN to port 80 with a RST *from* port 80: the filter keeps that one
    const rstFrom80 = (p: CapturedPacket, off: number): boolean => {
      const ip = parseIp4(p.bytes.subarray(off));
      return p.pktType === PACKET_OUTGOING && ip?.proto === 6 && ip.sport === 80 && ((ip.tcpFlags ?? 0) & 0x04) !== 0;
    };
    expect(x.frames.some((p) => rstFrom80(p, ETH_HLEN))).toBe(true);
    expect(x.got.some((p) => rstFrom80(p, 0))).toBe(true);
    expect(x.got.length).toBeLessThan(x.frames.length);

    const y = await exchange(w, s);
    for (const p of probes) expect(arrivals(y.got, p, 0), `${p.what}: filtered socket, detached`).toBe(1);
    // unfiltered, the SOCK_DGRAM socket gets every frame less its Ethernet header
    expect(y.got.map((g) => hex(g.bytes)).sort()).toEqual(y.frames.map((f) => hex(f.bytes.subarray(ETH_HLEN))).sort());
  });

  test('on every frame vb carried, the VM\'s r0 is what the kernel socket did (dropped, or kept at that length)', async () => {
    const w = witness!, s = filtered!;
    using prog = loadProgram(sock);
    using _att = attachSocketFilter(prog, s.fd);
    const xs = [await exchange(w, s), await exchange(w, s)];
    const x: Exchange = { frames: xs.flatMap((e) => e.frames), got: xs.flatMap((e) => e.got) };
    const { disagreements, kept, dropped } = vmDisagreements(x);
    expect(disagreements).toEqual([]);
    expect(dropped).toBeGreaterThanOrEqual(2 * probes.filter((p) => p.dropped).length);
    expect(kept).toBe(x.got.length);
    // the check can tell programs apart: a mutant that drops port 8080 instead disagrees
    const mutant: Program = {
      ...sock,
      insns: sock.insns.map((i) => (i.kind === 'jmp' && i.op === 'jeq' && i.imm === 80 ? { ...i, imm: 8080 } : i)),
    };
    expect(mutant.insns).not.toEqual(sock.insns);
    expect(vmDisagreements(x, mutant).disagreements.length).toBeGreaterThanOrEqual(4);
    console.log(`sock-drop-port80 on a packet socket: ${x.frames.length} frames on vb, the kernel socket kept ${kept} and dropped ${dropped}; the VM agreed on every one`);
  });
});
