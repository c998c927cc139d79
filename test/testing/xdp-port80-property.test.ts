/**
 * The worked example of the testing kit (examples/xdp-port80-property): the port-80 XDP filter
 * checked against a TypeScript reference over 1,000 generated packets — valid, corrupted and
 * random, 0 bytes to jumbo — in the VM, and in the kernel on the same packets where bpf(2) works.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { BPF_PROG_TYPE_XDP } from '../../src/isa/index.js';
import {
  anyPacketArb, checkProgram, loadTarget, packetArb, property, xdpContextArb,
} from '../../src/testing/index.js';

const XDP_DROP = 1n;
const XDP_PASS = 2n;

/** The policy in plain TypeScript: drop TCP to port 80 in an unfragmented IPv4 packet, optionally VLAN-tagged. */
function reference(b: Uint8Array): bigint {
  const u16 = (o: number) => (b[o]! << 8) | b[o + 1]!;
  if (b.length < 14) return XDP_PASS;
  let eth = 14;
  let type = u16(12);
  if (type === 0x8100) {
    if (b.length < 18) return XDP_PASS;
    eth = 18;
    type = u16(16);
  }
  if (type !== 0x0800 || b.length < eth + 20) return XDP_PASS;
  const version = b[eth]! >> 4;
  const ihl = b[eth]! & 0xf;
  if (version !== 4 || ihl < 5) return XDP_PASS;
  if (b[eth + 9] !== 6) return XDP_PASS;
  if ((u16(eth + 6) & 0x1fff) !== 0) return XDP_PASS;
  const tcp = eth + ihl * 4;
  if (tcp + 4 > b.length) return XDP_PASS;
  return u16(tcp + 2) === 80 ? XDP_DROP : XDP_PASS;
}

const target = loadTarget(new URL('../../examples/xdp-port80-property/xdp-port80.s', import.meta.url));
afterAll(() => target.close());

describe('xdp-port80 against its TypeScript reference', () => {
  test('1,000 generated packets (valid, corrupted, random; 0 bytes to jumbo), VM and kernel', () => {
    // half anything at all, half IPv4/TCP to port 80 (valid or with one defect): the interesting edge
    const packets = fc.oneof(
      anyPacketArb({ payloadLength: { max: 1500 } }),
      anyPacketArb({ ip: ['ipv4'], l4: ['tcp'], dstPort: 80, weights: { random: 0 } }),
    );
    let drops = 0;
    const report = checkProgram(target, packets, (pkt, run) => {
      const want = reference(pkt.bytes);
      if (want === XDP_DROP) drops++;
      expect(run(pkt)).toBe(want);
    }, { numRuns: 1000 });
    console.log(`xdp-port80: ${report.numRuns} packets, ${drops} dropped; ${report.crossCheck}`);
    expect(target.progType).toBe(BPF_PROG_TYPE_XDP);
    expect(drops).toBeGreaterThan(150);
    if (target.stats.unavailable === null) expect(target.stats.kernelRuns).toBeGreaterThan(500);
  });

  test('TCP to port 80 is always dropped, whatever else the packet holds', () => {
    property(packetArb({ ip: ['ipv4'], l4: ['tcp'], dstPort: 80 }), (pkt) => {
      expect(target.run(pkt)).toBe(XDP_DROP);
    }, { numRuns: 200 });
  });

  test('anything to another port, UDP, ICMP or IPv6 passes', () => {
    const notHttp = fc.oneof(
      packetArb({ ip: ['ipv4'], l4: ['tcp'], dstPort: fc.integer({ min: 0, max: 0xffff }).filter((p) => p !== 80) }),
      packetArb({ l4: ['udp', 'icmp'] }),
      packetArb({ ip: ['ipv6'] }),
    );
    property(notHttp, (pkt) => {
      expect(target.run(pkt)).toBe(XDP_PASS);
    }, { numRuns: 200 });
  });

  test('the verdict does not depend on the receive queue or interface', () => {
    property(xdpContextArb({ packet: anyPacketArb({ weights: { random: 0 } }), rxQueueIndex: fc.integer({ min: 0, max: 63 }), ingressIfindex: fc.integer({ min: 1, max: 64 }) }), (ctx) => {
      const vmOnly = loadTargetOnce();
      expect(vmOnly.run(ctx)).toBe(reference(ctx.data));
    }, { numRuns: 200 });
  });
});

let vmOnlyTarget: ReturnType<typeof loadTarget> | undefined;
/** A VM-only copy: the kernel needs a real device for these ifindex / queue values. */
function loadTargetOnce() {
  vmOnlyTarget ??= loadTarget(target.program, { kernel: false });
  return vmOnlyTarget;
}
