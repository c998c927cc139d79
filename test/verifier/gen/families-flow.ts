/**
 * Generated families: loops (bounded and not), bpf-to-bpf calls (depth, combined stack,
 * argument passing), helper calls (prototypes, availability per program type,
 * references), return values, atomics, and large programs near the 1M limit.
 */
import {
  R0, R1, R2, R3, R4, R5, R6, R7, R10,
  add64, and64, atomic, call, callLocal, exit, ja, jeq, jlt, jne, jsgt, ldMapFd, ldxb, ldxdw, ldxw, lddw,
  mov64, mov32, stb, stdw, stw, sub64, xor64,
  type Insn,
} from '../../../src/isa/index.js';
import {
  CGROUP_SKB, Family, KPROBE, SCHED_CLS, SOCKET_FILTER, TRACEPOINT, XDP,
  arrayMap, link, lookup, ret, ringbufMap, type CallFn,
} from './snippets.js';

/** `r0 = 0; r1 = 0; do { r1 += 1; r0 += r1 } while (r1 < k)`. */
function countUp(k: number): Insn[] {
  return [mov64(R0, 0), mov64(R1, 0), add64(R1, 1), add64(R0, R1), jlt(R1, k, -3), exit()];
}

/** Bounded and unbounded loops. */
export function loopsFamily(): Family {
  const f = new Family('loops');
  const types = [SOCKET_FILTER, XDP, TRACEPOINT] as const;
  [1, 2, 10, 100, 1000, 8000].forEach((k, i) => f.add(`count-up-${k}`, types[i % 3]!, countUp(k)));
  [1, 5, 64, 4096].forEach((k, i) => f.add(`count-down-jne-${k}`, types[i % 3]!,
    [mov64(R0, 0), mov64(R1, k), sub64(R1, 1), add64(R0, 1), jne(R1, 0, -3), exit()]));
  f.add('count-down-jsgt', XDP, [mov64(R0, 0), mov64(R1, 50), sub64(R1, 1), jsgt(R1, 0, -2), exit()]);
  f.add('counter-never-changes', SOCKET_FILTER, [mov64(R0, 0), mov64(R1, 0), add64(R0, 1), jlt(R1, 10, -2), exit()]);
  f.add('counter-never-changes-r0-unused', SOCKET_FILTER, [mov64(R0, 0), mov64(R1, 0), mov64(R2, 1), jlt(R1, 10, -2), exit()]);
  f.add('ja-back-forever', XDP, [mov64(R0, 0), mov64(R1, 1), ja(-2), exit()]);
  f.add('counter-goes-wrong-way', TRACEPOINT, [mov64(R0, 0), mov64(R1, 10), add64(R1, 1), jne(R1, 0, -2), exit()]);
  f.add('unknown-bound', TRACEPOINT, [call(7), mov64(R1, R0), mov64(R0, 0), mov64(R2, 0), add64(R2, 1), jlt(R2, R1, -2), exit()]);
  f.add('masked-bound', TRACEPOINT, [call(7), mov64(R1, R0), and64(R1, 0xff), mov64(R0, 0), mov64(R2, 0), add64(R2, 1), jlt(R2, R1, -2), exit()]);
  f.add('masked-bound-wide', TRACEPOINT, [call(7), mov64(R1, R0), and64(R1, 0xfffff), mov64(R0, 0), mov64(R2, 0), add64(R2, 1), jlt(R2, R1, -2), exit()]);
  const maps = [arrayMap('m', 16, 1)];
  f.add('map-value-bound', XDP, [
    ...lookup('m'), jeq(R0, 0, 7), ldxb(R1, R0, 0), mov64(R0, 0), mov64(R2, 0), add64(R2, 1), add64(R0, R2), jlt(R2, R1, -3), exit(), mov64(R0, 2), exit(),
  ], maps);
  f.add('loop-indexes-map-value', XDP, [
    ...lookup('m'), jeq(R0, 0, 7), mov64(R6, R0), mov64(R2, 0), mov64(R3, R6), add64(R3, R2), stb(R3, 0, 1), add64(R2, 1), jlt(R2, 16, -5), ...ret(2),
  ], maps);
  f.add('loop-indexes-map-value-off-by-one', XDP, [
    ...lookup('m'), jeq(R0, 0, 7), mov64(R6, R0), mov64(R2, 0), mov64(R3, R6), add64(R3, R2), stb(R3, 0, 1), add64(R2, 1), jlt(R2, 17, -5), ...ret(2),
  ], maps);
  f.add('loop-fills-stack', TRACEPOINT, [
    mov64(R2, 0), mov64(R3, R10), add64(R3, -64), add64(R3, R2), stb(R3, 0, 0), add64(R2, 1), jlt(R2, 64, -6), ldxdw(R0, R10, -8), exit(),
  ]);
  f.add('loop-fills-stack-too-far', TRACEPOINT, [
    mov64(R2, 0), mov64(R3, R10), add64(R3, -64), add64(R3, R2), stb(R3, 0, 0), add64(R2, 1), jlt(R2, 65, -6), ldxdw(R0, R10, -8), exit(),
  ]);
  // bpf_loop(nr, callback, ctx, flags) with a BPF_PSEUDO_FUNC callback.
  const pseudoFunc = (imm: number): Insn => ({ kind: 'lddw', dst: 2, src: 4, imm: BigInt(imm) });
  f.add('bpf-loop-helper', TRACEPOINT, [mov64(R1, 10), pseudoFunc(6), mov64(R3, 0), mov64(R4, 0), call(181), mov64(R0, 0), exit(), mov64(R0, 0), exit()]);
  f.add('bpf-loop-callback-returns-2', TRACEPOINT, [mov64(R1, 10), pseudoFunc(6), mov64(R3, 0), mov64(R4, 0), call(181), mov64(R0, 0), exit(), mov64(R0, 2), exit()]);
  return f;
}

