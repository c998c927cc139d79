/**
 * Global data maps against the live kernel: writes into a BPF_F_RDONLY_PROG value (stores,
 * atomics, helpers), constants read from a frozen `.rodata` (bpf_map_direct_read: dead
 * branches pruned, stack offsets), and bpf_snprintf formats in `.rodata` (ARG_PTR_TO_CONST_STR).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { verify } from '../../src/verifier/index.js';
import { bpfUnavailableReason, kernelLoad } from './kernel/bpf.js';

const why = bpfUnavailableReason();
if (why) console.log(`skip: global data vs kernel: ${why}`);

const lines = (...l: string[]): string => l.join('\n');
const lookupKey = ['r1 = 0', '*(u32 *)(r10 - 4) = r1', 'r2 = r10', 'r2 += -4'];

/** Hand-written cases: name and socket_filter source. */
const CASES: Record<string, string> = {
  'store-reg': lines('.rodata msg, "hello"', 'r1 = map_value[msg] ll', 'r2 = 1', '*(u8 *)(r1 + 2) = r2', 'r0 = 0', 'exit'),
  'store-imm-offset': lines('.rodata msg, "hello"', 'r1 = map_value[msg] + 1 ll', '*(u32 *)(r1 + 0) = 7', 'r0 = 0', 'exit'),
  'store-data-ok': lines('.data cnt, u32 41', 'r1 = map_value[cnt] ll', '*(u32 *)(r1 + 0) = 7', 'r0 = 0', 'exit'),
  'atomic-add': lines('.rodata v, u64 0', 'r1 = map_value[v] ll', 'r2 = 1', 'lock *(u64 *)(r1 + 0) += r2', 'r0 = 0', 'exit'),
  'atomic-fetch': lines('.rodata v, u64 0', 'r1 = map_value[v] ll', 'r2 = 1', 'r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)', 'r0 = 0', 'exit'),
  'atomic-data-ok': lines('.data v, u64 0', 'r1 = map_value[v] ll', 'r2 = 1', 'lock *(u64 *)(r1 + 0) += r2', 'r0 = 0', 'exit'),
  'update-elem': lines('.rodata v, u64 0', ...lookupKey, 'r1 = 0', '*(u64 *)(r10 - 16) = r1', 'r1 = map[v] ll', 'r3 = r10', 'r3 += -16', 'r4 = 0', 'call bpf_map_update_elem', 'r0 = 0', 'exit'),
  'delete-elem': lines('.rodata v, u64 0', ...lookupKey, 'r1 = map[v] ll', 'call bpf_map_delete_elem', 'r0 = 0', 'exit'),
  'update-elem-data-ok': lines('.data v, u64 0', ...lookupKey, 'r1 = 0', '*(u64 *)(r10 - 16) = r1', 'r1 = map[v] ll', 'r3 = r10', 'r3 += -16', 'r4 = 0', 'call bpf_map_update_elem', 'r0 = 0', 'exit'),
  'update-value-from-rodata-ok': lines('.rodata v, u64 0', '.data d, u64 0', ...lookupKey, 'r1 = map[d] ll', 'r3 = map_value[v] ll', 'r4 = 0', 'call bpf_map_update_elem', 'r0 = 0', 'exit'),
  'lookup-then-store': lines('.rodata v, u64 0', ...lookupKey, 'r1 = map[v] ll', 'call bpf_map_lookup_elem', 'if r0 == 0 goto out', 'r1 = 1', '*(u64 *)(r0 + 0) = r1', 'out:', 'r0 = 0', 'exit'),
  'lookup-then-read-ok': lines('.rodata v, u64 0', ...lookupKey, 'r1 = map[v] ll', 'call bpf_map_lookup_elem', 'if r0 == 0 goto out', 'r0 = *(u64 *)(r0 + 0)', 'out:', 'r0 = 0', 'exit'),
  'probe-read-into': lines('.rodata v, u64 0', 'r1 = map_value[v] ll', 'r2 = 8', 'r3 = 0', 'call bpf_probe_read_kernel', 'r0 = 0', 'exit'),
  'probe-read-into-data-ok': lines('.data v, u64 0', 'r1 = map_value[v] ll', 'r2 = 8', 'r3 = 0', 'call bpf_probe_read_kernel', 'r0 = 0', 'exit'),
  'get-comm-into': lines('.rodata v, u64 0, u64 0', 'r1 = map_value[v] + 4 ll', 'r2 = 8', 'call bpf_get_current_comm', 'r0 = 0', 'exit'),
  'wronly-read': lines('.map w, array, key=4, value=8, entries=1, flags=256', 'r1 = map_value[w] ll', 'r0 = *(u32 *)(r1 + 4)', 'r0 = 0', 'exit'),
  'wronly-write-ok': lines('.map w, array, key=4, value=8, entries=1, flags=256', 'r1 = map_value[w] ll', '*(u32 *)(r1 + 4) = 1', 'r0 = 0', 'exit'),
  'wronly-helper-read': lines('.map w, array, key=4, value=8, entries=1, flags=256', '.data d, u64 0', ...lookupKey, 'r1 = map[d] ll', 'r3 = map_value[w] ll', 'r4 = 0', 'call bpf_map_update_elem', 'r0 = 0', 'exit'),
  'rdonly-not-frozen-store': lines('.map r, array, key=4, value=8, entries=1, flags=128', 'r1 = map_value[r] ll', '*(u32 *)(r1 + 0) = 1', 'r0 = 0', 'exit'),
  'rdonly-not-frozen-branch': lines('.map r, array, key=4, value=8, entries=1, flags=128', 'r1 = map_value[r] ll', 'r2 = *(u32 *)(r1 + 0)', 'if r2 == 0 goto ok', 'r0 = *(u64 *)(r10 + 8)', 'exit', 'ok:', 'r0 = 0', 'exit'),
  'rdonly-hash-store': lines('.map h, hash, key=4, value=8, entries=4, flags=128', ...lookupKey, 'r1 = map[h] ll', 'call bpf_map_lookup_elem', 'if r0 == 0 goto out', '*(u32 *)(r0 + 0) = 1', 'out:', 'r0 = 0', 'exit'),
  'branch-pruned': lines('.rodata v, u32 41', 'r1 = map_value[v] ll', 'r2 = *(u32 *)(r1 + 0)', 'if r2 == 41 goto ok', 'r0 = *(u64 *)(r10 + 8)', 'exit', 'ok:', 'r0 = 0', 'exit'),
  'branch-data-not-pruned': lines('.data v, u32 41', 'r1 = map_value[v] ll', 'r2 = *(u32 *)(r1 + 0)', 'if r2 == 41 goto ok', 'r0 = *(u64 *)(r10 + 8)', 'exit', 'ok:', 'r0 = 0', 'exit'),
  'branch-taken-wrong': lines('.rodata v, u32 40', 'r1 = map_value[v] ll', 'r2 = *(u32 *)(r1 + 0)', 'if r2 == 41 goto ok', 'r0 = *(u64 *)(r10 + 8)', 'exit', 'ok:', 'r0 = 0', 'exit'),
  'sign-extending-load': lines('.rodata v, u8 0xff, u8 0x80', 'r1 = map_value[v] ll', 'r2 = *(s8 *)(r1 + 0)', 'if r2 == -1 goto ok', 'r0 = *(u64 *)(r10 + 8)', 'exit', 'ok:', 'r0 = 0', 'exit'),
  'stack-offset-from-rodata': lines('.rodata v, u64 -8', 'r1 = map_value[v] ll', 'r2 = *(u64 *)(r1 + 0)', 'r3 = r10', 'r3 += r2', 'r1 = 0', '*(u64 *)(r3 + 0) = r1', 'r0 = *(u64 *)(r10 - 8)', 'exit'),
  'bounded-index-from-rodata': lines('.rodata v, u32 4, u32 0', 'r1 = map_value[v] ll', 'r2 = *(u32 *)(r1 + 0)', 'r1 += r2', 'r0 = *(u32 *)(r1 + 0)', 'exit'),
  'out-of-range-index-from-rodata': lines('.rodata v, u32 8, u32 0', 'r1 = map_value[v] ll', 'r2 = *(u32 *)(r1 + 0)', 'r1 += r2', 'r0 = *(u32 *)(r1 + 0)', 'exit'),
  'snprintf-ok': lines('.rodata fmt, "x %d %s %pI4 %%\\n"', '.license "GPL"', 'r1 = 0', '*(u64 *)(r10 - 24) = r1', '*(u64 *)(r10 - 32) = r1', '*(u64 *)(r10 - 40) = r1',
    'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] ll', 'r4 = r10', 'r4 += -40', 'r5 = 24', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'snprintf-too-few-args': lines('.rodata fmt, "x %d\\n"', '.license "GPL"', 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] ll', 'r4 = 0', 'r5 = 0', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'snprintf-bad-spec': lines('.rodata fmt, "x %q\\n"', '.license "GPL"', 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] ll', 'r4 = 0', 'r5 = 0', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'snprintf-not-terminated': lines('.rodata fmt, u8 120, u8 37, u8 100', '.license "GPL"', 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] ll', 'r4 = 0', 'r5 = 0', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'snprintf-fmt-in-data': lines('.data fmt, "x\\n"', '.license "GPL"', 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] ll', 'r4 = 0', 'r5 = 0', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'snprintf-fmt-offset': lines('.rodata fmt, "ab", "x %u\\n"', '.license "GPL"', 'r1 = 0', '*(u64 *)(r10 - 24) = r1', 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] + 3 ll', 'r4 = r10', 'r4 += -24', 'r5 = 8', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'snprintf-fmt-variable-offset': lines('.rodata fmt, "x\\n"', '.license "GPL"', 'call bpf_get_prandom_u32', 'r0 &= 1', 'r3 = map_value[fmt] ll', 'r3 += r0', 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r4 = 0', 'r5 = 0', 'call bpf_snprintf', 'r0 = 0', 'exit'),
  'trace-vprintk-rodata': lines('.rodata fmt, "x %d\\n"', '.license "GPL"', 'r1 = map_value[fmt] ll', 'r2 = 6', 'r3 = 0', 'r4 = 0', 'call bpf_trace_vprintk', 'r0 = 0', 'exit'),
  'trace-vprintk-stack': lines('.license "GPL"', 'r1 = 0x0a78', '*(u64 *)(r10 - 8) = r1', 'r1 = r10', 'r1 += -8', 'r2 = 3', 'r3 = 0', 'r4 = 0', 'call bpf_trace_vprintk', 'r0 = 0', 'exit'),
};

