/**
 * A socket filter under the kit: examples/packet-filter/sock-drop-port80.s (LD_ABS / LD_IND
 * loads, which end the program returning 0 when they fall outside the packet) against a
 * TypeScript reference, on generated `__sk_buff` contexts, in the VM and the kernel.
 */
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { anyPacketArb, checkProgram, loadTarget, skBuffContextArb, skbTestRunRefusal } from '../../src/testing/index.js';

/**
 * The filter's verdict: bytes to keep (0 drops). The program sees the frame after its Ethernet
 * header; an LD_ABS/LD_IND past the end returns 0 at once, as in the kernel.
 */
function reference(frame: Uint8Array): bigint {
  const n = frame.subarray(14);
  const keep = BigInt(n.length);
  const u16 = (o: number) => (n[o]! << 8) | n[o + 1]!;
  if (n.length < 1) return 0n;
  if (n[0]! >> 4 !== 4) return keep;
  if (n.length < 10) return 0n;
  if (n[9] !== 6) return keep;
  if (n.length < 8) return 0n;
  if ((u16(6) & 0x1fff) !== 0) return keep;
  const ihl = (n[0]! & 0xf) * 4;
  if (ihl < 20) return keep;
  if (n.length < ihl + 4) return 0n;
  return u16(ihl + 2) === 80 ? 0n : keep;
}

const target = loadTarget(new URL('../../examples/packet-filter/sock-drop-port80.s', import.meta.url));
afterAll(() => target.close());

test('sock-drop-port80 matches its reference on 500 generated socket-filter contexts', () => {
  const frames = fc.oneof(
    anyPacketArb({ weights: { random: 0 } }),
    anyPacketArb({ ip: ['ipv4'], l4: ['tcp'], dstPort: 80, vlan: false, weights: { random: 0 } }),
  );
  let drops = 0;
  const report = checkProgram(target, skBuffContextArb({ packet: frames }), (ctx, run) => {
    if (skbTestRunRefusal(ctx.data) !== undefined) return; // the test run (and the VM) refuse it
    const want = reference(ctx.data);
    if (want === 0n) drops++;
    expect(run(ctx)).toBe(want);
  }, { numRuns: 500 });
  console.log(`sock-drop-port80: ${drops} of ${report.numRuns} dropped; ${report.crossCheck}`);
  expect(drops).toBeGreaterThan(50);
  if (target.stats.unavailable === null) expect(target.stats.kernelRuns).toBeGreaterThan(400);
});