/** bpf-to-bpf calls: depth, combined stack size, argument and return passing. */
export function callsFamily(): Family {
  const f = new Family('calls');
  const chain = (frames: number, stack: number): (Insn | CallFn)[][] => {
    const fs: (Insn | CallFn)[][] = [];
    for (let i = 0; i < frames; i++) {
      fs.push(i < frames - 1 ? [stdw(R10, -stack, 0), { callFn: i + 1 }, exit()] : [stdw(R10, -stack, 0), mov64(R0, 0), exit()]);
    }
    return fs;
  };
  for (const frames of [2, 3, 8, 9, 10]) f.add(`depth-${frames}-frames`, frames % 2 ? XDP : SOCKET_FILTER, link(chain(frames, 8)));
  // Tracepoint programs may get a private stack per subprogram on x86-64 (no combined limit);
  // XDP and socket filters share one 512-byte stack.
  for (const [t, tn] of [[TRACEPOINT, 'tp'], [XDP, 'xdp'], [SOCKET_FILTER, 'sk']] as const) {
    for (const [frames, stack] of [[2, 256], [2, 264], [4, 128], [4, 136], [4, 120], [3, 168], [3, 176]] as const) {
      f.add(`stack-${tn}-${frames}x${stack}`, t, link(chain(frames, stack)));
    }
    f.add(`stack-${tn}-512-main-only`, t, link([[stdw(R10, -512, 0), { callFn: 1 }, exit()], [mov64(R0, 0), exit()]]));
    f.add(`stack-${tn}-512-main-plus-8`, t, link([[stdw(R10, -512, 0), { callFn: 1 }, exit()], [stdw(R10, -8, 0), mov64(R0, 0), exit()]]));
  }
  f.add('callee-reads-ctx-arg', SOCKET_FILTER, link([[{ callFn: 1 }, exit()], [ldxw(R0, R1, 0), exit()]]));
  f.add('callee-reads-unpassed-r3', SOCKET_FILTER, link([[{ callFn: 1 }, exit()], [mov64(R0, R3), exit()]]));
  f.add('callee-reads-passed-r3', SOCKET_FILTER, link([[mov64(R3, 4), { callFn: 1 }, exit()], [mov64(R0, R3), exit()]]));
  f.add('callee-no-r0', XDP, link([[{ callFn: 1 }, exit()], [mov64(R2, 0), exit()]]));
  f.add('callee-reads-r6', XDP, link([[mov64(R6, 1), { callFn: 1 }, exit()], [mov64(R0, R6), exit()]]));
  f.add('caller-r6-preserved', XDP, link([[mov64(R6, 1), { callFn: 1 }, mov64(R0, R6), exit()], [mov64(R6, 7), mov64(R0, 0), exit()]]));
  f.add('caller-r1-clobbered', XDP, link([[{ callFn: 1 }, mov64(R0, R1), exit()], [mov64(R0, 0), exit()]]));
  f.add('callee-writes-caller-stack', TRACEPOINT, link([
    [mov64(R1, R10), add64(R1, -8), { callFn: 1 }, ldxdw(R0, R10, -8), exit()], [stdw(R1, 0, 5), mov64(R0, 0), exit()],
  ]));
  f.add('callee-writes-past-caller-frame', TRACEPOINT, link([
    [mov64(R1, R10), add64(R1, -8), { callFn: 1 }, exit()], [stdw(R1, 8, 5), mov64(R0, 0), exit()],
  ]));
  f.add('callee-returns-stack-pointer', TRACEPOINT, link([
    [{ callFn: 1 }, ldxdw(R0, R0, 0), exit()], [stdw(R10, -8, 0), mov64(R0, R10), add64(R0, -8), exit()],
  ]));
  f.add('callee-returns-value', SOCKET_FILTER, link([[mov64(R1, 20), { callFn: 1 }, add64(R0, 1), exit()], [mov64(R0, R1), add64(R0, 2), exit()]]));
  f.add('recursion', SOCKET_FILTER, link([[{ callFn: 1 }, exit()], [mov64(R0, 0), { callFn: 1 }, exit()]]));
  f.add('call-out-of-range', SOCKET_FILTER, [callLocal(10), exit()]);
  f.add('call-to-self', SOCKET_FILTER, [mov64(R0, 0), callLocal(-1), exit()]);
  f.add('subprog-falls-off', SOCKET_FILTER, link([[{ callFn: 1 }, exit()], [mov64(R0, 0)]]));
  f.add('jump-across-subprogs', XDP, link([[mov64(R0, 0), jeq(R1, 0, 3), { callFn: 1 }, exit()], [mov64(R0, 0), exit()]]));
  f.add('two-callees', TRACEPOINT, link([
    [{ callFn: 1 }, mov64(R6, R0), { callFn: 2 }, add64(R0, R6), exit()], [mov64(R0, 1), exit()], [mov64(R0, 2), exit()],
  ]));
  f.add('map-lookup-in-callee', TRACEPOINT, link([
    [{ callFn: 1 }, exit()], [...lookup('m'), jeq(R0, 0, 1), ldxdw(R0, R0, 0), exit()],
  ]), [arrayMap('m', 8)]);
  return f;
}