interface Row { name: string; kernel: string; ours: string }

function compare(name: string, source: string): Row {
  const p = assemble(source, { file: name });
  const k = kernelLoad(p, { progType: 1 });
  const r = verify(p, { progType: 1, logLevel: 0 });
  const block = errorBlock(k.log);
  const kernel = k.accepted ? 'accepted' : `rejected: ${block[0] ?? ''}`;
  const ours = r.verdict === 'accepted' ? 'accepted' : `rejected: ${block.includes(r.error?.message ?? '') ? block[0] : r.error?.message ?? ''}`;
  return { name, kernel, ours };
}

/** A format string from the characters bpf_bprintf_prepare cares about. */
const formatArb = fc.array(fc.constantFrom('%', '%', 'd', 's', 'l', 'p', 'I', 'i', '4', '6', 'x', 'X', 'c', 'u', 'k', 'K', 'B', 'S', ' ', '0', '-', '9', '.', 'h', 'q', '\n', '\t', '\x01', 'a'), { maxLength: 8 })
  .map((cs) => cs.join(''));
const asmString = (s: string): string => `"${[...s].map((c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '"' ? '\\"' : c === '\\' ? '\\\\' : c < ' ' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}"`;

function snprintfSource(fmt: string, args: number): string {
  return lines(`.rodata fmt, ${asmString(fmt)}`, '.license "GPL"', 'r1 = 0', '*(u64 *)(r10 - 24) = r1', '*(u64 *)(r10 - 32) = r1', '*(u64 *)(r10 - 40) = r1',
    'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = map_value[fmt] ll', 'r4 = r10', 'r4 += -40', `r5 = ${args * 8}`, 'call bpf_snprintf', 'r0 = 0', 'exit');
}

