/**
 * Generated families: map value accesses (constant and bounded variable offsets), null
 * checks after bpf_map_lookup_elem, packet accesses with and without data_end checks,
 * and context accesses per program type.
 */
import {
  R0, R1, R2, R3, R4, R5, R6, R7, R10,
  add64, and64, and32, exit, ja, jeq, jge, jgt, jle, jlt, jne, jsgt, jslt, jgt32, jlt32, ldxb, ldxdw, ldxh, ldxw,
  mov64, mov32, stb, stdw, sth, stw, ldabs, ldind, lsh64, rsh64, ldMapValue, ldMapFd, call,
  type Insn, type RegOperand, type Size,
} from '../../../src/isa/index.js';
import { CGROUP_SKB, Family, SCHED_CLS, SOCKET_FILTER, TRACEPOINT, XDP, arrayMap, hashMap, lookup, ret } from './snippets.js';

function ldx(size: Size, dst: RegOperand, src: RegOperand, off: number): Insn {
  return size === 1 ? ldxb(dst, src, off) : size === 2 ? ldxh(dst, src, off) : size === 4 ? ldxw(dst, src, off) : ldxdw(dst, src, off);
}
function st(size: Size, dst: RegOperand, off: number, src: RegOperand | number): Insn {
  return size === 1 ? stb(dst, off, src) : size === 2 ? sth(dst, off, src) : size === 4 ? stw(dst, off, src) : stdw(dst, off, src);
}

