/**
 * Packet-rewriting helpers, VM against kernel: random tc (BPF_PROG_TYPE_SCHED_CLS) and XDP
 * programs calling bpf_skb_store_bytes, l3/l4_csum_replace, csum_diff, csum_level, redirect,
 * clone_redirect, pull_data, change_tail/head, vlan push/pop, adjust_room, change_proto, the
 * hash helpers, xdp_adjust_meta/head/tail and direct packet writes, run by BPF_PROG_TEST_RUN
 * and by both VM engines on random frames: retval (every return code and changed `__sk_buff`
 * field is folded into it) and data_out must agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_XDP } from '../../src/isa/prog-types.js';
import type { Program } from '../../src/isa/program.js';
import { bpfAvailable, KernelError, loadProgram } from '../../src/loader/index.js';
import { packetArb } from '../../src/testing/packet-arb.js';
import { Vm } from '../../src/vm/index.js';
import { STACK_BYTES, tcSource, tcStepArb, xdpSource, xdpStepArb, type NetStep } from './net-helpers-programs.js';

const avail = bpfAvailable();
if (!avail.ok) console.log(`skip: net helper kernel differential: ${avail.reason}`);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** IP frames from the packet arbitraries, and frames of other EtherTypes (ARP, unknown, 802.3 lengths). */
const frameArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: packetArb({ payloadLength: { min: 0, max: 40 } }).map((p) => p.bytes) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.uint8Array({ minLength: 14, maxLength: 70 }), fc.constantFrom(0x0806, 0x1234, 0x0040, 0x8100, 0x88a8)).map(([b, t]) => {
      const f = b.slice();
      f[12] = t >> 8;
      f[13] = t & 0xff;
      return f;
    }),
  },
);

interface Outcome {
  readonly retval: number;
  readonly dataOut: string;
}

function kernelRun(program: Program, progType: number, packet: Uint8Array): Outcome | string {
  let kp;
  try {
    kp = loadProgram(program, { progType, logLevel: 0 });
  } catch (e) {
    if (e instanceof KernelError) return `kernel refused the program: ${e.message}`;
    throw e;
  }
  try {
    const r = kp.testRun({ data: packet });
    return { retval: r.retval, dataOut: hex(r.dataOut) };
  } finally {
    kp.close();
  }
}

function vmRun(program: Program, progType: number, packet: Uint8Array, engine: 'interpreter' | 'compiled'): Outcome {
  const r = new Vm(program, { progType, engine }).run({ packet });
  return { retval: Number(r.r0 & 0xffffffffn), dataOut: hex(r.packet ?? new Uint8Array(0)) };
}

function check(kind: 'tc' | 'xdp', steps: readonly NetStep[], stack: Uint8Array, packet: Uint8Array): void {
  const source = kind === 'tc' ? tcSource(steps, stack) : xdpSource(steps, stack);
  const progType = kind === 'tc' ? BPF_PROG_TYPE_SCHED_CLS : BPF_PROG_TYPE_XDP;
  const program = { ...assemble(source), progType, license: 'GPL' };
  const k = kernelRun(program, progType, packet);
  const what = `${JSON.stringify(steps, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))} on ${hex(packet)}`;
  if (typeof k === 'string') throw new Error(`${k}\n${what}\n${source}`);
  for (const engine of ['interpreter', 'compiled'] as const) {
    expect(vmRun(program, progType, packet, engine), `${engine}: ${what}`).toEqual(k);
  }
}

const stackArb = fc.uint8Array({ minLength: STACK_BYTES, maxLength: STACK_BYTES });

describe.skipIf(!avail.ok)('net helpers: VM vs kernel (BPF_PROG_TEST_RUN)', () => {
  it('sched_cls: random helper sequences on random frames give the same retval and data_out', () => {
    fc.assert(fc.property(fc.array(tcStepArb, { minLength: 1, maxLength: 6 }), stackArb, frameArb, (steps, stack, packet) => {
      check('tc', steps, stack, packet);
    }), { numRuns: Number(process.env.NET_RUNS ?? 400) });
  });

  it('xdp: csum_diff, redirect, head / tail / meta moves and writes give the same retval and data_out', () => {
    fc.assert(fc.property(fc.array(xdpStepArb, { minLength: 1, maxLength: 6 }), stackArb, frameArb, (steps, stack, packet) => {
      check('xdp', steps, stack, packet);
    }), { numRuns: Number(process.env.NET_RUNS ?? 250) });
  });
});
