/**
 * Random tc and XDP programs that rewrite packets with the net helpers, shared by the kernel
 * differential (net-helpers-kernel.test.ts). A program is a list of steps; each step calls
 * one helper with drawn arguments and folds its return value and the `__sk_buff` / `xdp_md`
 * fields the helper may change into r9, which the program returns.
 */
import fc from 'fast-check';

/** One helper call (or pointer re-read) of a generated program. */
export type NetStep =
  | { readonly h: 'store_bytes'; readonly off: number; readonly from: number; readonly len: number; readonly flags: bigint }
  | { readonly h: 'l3_csum' | 'l4_csum'; readonly off: number; readonly from: bigint; readonly to: bigint; readonly flags: bigint }
  | { readonly h: 'csum_diff'; readonly from: number; readonly fromSize: number; readonly to: number; readonly toSize: number; readonly seed: bigint }
  | { readonly h: 'csum_update'; readonly v: bigint }
  | { readonly h: 'csum_level'; readonly level: bigint }
  | { readonly h: 'redirect'; readonly ifindex: number; readonly flags: bigint }
  | { readonly h: 'clone_redirect'; readonly ifindex: number; readonly flags: bigint }
  | { readonly h: 'pull_data'; readonly len: number }
  | { readonly h: 'change_tail'; readonly len: number; readonly flags: bigint }
  | { readonly h: 'change_head'; readonly room: number; readonly flags: bigint }
  | { readonly h: 'vlan_push'; readonly proto: number; readonly tci: number }
  | { readonly h: 'vlan_pop' }
  | { readonly h: 'adjust_room'; readonly diff: number; readonly mode: number; readonly flags: bigint }
  | { readonly h: 'change_proto'; readonly proto: number; readonly flags: bigint }
  | { readonly h: 'set_hash'; readonly v: number; readonly recalc: boolean }
  | { readonly h: 'set_hash_invalid' }
  | { readonly h: 'touch'; readonly at: number; readonly v: number }
  | { readonly h: 'ldabs'; readonly at: number; readonly net: boolean }
  | { readonly h: 'load_bytes'; readonly at: number; readonly len: number }
  | { readonly h: 'xdp_adjust_meta' | 'xdp_adjust_head' | 'xdp_adjust_tail'; readonly delta: number }
  | { readonly h: 'meta_touch'; readonly v: number };

/** Bytes of stack the programs fill at entry (r10-32 .. r10-1): sources of store_bytes and csum_diff. */
export const STACK_BYTES = 32;

const u64 = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 0xffffn }), fc.bigInt({ min: 0n, max: 0xffffffffn }));
const flagBits = (bits: number[]): fc.Arbitrary<bigint> => fc.subarray(bits).map((b) => b.reduce((f, x) => f | (1n << BigInt(x)), 0n));
const pktOff = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 90 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 30 }).map((n) => 2 * n) },
  { weight: 1, arbitrary: fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff, 0xfffe, 0x10000, 0x10001) },
);
/** adjust_room flags: valid encapsulations and decapsulations, random bit sets, unknown bits. */
const ADJ = { gso: 1n, v4: 2n, v6: 4n, gre: 8n, udp: 16n, nocsum: 32n, eth: 64n, d4: 128n, d6: 256n, l2: (n: bigint) => n << 56n };
const adjustFlags: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0n) },
  { weight: 4, arbitrary: fc.constantFrom(ADJ.gso, ADJ.nocsum, ADJ.v4 | ADJ.udp, ADJ.v6 | ADJ.gre, ADJ.v4 | ADJ.eth | ADJ.l2(14n), ADJ.v6 | ADJ.udp | ADJ.l2(4n), ADJ.v4 | ADJ.l2(40n), ADJ.d4, ADJ.d6, ADJ.d4 | ADJ.nocsum) },
  { weight: 2, arbitrary: fc.tuple(flagBits([0, 1, 2, 3, 4, 5, 6, 7, 8]), fc.constantFrom(0n, 14n, 4n, 60n)).map(([f, l2]) => f | ADJ.l2(l2)) },
  { weight: 1, arbitrary: fc.constantFrom(1n << 9n, 1n << 20n) },
);