/** Accesses into a looked-up map value at constant and variable offsets. */
export function mapValueFamily(): Family {
  const f = new Family('map-value');
  const types = [SOCKET_FILTER, XDP, TRACEPOINT] as const;
  let k = 0;
  for (const vs of [8, 48]) {
    const maps = [arrayMap('m', vs, 4)];
    for (const off of [...new Set([-1, 0, vs - 8, vs - 4, vs - 1, vs])]) {
      for (const size of [1, 4, 8] as const) {
        f.add(`v${vs}-const-off${off}-size${size}`, types[k++ % 3]!,
          [...lookup('m'), jeq(R0, 0, 1), ldx(size, R0, R0, off), exit()], maps);
      }
      f.add(`v${vs}-store-off${off}`, types[k++ % 3]!,
        [...lookup('m'), jeq(R0, 0, 1), stw(R0, off, 1), mov64(R0, 0), exit()], maps);
    }
    // Variable offsets bounded with `and`.
    for (const mask of [3, 7, 15, 31, 40, 63]) {
      for (const size of [1, 8] as const) {
        f.add(`v${vs}-and${mask}-size${size}`, types[k++ % 3]!, [
          ...lookup('m'), jeq(R0, 0, 4), ldxw(R1, R0, 0), and64(R1, mask), add64(R0, R1), ldx(size, R0, R0, 0), exit(),
        ], maps);
      }
    }
    // Variable offsets bounded by conditional jumps.
    for (const [name, bound] of [['jgt', vs - 8], ['jgt-off-by-one', vs - 7], ['jge', vs - 7], ['jge-off-by-one', vs - 6]] as const) {
      const check = name.startsWith('jgt') ? jgt(R1, bound, 3) : jge(R1, bound, 3);
      f.add(`v${vs}-${name}`, types[k++ % 3]!, [
        ...lookup('m'), jeq(R0, 0, 5), ldxw(R1, R0, 0), check, add64(R0, R1), ldxdw(R0, R0, 0), exit(), mov64(R0, 0), exit(),
      ], maps);
    }
    f.add(`v${vs}-jlt-bound`, XDP, [
      ...lookup('m'), jeq(R0, 0, 5), ldxw(R1, R0, 0), jlt(R1, vs - 7, 1), ja(2), add64(R0, R1), ldxdw(R0, R0, 0), mov64(R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-signed-upper-only`, TRACEPOINT, [
      ...lookup('m'), jeq(R0, 0, 5), ldxdw(R1, R0, 0), jsgt(R1, vs - 8, 3), add64(R0, R1), ldxdw(R0, R0, 0), exit(), mov64(R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-signed-both`, TRACEPOINT, [
      ...lookup('m'), jeq(R0, 0, 6), ldxdw(R1, R0, 0), jsgt(R1, vs - 8, 4), jslt(R1, 0, 3), add64(R0, R1), ldxdw(R0, R0, 0), exit(), mov64(R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-unbounded`, SOCKET_FILTER, [
      ...lookup('m'), jeq(R0, 0, 3), ldxdw(R1, R0, 0), add64(R0, R1), ldxb(R0, R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-jmp32-bound`, XDP, [
      ...lookup('m'), jeq(R0, 0, 5), ldxw(R1, R0, 0), jgt32(R1, vs - 8, 3), add64(R0, R1), ldxdw(R0, R0, 0), exit(), mov64(R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-jmp32-bound-on-u64`, XDP, [
      ...lookup('m'), jeq(R0, 0, 5), ldxdw(R1, R0, 0), jlt32(R1, vs - 7, 1), ja(2), add64(R0, R1), ldxdw(R0, R0, 0), mov64(R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-shift-bound`, TRACEPOINT, [
      ...lookup('m'), jeq(R0, 0, 5), ldxdw(R1, R0, 0), lsh64(R1, 60), rsh64(R1, 60), add64(R0, R1), ldxb(R0, R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-alu32-and`, SOCKET_FILTER, [
      ...lookup('m'), jeq(R0, 0, 4), ldxdw(R1, R0, 0), and32(R1, 7), add64(R0, R1), ldxb(R0, R0, 0), exit(),
    ], maps);
    f.add(`v${vs}-const-ptr-value`, XDP, [ldMapValue(R1, 'm', vs - 4), ldxw(R0, R1, 0), exit()], maps);
    f.add(`v${vs}-const-ptr-value-oob`, XDP, [ldMapValue(R1, 'm', vs - 4), ldxdw(R0, R1, 0), exit()], maps);
  }
  const hm = [hashMap('h', 8, 16)];
  f.add('hash-key-8-on-stack', TRACEPOINT, [stdw(R10, -8, 1), mov64(R2, R10), add64(R2, -8), ldMapFd(R1, 'h'), call(1), jeq(R0, 0, 1), ldxdw(R0, R0, 8), exit()], hm);
  f.add('hash-key-8-half-init', TRACEPOINT, [stw(R10, -8, 1), mov64(R2, R10), add64(R2, -8), ldMapFd(R1, 'h'), call(1), jeq(R0, 0, 1), ldxdw(R0, R0, 8), exit()], hm);
  f.add('hash-key-past-frame', TRACEPOINT, [mov64(R2, R10), add64(R2, -4), ldMapFd(R1, 'h'), call(1), ...ret()], hm);
  f.add('hash-value-oob', TRACEPOINT, [stdw(R10, -8, 1), mov64(R2, R10), add64(R2, -8), ldMapFd(R1, 'h'), call(1), jeq(R0, 0, 1), ldxdw(R0, R0, 12), exit()], hm);
  return f;
}

/** Null checks (or their absence) after bpf_map_lookup_elem. */
export function nullCheckFamily(): Family {
  const f = new Family('null-check');
  const maps = [arrayMap('m', 16, 2)];
  f.add('missing', SOCKET_FILTER, [...lookup('m'), ldxdw(R0, R0, 0), exit()], maps);
  f.add('missing-store', XDP, [...lookup('m'), stdw(R0, 0, 1), mov64(R0, 0), exit()], maps);
  f.add('jeq-ok', TRACEPOINT, [...lookup('m'), jeq(R0, 0, 1), ldxdw(R0, R0, 0), exit()], maps);
  f.add('jne-ok', TRACEPOINT, [...lookup('m'), jne(R0, 0, 1), exit(), ldxdw(R0, R0, 0), exit()], maps);
  f.add('wrong-branch', SOCKET_FILTER, [...lookup('m'), jne(R0, 0, 1), ldxdw(R0, R0, 0), exit()], maps);
  f.add('copy-checked-deref-original', XDP, [...lookup('m'), mov64(R6, R0), jeq(R6, 0, 1), ldxdw(R0, R0, 0), exit()], maps);
  f.add('copy-checked-deref-copy', XDP, [...lookup('m'), mov64(R6, R0), jeq(R0, 0, 2), ldxdw(R0, R6, 8), exit(), exit()], maps);
  f.add('check-against-1', TRACEPOINT, [...lookup('m'), jeq(R0, 1, 1), ldxdw(R0, R0, 0), exit()], maps);
  f.add('jgt-zero-check', TRACEPOINT, [...lookup('m'), jgt(R0, 0, 1), exit(), ldxdw(R0, R0, 0), exit()], maps);
  f.add('arith-before-check', SOCKET_FILTER, [...lookup('m'), add64(R0, 8), jeq(R0, 0, 1), ldxdw(R0, R0, 0), exit()], maps);
  f.add('spill-fill-before-check', XDP, [...lookup('m'), stdw(R10, -16, R0), ldxdw(R3, R10, -16), jeq(R3, 0, 2), ldxdw(R0, R3, 0), exit(), mov64(R0, 0), exit()], maps);
  f.add('two-lookups-checked-first', TRACEPOINT, [...lookup('m'), mov64(R6, R0), ...lookup('m', 1), jeq(R6, 0, 1), ldxdw(R0, R0, 0), exit()], maps);
  f.add('two-lookups-checked-both', TRACEPOINT, [...lookup('m'), mov64(R6, R0), ...lookup('m', 1), jeq(R6, 0, 3), jeq(R0, 0, 2), ldxdw(R0, R0, 0), exit(), mov64(R0, 0), exit()], maps);
  f.add('return-or-null', XDP, [...lookup('m'), exit()], maps);
  f.add('return-scalar-after-check', XDP, [...lookup('m'), jeq(R0, 0, 2), ldxw(R0, R0, 4), exit(), exit()], maps);
  f.add('pass-or-null-to-helper', TRACEPOINT, [...lookup('m'), mov64(R2, R0), ldMapFd(R1, 'm'), call(1), ...ret()], maps);
  f.add('pass-checked-to-helper-as-key', TRACEPOINT, [...lookup('m'), jeq(R0, 0, 4), mov64(R2, R0), ldMapFd(R1, 'm'), call(1), ...ret()], maps);
  f.add('compare-with-other-reg', SOCKET_FILTER, [...lookup('m'), mov64(R1, 0), jeq(R0, R1, 1), ldxdw(R0, R0, 0), exit()], maps);
  return f;
}

function xdpHead(n: number, skip: number): Insn[] {
  // r2 = data; r3 = data_end; r4 = r2 + n; if r4 > r3 goto +skip
  return [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, n), jgt(R4, R3, skip)];
}

/** Direct packet access in XDP and TC with and without (or with wrong) data_end checks. */
export function packetFamily(): Family {
  const f = new Family('packet');
  for (const n of [1, 14, 34]) {
    for (const [off, size] of [[0, 1], [n - 1, 1], [n - 2, 2], [n - 4, 4], [n - 8, 8], [n, 1], [n - 1, 2], [-1, 1]] as const) {
      if (off < -1 || n - off < 0 || f.has(`xdp-check${n}-off${off}-size${size}`)) continue;
      f.add(`xdp-check${n}-off${off}-size${size}`, XDP, [...xdpHead(n, 2), ldx(size, R0, R2, off), exit(), ...ret(2)]);
    }
  }
  f.add('xdp-no-check', XDP, [ldxw(R2, R1, 0), ldxb(R0, R2, 0), exit()]);
  f.add('xdp-check-jge', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 8), jge(R4, R3, 2), ldxdw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-check-jge-last-byte', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 8), jge(R4, R3, 2), ldxb(R0, R2, 8), exit(), ...ret(2)]);
  f.add('xdp-reversed-jlt', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 4), jlt(R3, R4, 2), ldxw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-reversed-jle', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 4), jle(R3, R4, 2), ldxw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-wrong-direction', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 4), jle(R4, R3, 2), ldxw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-access-on-fail-branch', XDP, [...xdpHead(4, 2), mov64(R0, 2), exit(), ldxw(R0, R2, 0), exit()]);
  f.add('xdp-check-against-data', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 4), jgt(R4, R2, 2), ldxw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-access-before-check', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), ldxb(R0, R2, 0), mov64(R4, R2), add64(R4, 4), jgt(R4, R3, 1), exit(), ...ret(2)]);
  f.add('xdp-write-in-range', XDP, [...xdpHead(6, 3), stb(R2, 5, 0xff), mov64(R0, 2), exit(), ...ret(1)]);
  f.add('xdp-write-out-of-range', XDP, [...xdpHead(6, 3), sth(R2, 5, 0xff), mov64(R0, 2), exit(), ...ret(1)]);
  f.add('xdp-write-data-end', XDP, [ldxw(R3, R1, 4), stb(R3, 0, 0), ...ret(2)]);
  f.add('xdp-read-data-end', XDP, [ldxw(R3, R1, 4), ldxb(R0, R3, 0), exit()]);
  f.add('xdp-var-offset-checked', XDP, [
    ...xdpHead(1, 10), ldxb(R5, R2, 0), and64(R5, 15), add64(R2, R5), mov64(R4, R2), add64(R4, 2), jgt(R4, R3, 2), ldxh(R0, R2, 0), exit(), ...ret(2), ...ret(1),
  ]);
  f.add('xdp-var-offset-unchecked', XDP, [
    ...xdpHead(1, 5), ldxb(R5, R2, 0), and64(R5, 15), add64(R2, R5), ldxb(R0, R2, 0), exit(), ...ret(2),
  ]);
  f.add('xdp-var-offset-unbounded', XDP, [
    ...xdpHead(8, 7), ldxdw(R5, R2, 0), add64(R2, R5), mov64(R4, R2), add64(R4, 1), jgt(R4, R3, 2), ldxb(R0, R2, 0), exit(), ...ret(2),
  ]);
  f.add('xdp-big-check', XDP, [...xdpHead(0xffff, 3), add64(R2, 0xfff0), ldxb(R0, R2, 14), exit(), ...ret(2)]);
  f.add('xdp-big-check-past', XDP, [...xdpHead(0xffff, 3), add64(R2, 0xfff0), ldxb(R0, R2, 15), exit(), ...ret(2)]);
  f.add('xdp-too-big-check', XDP, [...xdpHead(0x10000, 2), ldxb(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-data-meta', XDP, [ldxw(R2, R1, 8), ldxw(R3, R1, 0), mov64(R4, R2), add64(R4, 4), jgt(R4, R3, 2), ldxw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-pointer-compare-after-alu32', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov32(R4, R2), add64(R4, 4), jgt(R4, R3, 2), ldxw(R0, R2, 0), exit(), ...ret(2)]);
  f.add('xdp-leak-pkt-ptr-to-stack', XDP, [ldxw(R2, R1, 0), stdw(R10, -8, R2), ldxdw(R3, R10, -8), ldxw(R4, R1, 4), mov64(R5, R3), add64(R5, 1), jgt(R5, R4, 2), ldxb(R0, R3, 0), exit(), ...ret(2)]);
  // The same shapes on __sk_buff (data at 76, data_end at 80).
  for (const [t, tn] of [[SCHED_CLS, 'tc'], [SOCKET_FILTER, 'sk'], [CGROUP_SKB, 'cgskb']] as const) {
    f.add(`${tn}-checked`, t, [ldxw(R2, R1, 76), ldxw(R3, R1, 80), mov64(R4, R2), add64(R4, 14), jgt(R4, R3, 3), ldxh(R0, R2, 12), and64(R0, 1), exit(), ...ret(1)]);
    f.add(`${tn}-oob`, t, [ldxw(R2, R1, 76), ldxw(R3, R1, 80), mov64(R4, R2), add64(R4, 14), jgt(R4, R3, 3), ldxh(R0, R2, 13), and64(R0, 1), exit(), ...ret(1)]);
  }
  // Legacy packet loads.
  f.add('ldabs-socket-filter', SOCKET_FILTER, [mov64(R6, R1), ldabs(2, 12), exit()]);
  f.add('ldabs-without-r6-ctx', SOCKET_FILTER, [mov64(R6, 0), ldabs(2, 12), exit()]);
  f.add('ldabs-xdp', XDP, [mov64(R6, R1), ldabs(1, 0), exit()]);
  f.add('ldind-uninit-src', SOCKET_FILTER, [mov64(R6, R1), ldind(4, R7, 0), exit()]);
  f.add('ldind-ok', SCHED_CLS, [mov64(R6, R1), mov64(R7, 14), ldind(4, R7, 0), mov64(R0, 0), exit()]);
  f.add('ldabs-clobbers-r1', SOCKET_FILTER, [mov64(R6, R1), ldabs(1, 0), mov64(R0, R1), exit()]);
  return f;
}

/** Context reads and writes at valid and invalid offsets and sizes per program type. */
export function ctxFamily(): Family {
  const f = new Family('ctx');
  const skb: readonly (readonly [number, Size])[] = [
    [0, 4], [0, 8], [0, 2], [0, 1], [2, 2], [3, 1], [4, 4], [8, 4], [16, 4], [48, 4], [52, 4], [68, 4], [72, 4], [76, 4],
    [80, 4], [92, 4], [140, 4], [144, 8], [152, 8], [168, 8], [176, 4], [188, 4], [192, 4], [6, 4], [-4, 4],
  ];
  for (const [off, size] of skb) {
    f.add(`skb-read-off${off}-size${size}`, SOCKET_FILTER, [ldx(size, R0, R1, off), mov64(R0, 0), exit()]);
  }
  for (const [off, size] of [[0, 4], [48, 4], [8, 4], [52, 8], [68, 4]] as const) {
    f.add(`skb-write-off${off}-size${size}`, SOCKET_FILTER, [mov64(R2, 1), st(size, R1, off, R2), ...ret()]);
    f.add(`tc-write-off${off}-size${size}`, SCHED_CLS, [mov64(R2, 1), st(size, R1, off, R2), ...ret()]);
  }
  f.add('skb-st-imm-cb', SOCKET_FILTER, [stw(R1, 48, 1), ...ret()]);
  for (const [off, size] of [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [0, 8], [0, 2], [12, 1], [2, 2], [13, 1], [-8, 4]] as const) {
    f.add(`xdp-read-off${off}-size${size}`, XDP, [ldx(size, R0, R1, off), mov64(R0, 2), exit()]);
  }
  f.add('xdp-write-data', XDP, [stw(R1, 0, 0), ...ret(2)]);
  f.add('xdp-write-ifindex', XDP, [mov64(R2, 1), stw(R1, 12, R2), ...ret(2)]);
  for (const [off, size] of [[0, 8], [8, 8], [8, 4], [12, 4], [4, 8], [2, 2], [1, 1], [2040, 8], [2048, 8], [4096, 1], [-8, 8]] as const) {
    f.add(`tp-read-off${off}-size${size}`, TRACEPOINT, [ldx(size, R0, R1, off), mov64(R0, 0), exit()]);
  }
  f.add('tp-write', TRACEPOINT, [stdw(R1, 0, 0), ...ret()]);
  f.add('ctx-var-offset-read', TRACEPOINT, [mov64(R6, R1), call(7), and64(R0, 8), add64(R6, R0), ldxdw(R0, R6, 0), exit()]);
  f.add('ctx-spilled-then-read', XDP, [stdw(R10, -8, R1), ldxdw(R6, R10, -8), ldxw(R0, R6, 16), exit()]);
  f.add('ctx-kept-in-r6-across-call', SCHED_CLS, [mov64(R6, R1), call(5), ldxw(R0, R6, 0), exit()]);
  f.add('ctx-r1-after-call', SCHED_CLS, [call(5), ldxw(R0, R1, 0), exit()]);
  f.add('ctx-copy-deref', SOCKET_FILTER, [mov64(R7, R1), ldxw(R0, R7, 4), exit()]);
  f.add('ctx-mov32-deref', SOCKET_FILTER, [mov32(R7, R1), ldxw(R0, R7, 4), exit()]);
  return f;
}