/** Helper prototypes, availability per program type, and reference tracking. */
export function helpersFamily(): Family {
  const f = new Family('helpers');
  const m = [arrayMap('m', 8, 2)];
  f.add('lookup-scalar-map', SOCKET_FILTER, [stw(R10, -4, 0), mov64(R2, R10), add64(R2, -4), mov64(R1, 0), call(1), ...ret()]);
  f.add('lookup-ctx-as-map', SOCKET_FILTER, [stw(R10, -4, 0), mov64(R2, R10), add64(R2, -4), call(1), ...ret()]);
  f.add('lookup-scalar-key', XDP, [ldMapFd(R1, 'm'), mov64(R2, 0), call(1), ...ret()], m);
  f.add('lookup-ctx-key', XDP, [mov64(R2, R1), ldMapFd(R1, 'm'), call(1), ...ret()], m);
  f.add('lookup-uninit-key', XDP, [mov64(R2, R10), add64(R2, -4), ldMapFd(R1, 'm'), call(1), ...ret()], m);
  f.add('lookup-key-straddles-frame', XDP, [stw(R10, -4, 0), mov64(R2, R10), add64(R2, -2), ldMapFd(R1, 'm'), call(1), ...ret()], m);
  f.add('lookup-no-key', XDP, [ldMapFd(R1, 'm'), call(1), ...ret()], m);
  f.add('update-ok', TRACEPOINT, [stw(R10, -4, 0), stdw(R10, -16, 7), mov64(R2, R10), add64(R2, -4), mov64(R3, R10), add64(R3, -16), mov64(R4, 0), ldMapFd(R1, 'm'), call(2), ...ret()], m);
  f.add('update-value-uninit', TRACEPOINT, [stw(R10, -4, 0), mov64(R2, R10), add64(R2, -4), mov64(R3, R10), add64(R3, -16), mov64(R4, 0), ldMapFd(R1, 'm'), call(2), ...ret()], m);
  f.add('update-value-short', TRACEPOINT, [stdw(R10, -8, 0), mov64(R2, R10), add64(R2, -8), mov64(R3, R10), add64(R3, -4), mov64(R4, 0), ldMapFd(R1, 'm'), call(2), ...ret()], m);
  f.add('update-flags-uninit', TRACEPOINT, [stw(R10, -4, 0), stdw(R10, -16, 7), mov64(R2, R10), add64(R2, -4), mov64(R3, R10), add64(R3, -16), ldMapFd(R1, 'm'), call(2), ...ret()], m);
  f.add('delete-ok', SOCKET_FILTER, [...lookup('m').slice(0, 4), call(3), ...ret()], m);
  for (const id of [0, 212, 999, 100000, -1]) f.add(`unknown-id-${id}`, SOCKET_FILTER, [call(id), ...ret()]);
  const ids = [4, 5, 6, 7, 8, 14, 16, 23, 26, 44, 113, 118, 125, 12];
  const types = [[SOCKET_FILTER, 'sk'], [XDP, 'xdp'], [TRACEPOINT, 'tp'], [KPROBE, 'kprobe']] as const;
  for (const id of ids) {
    for (const [t, tn] of types) {
      f.add(`avail-${id}-${tn}`, t, [mov64(R1, 0), mov64(R2, 0), mov64(R3, 0), mov64(R4, 0), mov64(R5, 0), call(id), ...ret()]);
    }
  }
  f.add('probe-read-kernel-ok', TRACEPOINT, [mov64(R3, R1), mov64(R1, R10), add64(R1, -8), mov64(R2, 8), call(113), ldxdw(R0, R10, -8), exit()]);
  f.add('probe-read-kernel-size-too-big', TRACEPOINT, [mov64(R3, R1), mov64(R1, R10), add64(R1, -8), mov64(R2, 16), call(113), ...ret()]);
  f.add('probe-read-kernel-size-unbounded', TRACEPOINT, [mov64(R6, R1), call(7), mov64(R2, R0), mov64(R3, R6), mov64(R1, R10), add64(R1, -64), call(113), ...ret()]);
  f.add('probe-read-kernel-size-masked', TRACEPOINT, [mov64(R6, R1), call(7), mov64(R2, R0), and64(R2, 63), mov64(R3, R6), mov64(R1, R10), add64(R1, -64), call(113), ...ret()]);
  f.add('probe-read-kernel-size-masked-over', TRACEPOINT, [mov64(R6, R1), call(7), mov64(R2, R0), and64(R2, 127), mov64(R3, R6), mov64(R1, R10), add64(R1, -64), call(113), ...ret()]);
  f.add('probe-read-kernel-size-zero', TRACEPOINT, [mov64(R3, R1), mov64(R1, R10), add64(R1, -8), mov64(R2, 0), call(113), ...ret()]);
  f.add('probe-read-kernel-size-negative', TRACEPOINT, [mov64(R3, R1), mov64(R1, R10), add64(R1, -8), mov64(R2, -1), call(113), ...ret()]);
  f.add('trace-printk-ok', TRACEPOINT, [lddw(R1, 0x0a6968n), stdw(R10, -8, R1), mov64(R1, R10), add64(R1, -8), mov64(R2, 8), call(6), ...ret()]);
  f.add('trace-printk-uninit-fmt', TRACEPOINT, [mov64(R1, R10), add64(R1, -8), mov64(R2, 8), call(6), ...ret()]);
  f.add('get-current-comm-ok', TRACEPOINT, [mov64(R1, R10), add64(R1, -16), mov64(R2, 16), call(16), ldxdw(R0, R10, -16), exit()]);
  f.add('skb-load-bytes-ok', SOCKET_FILTER, [mov64(R2, 0), mov64(R3, R10), add64(R3, -8), mov64(R4, 8), call(26), ldxdw(R0, R10, -8), exit()]);
  f.add('skb-load-bytes-too-long', SOCKET_FILTER, [mov64(R2, 0), mov64(R3, R10), add64(R3, -8), mov64(R4, 9), call(26), ...ret()]);
  f.add('skb-load-bytes-not-ctx', SOCKET_FILTER, [mov64(R1, R10), add64(R1, -16), mov64(R2, 0), mov64(R3, R10), add64(R3, -8), mov64(R4, 8), call(26), ...ret()]);
  f.add('result-used-as-pointer', TRACEPOINT, [call(7), ldxb(R0, R0, 0), exit()]);
  f.add('redirect-xdp', XDP, [mov64(R1, 1), mov64(R2, 0), call(23), exit()]);
  f.add('tail-call-ok', SOCKET_FILTER, [ldMapFd(R2, 'progs'), mov64(R3, 0), call(12), ...ret()], [{ name: 'progs', type: 3, keySize: 4, valueSize: 4, maxEntries: 4, flags: 0 }]);
  f.add('tail-call-wrong-map', SOCKET_FILTER, [ldMapFd(R2, 'm'), mov64(R3, 0), call(12), ...ret()], m);
  const rb = [ringbufMap('rb')];
  const reserve = (size: number): Insn[] => [ldMapFd(R1, 'rb'), mov64(R2, size), mov64(R3, 0), call(131)];
  f.add('ringbuf-ok', TRACEPOINT, [...reserve(8), jeq(R0, 0, 4), stdw(R0, 0, 1), mov64(R1, R0), mov64(R2, 0), call(132), ...ret()], rb);
  f.add('ringbuf-discard-ok', TRACEPOINT, [...reserve(8), jeq(R0, 0, 3), mov64(R1, R0), mov64(R2, 0), call(133), ...ret()], rb);
  f.add('ringbuf-leak', TRACEPOINT, [...reserve(8), jeq(R0, 0, 1), stdw(R0, 0, 1), ...ret()], rb);
  f.add('ringbuf-no-null-check', TRACEPOINT, [...reserve(8), stdw(R0, 0, 1), mov64(R1, R0), mov64(R2, 0), call(132), ...ret()], rb);
  f.add('ringbuf-write-past-end', TRACEPOINT, [...reserve(8), jeq(R0, 0, 4), stdw(R0, 4, 1), mov64(R1, R0), mov64(R2, 0), call(132), ...ret()], rb);
  f.add('ringbuf-double-submit', TRACEPOINT, [
    ...reserve(8), jeq(R0, 0, 7), mov64(R6, R0), mov64(R1, R6), mov64(R2, 0), call(132), mov64(R1, R6), mov64(R2, 0), call(132), ...ret(),
  ], rb);
  f.add('ringbuf-use-after-submit', TRACEPOINT, [
    ...reserve(8), jeq(R0, 0, 5), mov64(R6, R0), mov64(R1, R6), mov64(R2, 0), call(132), stdw(R6, 0, 1), ...ret(),
  ], rb);
  f.add('ringbuf-size-unknown', TRACEPOINT, [call(7), mov64(R2, R0), ldMapFd(R1, 'rb'), mov64(R3, 0), call(131), jeq(R0, 0, 3), mov64(R1, R0), mov64(R2, 0), call(132), ...ret()], rb);
  f.add('ringbuf-submit-stack', TRACEPOINT, [stdw(R10, -8, 0), mov64(R1, R10), add64(R1, -8), mov64(R2, 0), call(132), ...ret()], rb);
  f.add('ringbuf-output-ok', TRACEPOINT, [stdw(R10, -8, 1), ldMapFd(R1, 'rb'), mov64(R2, R10), add64(R2, -8), mov64(R3, 8), mov64(R4, 0), call(130), ...ret()], rb);
  return f;
}