/** Steps a tc (sched_cls) program may take. */
export const tcStepArb: fc.Arbitrary<NetStep> = fc.oneof(
  fc.record({ h: fc.constant('store_bytes' as const), off: pktOff, from: fc.integer({ min: 0, max: 15 }), len: fc.integer({ min: 1, max: 16 }), flags: fc.oneof(fc.constantFrom(0n, 1n, 2n, 3n), flagBits([0, 1, 2, 40])) }),
  fc.record({ h: fc.constantFrom('l3_csum' as const, 'l4_csum' as const), off: pktOff, from: u64, to: u64, flags: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0n, 2n, 4n) }, { weight: 3, arbitrary: fc.tuple(fc.constantFrom(0n, 2n, 4n), flagBits([4, 5, 6, 7])).map(([a, b]) => a | b) }, { weight: 1, arbitrary: fc.constantFrom(1n, 3n, 8n, 0xfn, 1n << 8n, 1n << 33n) }) })
    .map((s) => ((s.flags & 0xfn) === 0n && s.from !== 0n && s.off % 3 !== 0 ? { ...s, from: 0n } : s)),
  fc.record({ h: fc.constant('csum_diff' as const), from: fc.integer({ min: 0, max: 3 }), fromSize: fc.constantFrom(0, 4, 8, 12, 16, 2, 6, 3), to: fc.integer({ min: 0, max: 7 }), toSize: fc.constantFrom(0, 4, 8, 16, 24, 2, 5, 1), seed: u64 }),
  fc.record({ h: fc.constant('csum_update' as const), v: u64 }),
  fc.record({ h: fc.constant('csum_level' as const), level: fc.oneof(fc.constantFrom(0n, 1n, 2n, 3n), fc.constantFrom(4n, 1n << 32n)) }),
  fc.record({ h: fc.constant('redirect' as const), ifindex: fc.constantFrom(0, 1, 7, 0xffffffff), flags: fc.oneof(fc.constantFrom(0n, 1n), flagBits([1, 2, 31, 40])) }),
  fc.record({ h: fc.constant('clone_redirect' as const), ifindex: fc.constantFrom(0, 1, 0x7fff1234, 0xffffffff), flags: fc.oneof(fc.constantFrom(0n, 1n), flagBits([1, 31])) }),
  fc.record({ h: fc.constant('pull_data' as const), len: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constantFrom(0xffffffff)) }),
  fc.record({ h: fc.constant('change_tail' as const), len: fc.oneof(fc.integer({ min: 0, max: 140 }), fc.constantFrom(16063, 16064, 16065, 0xffffffff)), flags: fc.oneof({ weight: 5, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constant(1n) }) }),
  fc.record({ h: fc.constant('change_head' as const), room: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(100, 16000, 0xfffffff0)), flags: fc.oneof({ weight: 5, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constant(2n) }) }),
  fc.record({ h: fc.constant('vlan_push' as const), proto: fc.oneof(fc.constantFrom(0x0081, 0xa888, 0x0008), fc.integer({ min: 0, max: 0xffff })), tci: fc.integer({ min: 0, max: 0xffff }) }),
  fc.constant({ h: 'vlan_pop' as const }),
  fc.record({
    h: fc.constant('adjust_room' as const),
    diff: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -48, max: 48 }) }, { weight: 2, arbitrary: fc.constantFrom(-20, 20, -40, 40, 8, -8) }, { weight: 1, arbitrary: fc.constantFrom(0x1000, -0x1000, 0xfff) }),
    mode: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constant(2) }),
    flags: adjustFlags,
  }),
  fc.record({ h: fc.constant('change_proto' as const), proto: fc.constantFrom(0x0008, 0xdd86, 0x0081, 0x1234), flags: fc.oneof({ weight: 5, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constant(1n) }) }),
  fc.record({ h: fc.constant('set_hash' as const), v: fc.integer({ min: 0, max: 0xffffffff }), recalc: fc.boolean() }),
  fc.constant({ h: 'set_hash_invalid' as const }),
  fc.record({ h: fc.constant('touch' as const), at: fc.integer({ min: 0, max: 60 }), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ h: fc.constant('ldabs' as const), at: fc.integer({ min: 0, max: 12 }), net: fc.boolean() }),
  fc.record({ h: fc.constant('load_bytes' as const), at: fc.integer({ min: 0, max: 80 }), len: fc.constantFrom(1, 2, 4, 8) }),
);