const LOADS = [['u8', 1], ['u16', 2], ['u32', 4], ['u64', 8], ['s8', 1], ['s16', 2], ['s32', 4]] as const;
const OPS = ['==', '!=', '>', '>=', '<', '<=', 's>', 's>=', 's<', 's<=', '&'];

/** A constant read from .rodata at some offset, compared with another; the fall-through reads outside the stack. */
function branchSource(bytes: number[], load: number, off: number, op: string, c: number): string {
  const [t, size] = LOADS[load]!;
  const o = Math.min(off, 8 - size);
  return lines(`.rodata v, ${bytes.map((b) => `u8 ${b}`).join(', ')}`, 'r1 = map_value[v] ll', `r2 = *(${t} *)(r1 + ${o})`, `if r2 ${op} ${c} goto ok`,
    'r0 = *(u64 *)(r10 + 8)', 'exit', 'ok:', 'r0 = 0', 'exit');
}

describe.skipIf(why !== null)('global data (.rodata / .data) vs kernel (live)', () => {
  let rows: Row[] = [];
  let formats: Row[] = [];
  let branches: Row[] = [];

  beforeAll(() => {
    rows = Object.entries(CASES).map(([n, s]) => compare(n, s));
    formats = fc.sample(fc.tuple(formatArb, fc.integer({ min: 0, max: 3 })), { numRuns: 400, seed: 20261122 })
      .map(([f, a], i) => compare(`format ${i} ${JSON.stringify(f)} args ${a}`, snprintfSource(f, a)));
    branches = fc.sample(fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 }), fc.nat(LOADS.length - 1), fc.nat(7),
      fc.constantFrom(...OPS), fc.oneof(fc.integer({ min: -2, max: 300 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }))), { numRuns: 300, seed: 20261122 })
      .map(([b, l, o, op, c], i) => compare(`branch ${i}`, branchSource(b, l, o, op, c)));
    const same = (rs: Row[]): string => `${rs.filter((r) => r.kernel === r.ours).length}/${rs.length}`;
    console.log(`  global data cases        ${same(rows)} same verdict and message`);
    console.log(`  snprintf formats (.rodata) ${same(formats)} (${formats.filter((r) => r.kernel === 'accepted').length} accepted by the kernel)`);
    console.log(`  .rodata constant branches ${same(branches)} (${branches.filter((r) => r.kernel === 'accepted').length} accepted by the kernel)`);
  }, 300_000);

  it('writes, constant reads and string arguments: same verdict and message as the kernel', () => {
    expect(rows.filter((r) => r.kernel !== r.ours)).toEqual([]);
    expect(rows.filter((r) => r.kernel.startsWith('rejected: write into map forbidden')).length).toBeGreaterThanOrEqual(7);
  });

  it('bpf_snprintf formats in .rodata: the kernel\'s verdict and message (bpf_bprintf_prepare)', () => {
    expect(formats.filter((r) => r.kernel !== r.ours)).toEqual([]);
    expect(formats.some((r) => r.kernel === 'accepted') && formats.some((r) => r.kernel !== 'accepted')).toBe(true);
  });

  it('branches on constants read from a frozen .rodata prune the same dead paths as the kernel', () => {
    expect(branches.filter((r) => r.kernel !== r.ours)).toEqual([]);
    expect(branches.some((r) => r.kernel === 'accepted') && branches.some((r) => r.kernel !== 'accepted')).toBe(true);
  });
});

/** The lines after the last instruction line of a kernel log, without the closing statistics. */
function errorBlock(log: string): string[] {
  const l = log.split('\n').filter((x) => x !== '' && !/^processed \d+ insns/.test(x) && !/^verification time/.test(x) && !/^stack depth/.test(x));
  let last = -1;
  l.forEach((x, i) => { if (/^\d+: /.test(x)) last = i; });
  return l.slice(last + 1);
}