/** Return value checks (cgroup_skb must return 0 or 1; others are free). */
export function retvalFamily(): Family {
  const f = new Family('retval');
  for (const [t, tn] of [[CGROUP_SKB, 'cgskb'], [XDP, 'xdp'], [TRACEPOINT, 'tp'], [SOCKET_FILTER, 'sk']] as const) {
    for (const v of [0, 1, 2, -1]) f.add(`${tn}-const-${v}`, t, ret(v));
    f.add(`${tn}-random`, t, [call(7), exit()]);
    f.add(`${tn}-random-and1`, t, [call(7), and64(R0, 1), exit()]);
    f.add(`${tn}-ctx-pointer`, t, [mov64(R0, R1), exit()]);
    f.add(`${tn}-alu32-upper`, t, [lddw(R0, 0x100000001n), mov32(R0, R0), exit()]);
  }
  return f;
}

/** Atomic operations on the stack, map values, context and packet. */
export function atomicFamily(): Family {
  const f = new Family('atomic');
  const m = [arrayMap('m', 16)];
  f.add('add-stack', SOCKET_FILTER, [stdw(R10, -8, 0), mov64(R1, 1), atomic(8, 'add', R10, -8, R1), ldxdw(R0, R10, -8), exit()]);
  f.add('add-stack-uninit', SOCKET_FILTER, [mov64(R1, 1), atomic(8, 'add', R10, -8, R1), ...ret()]);
  f.add('add-src-uninit', SOCKET_FILTER, [stdw(R10, -8, 0), atomic(8, 'add', R10, -8, R2), ...ret()]);
  f.add('fetch-add-stack', XDP, [stdw(R10, -8, 3), mov64(R1, 1), atomic(8, 'add', R10, -8, R1, true), mov64(R0, R1), exit()]);
  f.add('xchg-stack', XDP, [stdw(R10, -8, 3), mov64(R1, 1), atomic(8, 'xchg', R10, -8, R1), mov64(R0, R1), exit()]);
  f.add('cmpxchg-r0-uninit', TRACEPOINT, [stdw(R10, -8, 3), mov64(R1, 1), atomic(8, 'cmpxchg', R10, -8, R1), exit()]);
  f.add('cmpxchg-ok', TRACEPOINT, [stdw(R10, -8, 3), mov64(R0, 3), mov64(R1, 1), atomic(8, 'cmpxchg', R10, -8, R1), exit()]);
  f.add('add32-stack', TRACEPOINT, [stw(R10, -4, 0), mov64(R1, 1), atomic(4, 'add', R10, -4, R1), ...ret()]);
  f.add('add-stack-misaligned', TRACEPOINT, [stdw(R10, -16, 0), stdw(R10, -8, 0), mov64(R1, 1), atomic(8, 'add', R10, -12, R1), ...ret()]);
  f.add('or-map-value', TRACEPOINT, [...lookup('m'), jeq(R0, 0, 2), mov64(R1, 4), atomic(8, 'or', R0, 8, R1), ...ret()], m);
  f.add('or-map-value-oob', TRACEPOINT, [...lookup('m'), jeq(R0, 0, 2), mov64(R1, 4), atomic(8, 'or', R0, 12, R1), ...ret()], m);
  f.add('add-ctx', SOCKET_FILTER, [mov64(R2, 1), atomic(4, 'add', R1, 0, R2), ...ret()]);
  f.add('add-packet', XDP, [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 8), jlt(R3, R4, 2), mov64(R5, 1), atomic(8, 'add', R2, 0, R5), ...ret(2)]);
  f.add('store-pointer-to-map-value', TRACEPOINT, [...lookup('m'), jeq(R0, 0, 1), stdw(R0, 0, R10), ...ret()], m);
  f.add('xor-stack-then-read', SOCKET_FILTER, [stdw(R10, -8, 5), mov64(R1, 5), atomic(8, 'xor', R10, -8, R1), ldxdw(R0, R10, -8), xor64(R0, R0), exit()]);
  f.add('xchg-spilled-pointer', TRACEPOINT, [stdw(R10, -8, R1), mov64(R2, 1), atomic(8, 'xchg', R10, -8, R2), ...ret()]);
  return f;
}