/** Steps an XDP program may take. */
export const xdpStepArb: fc.Arbitrary<NetStep> = fc.oneof(
  fc.record({ h: fc.constant('csum_diff' as const), from: fc.integer({ min: 0, max: 3 }), fromSize: fc.constantFrom(0, 4, 8, 12, 16, 2, 6), to: fc.integer({ min: 0, max: 7 }), toSize: fc.constantFrom(0, 4, 8, 16, 24, 2, 5), seed: u64 }),
  fc.record({ h: fc.constant('redirect' as const), ifindex: fc.constantFrom(0, 1, 7), flags: fc.oneof(fc.constant(0n), flagBits([0, 1, 33])) }),
  fc.record({ h: fc.constant('xdp_adjust_meta' as const), delta: fc.oneof(fc.integer({ min: -40, max: 40 }), fc.constantFrom(-4, -8, -32, -36, 4, -300)) }),
  fc.record({ h: fc.constant('xdp_adjust_head' as const), delta: fc.oneof(fc.integer({ min: -40, max: 40 }), fc.constantFrom(-216, -220, -256, 1000)) }),
  fc.record({ h: fc.constant('xdp_adjust_tail' as const), delta: fc.integer({ min: -40, max: 40 }) }),
  fc.record({ h: fc.constant('meta_touch' as const), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ h: fc.constant('touch' as const), at: fc.integer({ min: 0, max: 60 }), v: fc.integer({ min: 0, max: 255 }) }),
);

const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
const imm32 = (v: number): number => (v | 0);

/** r9 = r9 * 31 + r0 (32-bit), then each listed ctx field folded the same way. */
function fold(fields: readonly number[]): string[] {
  const out = ['w9 *= 31', 'w9 += w0'];
  for (const f of fields) out.push(`r0 = *(u32 *)(r6 + ${f})`, 'w9 *= 31', 'w9 += w0');
  return out;
}

/** len, protocol, vlan_present, vlan_tci, vlan_proto, hash, ingress_ifindex. */
const SKB_FIELDS = [0, 16, 20, 24, 28, 68, 36];

/** The pseudo-C source of a tc program taking `steps` (stack filled from `stack`). */
export function tcSource(steps: readonly NetStep[], stack: Uint8Array): string {
  return programSource(steps, stack, 'tc');
}

/** The pseudo-C source of an XDP program taking `steps`. */
export function xdpSource(steps: readonly NetStep[], stack: Uint8Array): string {
  return programSource(steps, stack, 'xdp');
}

function programSource(steps: readonly NetStep[], stack: Uint8Array, kind: 'tc' | 'xdp'): string {
  const L: string[] = ['r6 = r1', 'r9 = 7'];
  for (let i = 0; i < STACK_BYTES; i += 4) {
    const v = stack[i]! | (stack[i + 1]! << 8) | (stack[i + 2]! << 16) | (stack[i + 3]! << 24);
    L.push(`*(u32 *)(r10 - ${STACK_BYTES - i}) = ${imm32(v)}`);
  }
  const fields = kind === 'tc' ? SKB_FIELDS : [];
  const call = (name: string, args: string[]): void => {
    L.push('r1 = r6', ...args, `call bpf_${name}`, ...fold(fields));
  };
  let label = 0;
  for (const s of steps) {
    switch (s.h) {
      case 'store_bytes':
        call('skb_store_bytes', [`r2 = ${hex(s.off)} ll`, 'r3 = r10', `r3 += ${-STACK_BYTES + s.from}`, `r4 = ${s.len}`, `r5 = ${hex(s.flags)} ll`]);
        break;
      case 'l3_csum':
      case 'l4_csum':
        call(s.h === 'l3_csum' ? 'l3_csum_replace' : 'l4_csum_replace', [`r2 = ${hex(s.off)} ll`, `r3 = ${hex(s.from)} ll`, `r4 = ${hex(s.to)} ll`, `r5 = ${hex(s.flags)} ll`]);
        break;
      case 'csum_diff':
        L.push('r1 = r10', `r1 += ${-STACK_BYTES + s.from}`, `r2 = ${s.fromSize}`, 'r3 = r10', `r3 += ${-STACK_BYTES + s.to}`, `r4 = ${s.toSize}`, `r5 = ${hex(s.seed)} ll`, 'call bpf_csum_diff', ...fold(fields));
        break;
      case 'csum_update':
        call('csum_update', [`r2 = ${hex(s.v)} ll`]);
        break;
      case 'csum_level':
        call('csum_level', [`r2 = ${hex(s.level)} ll`]);
        break;
      case 'redirect':
        L.push(`r1 = ${hex(s.ifindex)} ll`, `r2 = ${hex(s.flags)} ll`, 'call bpf_redirect', ...fold(fields));
        break;
      case 'clone_redirect':
        call('clone_redirect', [`r2 = ${hex(s.ifindex)} ll`, `r3 = ${hex(s.flags)} ll`]);
        break;
      case 'pull_data':
        call('skb_pull_data', [`r2 = ${hex(s.len)} ll`]);
        break;
      case 'change_tail':
        call('skb_change_tail', [`r2 = ${hex(s.len)} ll`, `r3 = ${hex(s.flags)} ll`]);
        break;
      case 'change_head':
        call('skb_change_head', [`r2 = ${hex(s.room)} ll`, `r3 = ${hex(s.flags)} ll`]);
        break;
      case 'vlan_push':
        call('skb_vlan_push', [`r2 = ${s.proto}`, `r3 = ${s.tci}`]);
        break;
      case 'vlan_pop':
        call('skb_vlan_pop', []);
        break;
      case 'adjust_room':
        call('skb_adjust_room', [`r2 = ${imm32(s.diff)}`, `r3 = ${s.mode}`, `r4 = ${hex(s.flags)} ll`]);
        break;
      case 'change_proto':
        call('skb_change_proto', [`r2 = ${s.proto}`, `r3 = ${hex(s.flags)} ll`]);
        break;
      case 'set_hash':
        call('set_hash', [`r2 = ${hex(s.v)} ll`]);
        if (s.recalc) call('get_hash_recalc', []);
        break;
      case 'set_hash_invalid':
        call('set_hash_invalid', []);
        break;
      case 'touch': {
        // re-read data / data_end, fold data_end - data and write one byte if it is there
        const skip = `skip${label++}`;
        const [d, e] = kind === 'tc' ? [76, 80] : [0, 4];
        L.push(`r2 = *(u32 *)(r6 + ${d})`, `r3 = *(u32 *)(r6 + ${e})`, 'r0 = r3', 'r0 -= r2', ...fold([]),
          'r4 = r2', `r4 += ${s.at + 1}`, `if r4 > r3 goto ${skip}`, `*(u8 *)(r2 + ${s.at}) = ${s.v}`, 'r0 = *(u8 *)(r2 + 0)', ...fold([]), `${skip}:`);
        break;
      }
      case 'ldabs':
        // LD_ABS from skb->data or (SKF_NET_OFF) from the network header; out of range ends the program with 0
        L.push(`r0 = *(u16 *)skb[${s.net ? -0x100000 + s.at : s.at}]`, ...fold([]));
        break;
      case 'load_bytes':
        // bpf_skb_load_bytes into r10-40 .. r10-33 (zeroed by the helper when out of range)
        L.push('r1 = r6', `r2 = ${s.at}`, 'r3 = r10', `r3 += ${-STACK_BYTES - 8}`, `r4 = ${s.len}`, 'call bpf_skb_load_bytes', ...fold([]), `r0 = *(u${s.len * 8} *)(r10 - ${STACK_BYTES + 8})`, ...fold([]));
        break;
      case 'meta_touch': {
        const skip = `skip${label++}`;
        L.push('r2 = *(u32 *)(r6 + 8)', 'r3 = *(u32 *)(r6 + 0)', 'r0 = r3', 'r0 -= r2', ...fold([]),
          'r4 = r2', 'r4 += 4', `if r4 > r3 goto ${skip}`, `*(u8 *)(r2 + 0) = ${s.v}`, 'r0 = *(u32 *)(r2 + 0)', ...fold([]), `${skip}:`);
        break;
      }
      case 'xdp_adjust_meta':
      case 'xdp_adjust_head':
      case 'xdp_adjust_tail':
        call(s.h, [`r2 = ${imm32(s.delta)}`]);
        break;
    }
  }
  L.push('r0 = r9', 'exit');
  return L.join('\n');
}