/** Large programs: long straight lines and loops that process close to (or past) 1M instructions. */
export function largeFamily(): Family {
  const f = new Family('large');
  const straight = (n: number): Insn[] => {
    const out: Insn[] = [mov64(R0, 0)];
    for (let i = 0; i < n; i++) out.push(add64(R0, (i % 7) + 1));
    out.push(exit());
    return out;
  };
  f.add('straight-4096', SOCKET_FILTER, straight(4094));
  f.add('straight-100000', TRACEPOINT, straight(100000));
  for (const k of [100000, 250000, 330000, 333333, 340000]) f.add(`loop-${k}`, XDP, countUp(k));
  // Nested loops: outer 500 x inner 600 of a 3-instruction body.
  f.add('nested-500x600', TRACEPOINT, [
    mov64(R0, 0), mov64(R6, 0), mov64(R7, 0), add64(R7, 1), add64(R0, R7), jlt(R7, 600, -3), add64(R6, 1), jlt(R6, 500, -6), exit(),
  ]);
  f.add('nested-100x100', TRACEPOINT, [
    mov64(R0, 0), mov64(R6, 0), mov64(R7, 0), add64(R7, 1), add64(R0, R7), jlt(R7, 100, -3), add64(R6, 1), jlt(R6, 100, -6), exit(),
  ]);
  // Many independent branches: states multiply unless pruning merges them.
  const branches: Insn[] = [mov64(R6, R1), mov64(R0, 0)];
  for (let i = 0; i < 30; i++) branches.push(call(7), jeq(R0, 0, 1), mov64(R0, 1));
  branches.push(exit());
  f.add('branchy-30', TRACEPOINT, branches);
  void [R3, R4, R5];
  return f;
}
