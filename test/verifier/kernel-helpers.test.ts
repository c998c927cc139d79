/**
 * Helpers per program type, privileged, against the live kernel: which (program type, helper)
 * pairs get "program of this type cannot use helper", the packet helpers used correctly, and a
 * packet pointer kept across a helper that may move packet data (bpf_helper_changes_pkt_data).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { decode } from '../../src/isa/decode.js';
import { helperAllowed, helperArgs, helperProto, helperProtos, type HelperArg } from '../../src/isa/helper-protos.js';
import { helperName } from '../../src/isa/index.js';
import { programOf, type Program } from '../../src/isa/program.js';
import { verify } from '../../src/verifier/index.js';
import { REPO_ROOT } from './corpus.js';
import { bpfUnavailableReason, kernelLoad } from './kernel/bpf.js';

const why = bpfUnavailableReason();
if (why) console.log(`skip: helper availability vs kernel: ${why}`);

/** The program types the verifier models (context.ts). */
const TYPES: Record<number, string> = { 1: 'socket_filter', 2: 'kprobe', 3: 'sched_cls', 4: 'sched_act', 5: 'tracepoint', 6: 'xdp', 8: 'cgroup_skb' };
const MAX_ID = 211;
/** Helper names without the bpf_ prefix to ids. */
const HELPER_IDS: Record<string, number> = Object.fromEntries(Array.from({ length: MAX_ID }, (_, i) => [String(helperName(i + 1) ?? '').replace(/^bpf_/, ''), i + 1]));

/** `call id; r0 = 0; exit`: the kernel checks availability before any argument. */
function callOnly(id: number, progType: number): Program {
  const b = new Uint8Array(24);
  b[0] = 0x85;
  new DataView(b.buffer).setInt32(4, id, true);
  b[8] = 0xb7;
  b[16] = 0x95;
  return programOf(decode(b), { progType, license: 'GPL' });
}

const refused = (text: string): boolean => /cannot use helper|unknown func/.test(text);

/** sched_cls helpers that take the skb and plain scalars: name and the scalar arguments r2... */
const TC_HELPERS: [string, number[]][] = [
  ['l3_csum_replace', [0, 0, 0, 2]], ['l4_csum_replace', [0, 0, 0, 2]], ['clone_redirect', [1, 0]],
  ['skb_vlan_push', [0x8100, 1]], ['skb_vlan_pop', []], ['skb_change_proto', [8, 0]], ['skb_change_type', [0]],
  ['skb_change_tail', [64, 0]], ['skb_pull_data', [0]], ['csum_update', [0]], ['set_hash_invalid', []],
  ['skb_change_head', [0, 0]], ['set_hash', [0]], ['skb_adjust_room', [0, 0, 0]], ['csum_level', [0]],
  ['get_route_realm', []], ['skb_store_bytes', []], ['get_hash_recalc', []], ['redirect', [1, 0]],
  ['skb_get_tunnel_key', []], ['skb_set_tunnel_key', []], ['skb_get_tunnel_opt', []], ['skb_set_tunnel_opt', []],
  ['skb_get_xfrm_state', []], ['skb_load_bytes_relative', []], ['skb_cgroup_id', []], ['skb_ancestor_cgroup_id', [0]],
  ['skb_ecn_set_ce', []], ['skb_cgroup_classid', []], ['skb_set_tstamp', [0, 0]], ['redirect_neigh', []], ['redirect_peer', [1, 0]],
];

/** Argument set-up for a prototype: ctx from r6, memory on the stack (fp-16, 8 bytes, initialised), sizes 8. */
function argsFor(args: readonly HelperArg[]): string[] | null {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const r = `r${i + 1}`;
    switch (args[i]) {
      case 'ARG_PTR_TO_CTX': case 'ARG_PTR_TO_CTX_OR_NULL': out.push(`${r} = r6`); break;
      case 'ARG_ANYTHING': out.push(`${r} = 0`); break;
      case 'ARG_PTR_TO_UNINIT_MEM': case 'ARG_PTR_TO_MEM_RDONLY': case 'ARG_PTR_TO_MEM_OR_NULL': case 'ARG_PTR_TO_MEM_RDONLY_OR_NULL':
        out.push(`${r} = r10`, `${r} += -16`); break;
      case 'ARG_CONST_SIZE': case 'ARG_CONST_SIZE_OR_ZERO': out.push(`${r} = 8`); break;
      case 'ARG_PTR_TO_LONG': out.push(`${r} = r10`, `${r} += -24`); break;
      default: return null;
    }
  }
  return out;
}

/** Every modelled helper without map, callback, ringbuf or string arguments, called plainly in every modelled type that has it. */
function protoCases(): Case[] {
  const out: Case[] = [];
  for (const p of helperProtos()) {
    const name = helperName(p.id);
    if (!name) continue;
    for (const [t, tn] of Object.entries(TYPES)) {
      const a = argsFor(helperArgs(p, Number(t)));
      if (!a || !helperAllowed(p, Number(t))) continue;
      out.push({ name: `${tn}/${name.replace(/^bpf_/, '')}/proto`, source: [`.prog_type ${tn}`, '.license "GPL"', 'r6 = r1', 'r1 = 0', '*(u64 *)(r10 - 16) = r1', ...a, `call ${name}`, 'r0 = 0', 'exit'].join('\n') });
    }
  }
  return out;
}

/** The call with its arguments set up (r6 = ctx, fp-8 initialised). */
function callText(name: string, args: number[]): string[] {
  if (name === 'skb_store_bytes') return ['r1 = r6', 'r2 = 0', 'r3 = r10', 'r3 += -8', 'r4 = 4', 'r5 = 0', `call bpf_${name}`];
  if (name === 'csum_diff') return ['r1 = r10', 'r1 += -8', 'r2 = 8', 'r3 = 0', 'r4 = 0', 'r5 = 0', `call bpf_${name}`];
  if (name === 'redirect' || name === 'redirect_peer') return ['r1 = 1', 'r2 = 0', `call bpf_${name}`];
  const p = helperProto(Number(Object.entries(HELPER_IDS).find(([n]) => n === name)?.[1] ?? -1));
  const a = p ? argsFor(p.args) : null;
  if (a && p!.args.some((x) => x !== 'ARG_PTR_TO_CTX' && x !== 'ARG_ANYTHING')) return [...a.map((l) => l.replace('-16', '-8')), `call bpf_${name}`];
  return ['r1 = r6', ...args.map((v, i) => `r${i + 2} = ${v}`), `call bpf_${name}`];
}

interface Case { readonly name: string; readonly source: string }

function cases(): Case[] {
  const out: Case[] = [];
  const tc = [...TC_HELPERS, ['csum_diff', []] as [string, number[]]];
  for (const [type, data, end] of [['sched_cls', 76, 80], ['sched_act', 76, 80], ['xdp', 0, 4]] as const) {
    const helpers: [string, number[]][] = type === 'xdp'
      ? [['csum_diff', []], ['xdp_adjust_head', [4]], ['xdp_adjust_tail', [0]], ['redirect', [1, 0]], ['xdp_get_buff_len', []], ['xdp_load_bytes', []], ['xdp_store_bytes', []]]
      : tc;
    for (const [name, args] of helpers) {
      const head = [`.prog_type ${type}`, 'r6 = r1', 'r1 = 0', '*(u64 *)(r10 - 8) = r1'];
      const check = [`r7 = *(u32 *)(r6 + ${data})`, `r8 = *(u32 *)(r6 + ${end})`, 'r2 = r7', 'r2 += 8', 'if r2 > r8 goto out'];
      const tail = ['out:', 'r0 = 0', 'exit'];
      out.push({ name: `${type}/${name}/plain`, source: [...head, ...callText(name, args), 'r0 = 0', 'exit'].join('\n') });
      // A packet pointer checked before the call and read after it.
      out.push({ name: `${type}/${name}/stale`, source: [...head, ...check, ...callText(name, args), 'r0 = *(u8 *)(r7 + 0)', ...tail].join('\n') });
      // The same, with data and data_end loaded again after the call.
      out.push({ name: `${type}/${name}/reload`, source: [...head, ...callText(name, args), ...check, 'r0 = *(u8 *)(r7 + 0)', ...tail].join('\n') });
    }
    // csum_diff straight from the packet (pkt_access), and with NULL buffers of size 0.
    out.push({ name: `${type}/csum_diff/packet`, source: [`.prog_type ${type}`, 'r6 = r1', `r7 = *(u32 *)(r6 + ${data})`, `r8 = *(u32 *)(r6 + ${end})`, 'r2 = r7', 'r2 += 8', 'if r2 > r8 goto out', 'r1 = r7', 'r2 = 8', 'r3 = 0', 'r4 = 0', 'r5 = 0', 'call bpf_csum_diff', 'out:', 'r0 = 0', 'exit'].join('\n') });
    out.push({ name: `${type}/csum_diff/packet-too-far`, source: [`.prog_type ${type}`, 'r6 = r1', `r7 = *(u32 *)(r6 + ${data})`, `r8 = *(u32 *)(r6 + ${end})`, 'r2 = r7', 'r2 += 8', 'if r2 > r8 goto out', 'r1 = r7', 'r2 = 12', 'r3 = 0', 'r4 = 0', 'r5 = 0', 'call bpf_csum_diff', 'out:', 'r0 = 0', 'exit'].join('\n') });
    out.push({ name: `${type}/csum_diff/null-nonzero`, source: [`.prog_type ${type}`, 'r1 = 0', 'r2 = 4', 'r3 = 0', 'r4 = 0', 'r5 = 0', 'call bpf_csum_diff', 'r0 = 0', 'exit'].join('\n') });
    out.push({ name: `${type}/csum_diff/uninit-stack`, source: [`.prog_type ${type}`, 'r1 = r10', 'r1 += -16', 'r2 = 16', 'r3 = 0', 'r4 = 0', 'r5 = 0', 'call bpf_csum_diff', 'r0 = 0', 'exit'].join('\n') });
  }
  // Helpers taking a map: the right map type, a wrong one, and the map with a helper it refuses.
  const key = ['r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r2 = r10', 'r2 += -8'];
  const mapCase = (name: string, type: string, map: string, body: string[]): void => {
    out.push({ name: `${type}/${name}`, source: [`.prog_type ${type}`, '.license "GPL"', map, 'r6 = r1', ...body, 'r0 = 0', 'exit'].join('\n') });
  };
  const maps: Record<string, string> = {
    perf: '.map m, perf_event_array, key=4, value=4, entries=4', stack: '.map m, stack_trace, key=4, value=64, entries=16',
    cgroup: '.map m, cgroup_array, key=4, value=4, entries=4', devmap: '.map m, devmap, key=4, value=4, entries=4',
    devmap_hash: '.map m, devmap_hash, key=4, value=4, entries=4', cpumap: '.map m, cpumap, key=4, value=4, entries=4',
    pcpu: '.map m, percpu_array, key=4, value=8, entries=4', pcpuhash: '.map m, percpu_hash, key=4, value=8, entries=4',
    array: '.map m, array, key=4, value=8, entries=4', hash: '.map m, hash, key=4, value=8, entries=4',
  };
  for (const [mk, map] of Object.entries(maps)) {
    mapCase(`perf_event_read/${mk}`, 'kprobe', map, ['r1 = map[m] ll', 'r2 = 0', 'call bpf_perf_event_read']);
    mapCase(`perf_event_read_value/${mk}`, 'socket_filter', map, ['r1 = map[m] ll', 'r2 = 0', 'r3 = r10', 'r3 += -16', 'r4 = 16', 'call bpf_perf_event_read_value']);
    mapCase(`get_stackid/${mk}`, 'tracepoint', map, ['r1 = r6', 'r2 = map[m] ll', 'r3 = 0', 'call bpf_get_stackid']);
    mapCase(`current_task_under_cgroup/${mk}`, 'kprobe', map, ['r1 = map[m] ll', 'r2 = 0', 'call bpf_current_task_under_cgroup']);
    mapCase(`skb_under_cgroup/${mk}`, 'sched_cls', map, ['r1 = r6', 'r2 = map[m] ll', 'r3 = 0', 'call bpf_skb_under_cgroup']);
    mapCase(`redirect_map/${mk}`, 'xdp', map, ['r1 = map[m] ll', 'r2 = 0', 'r3 = 0', 'call bpf_redirect_map']);
    mapCase(`lookup/${mk}`, 'xdp', map, [...key, 'r1 = map[m] ll', 'call bpf_map_lookup_elem']);
    mapCase(`lookup_percpu/${mk}`, 'sched_cls', map, [...key, 'r1 = map[m] ll', 'r3 = 0', 'call bpf_map_lookup_percpu_elem', 'if r0 == 0 goto out', 'r0 = *(u64 *)(r0 + 0)', 'out:']);
    mapCase(`lookup_percpu_nonnull/${mk}`, 'sched_cls', map, [...key, 'r1 = map[m] ll', 'r3 = 0', 'call bpf_map_lookup_percpu_elem', 'r0 = *(u64 *)(r0 + 0)']);
  }
  out.push({ name: 'kprobe/strncmp/rodata', source: ['.prog_type kprobe', '.rodata s, "abc"', 'r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r1 = r10', 'r1 += -8', 'r2 = 4', 'r3 = map_value[s] ll', 'call bpf_strncmp', 'r0 = 0', 'exit'].join('\n') });
  out.push({ name: 'kprobe/strncmp/stack', source: ['.prog_type kprobe', 'r1 = 0', '*(u64 *)(r10 - 8) = r1', 'r1 = r10', 'r1 += -8', 'r2 = 4', 'r3 = r10', 'r3 += -8', 'call bpf_strncmp', 'r0 = 0', 'exit'].join('\n') });
  for (const t of ['socket_filter', 'sched_cls', 'cgroup_skb']) {
    out.push({ name: `${t}/get_netns_cookie/null`, source: [`.prog_type ${t}`, 'r1 = 0', 'call bpf_get_netns_cookie', 'r0 = 0', 'exit'].join('\n') });
    out.push({ name: `${t}/get_netns_cookie/scalar`, source: [`.prog_type ${t}`, 'r1 = 1', 'call bpf_get_netns_cookie', 'r0 = 0', 'exit'].join('\n') });
  }
  for (const t of ['socket_filter', 'kprobe', 'sched_cls', 'sched_act', 'xdp', 'cgroup_skb']) {
    out.push({ name: `${t}/get_cgroup_classid/scalar`, source: [`.prog_type ${t}`, 'r1 = 1', 'call bpf_get_cgroup_classid', 'r0 = 0', 'exit'].join('\n') });
  }
  // strtol's result: stack (aligned or not, initialised or not), a map value, a read-only map value, a packet.
  const strtol = (name: string, type: string, pre: string[], r4: string[]): void => {
    out.push({ name: `${type}/strtol/${name}`, source: [`.prog_type ${type}`, '.license "GPL"', 'r6 = r1', 'r1 = 0x31', '*(u64 *)(r10 - 8) = r1', ...pre, 'r1 = r10', 'r1 += -8', 'r2 = 2', 'r3 = 0', ...r4, 'call bpf_strtol', 'r0 = 0', 'exit'].join('\n') });
  };
  strtol('uninit-stack', 'socket_filter', [], ['r4 = r10', 'r4 += -16']);
  strtol('misaligned-stack', 'socket_filter', [], ['r4 = r10', 'r4 += -20']);
  strtol('stack-oob', 'socket_filter', [], ['r4 = r10', 'r4 += -4']);
  strtol('map-value', 'socket_filter', ['.data d, u64 0, u64 0'], ['r4 = map_value[d] ll']);
  strtol('map-value-misaligned', 'socket_filter', ['.data d, u64 0, u64 0'], ['r4 = map_value[d] + 4 ll']);
  strtol('map-value-oob', 'socket_filter', ['.data d, u64 0'], ['r4 = map_value[d] + 4 ll']);
  strtol('rodata', 'kprobe', ['.rodata d, u64 0'], ['r4 = map_value[d] ll']);
  strtol('scalar', 'kprobe', [], ['r4 = 0']);
  strtol('packet', 'sched_cls', [], ['r4 = *(u32 *)(r6 + 76)', 'r5 = *(u32 *)(r6 + 80)', 'r0 = r4', 'r0 += 8', 'if r0 > r5 goto +0']);
  // A context argument that is not the context.
  out.push({ name: 'sched_cls/skb_change_tail/not-ctx', source: ['.prog_type sched_cls', 'r1 = r10', 'r2 = 64', 'r3 = 0', 'call bpf_skb_change_tail', 'r0 = 0', 'exit'].join('\n') });
  out.push({ name: 'sched_cls/l3_csum_replace/r5-uninit', source: ['.prog_type sched_cls', 'r2 = 0', 'r3 = 0', 'r4 = 0', 'call bpf_l3_csum_replace', 'r0 = 0', 'exit'].join('\n') });
  out.push({ name: 'socket_filter/skb_change_tail/refused', source: ['.prog_type socket_filter', 'r2 = 64', 'r3 = 0', 'call bpf_skb_change_tail', 'r0 = 0', 'exit'].join('\n') });
  return out;
}

interface PairRow { type: number; id: number; kernel: boolean; ours: boolean; modelled: boolean }
interface CaseRow { name: string; kernel: string; ours: string; same: boolean }

const PROG_TYPE_NUM: Record<string, number> = Object.fromEntries(Object.entries(TYPES).map(([t, n]) => [n, Number(t)]));

describe.skipIf(why !== null)('helpers per program type vs kernel (live, privileged)', () => {
  let pairs: PairRow[] = [];
  let rows: CaseRow[] = [];

  beforeAll(() => {
    for (const type of Object.keys(TYPES).map(Number)) {
      for (let id = 1; id <= MAX_ID; id++) {
        const p = callOnly(id, type);
        const k = kernelLoad(p, { progType: type });
        const r = verify(p, { progType: type, logLevel: 0 });
        pairs.push({ type, id, kernel: !refused(k.log), ours: !refused(r.error?.message ?? ''), modelled: helperProto(id) !== undefined });
      }
    }
    rows = [...cases(), ...protoCases()].map((c) => {
      const p = assemble(c.source, { file: c.name });
      const type = PROG_TYPE_NUM[c.name.split('/')[0]!]!;
      const k = kernelLoad(p, { progType: type });
      const r = verify(p, { progType: type, logLevel: 0 });
      const kernel = k.accepted ? 'accepted' : `rejected: ${errorBlock(k.log)[0] ?? ''}`;
      const ours = r.verdict === 'accepted' ? 'accepted' : `rejected: ${r.error?.message ?? ''}`;
      const same = k.accepted === (r.verdict === 'accepted') && (k.accepted || errorBlock(k.log).includes(r.error?.message ?? ''));
      return { name: c.name, kernel, ours, same };
    });
    const diff = pairs.filter((p) => p.kernel !== p.ours);
    const unmodelled = diff.filter((p) => !p.modelled);
    console.log(`  helper availability (privileged)  ${pairs.length - diff.length}/${pairs.length} (type, helper 1..${MAX_ID}) pairs agree; ${unmodelled.length} differ only because we have no prototype for the helper`);
    console.log(`  helper programs                   ${rows.filter((r) => r.same).length}/${rows.length} same verdict and message`);
    const byType = Object.entries(TYPES).map(([t, n]) => {
      const ids = unmodelled.filter((p) => p.type === Number(t)).map((p) => `${helperName(p.id) ?? 'unknown'}#${p.id}`);
      return `- ${n} (${ids.length}): ${ids.join(', ') || 'none'}`;
    });
    writeFileSync(join(REPO_ROOT, 'test/verifier/helper-disagreements.md'), [
      '# Helpers per program type: verify() vs the kernel (privileged)',
      '',
      'Generated by `kernel-helpers.test.ts`; do not edit.',
      '',
      `- (program type, helper 1..${MAX_ID}) pairs with the same availability: ${pairs.length - diff.length}/${pairs.length}`,
      `- helper programs (packet helpers used correctly, stale packet pointers, bad arguments): ${rows.filter((r) => r.same).length}/${rows.length} same verdict and message`,
      '',
      '## Helpers the kernel allows that our model has no prototype for (we refuse them)',
      '',
      ...byType,
      '',
      '## Helper programs that differ',
      '',
      ...(rows.some((r) => !r.same) ? rows.filter((r) => !r.same).map((r) => `- ${r.name}: kernel ${r.kernel}; ours ${r.ours}`) : ['none']),
      '',
    ].join('\n'));
  }, 300_000);

  it('every helper we have a prototype for is available exactly where the kernel allows it', () => {
    expect(pairs.filter((p) => p.modelled && p.kernel !== p.ours).map((p) => `${TYPES[p.type]}: ${helperName(p.id)}#${p.id} (kernel ${p.kernel ? 'allows' : 'refuses'})`)).toEqual([]);
  });

  it('we never allow a helper the kernel refuses', () => {
    expect(pairs.filter((p) => p.ours && !p.kernel).map((p) => `${p.type}/${p.id}`)).toEqual([]);
  });

  it('packet helpers used correctly, after a stale packet pointer and with bad arguments: same verdict and message', () => {
    expect(rows.filter((r) => !r.same).map((r) => `${r.name}: kernel ${r.kernel}; ours ${r.ours}`)).toEqual([]);
  });

  it('a packet pointer does not survive a helper that changes packet data (the kernel rejects the stale read)', () => {
    const stale = rows.filter((r) => r.name.endsWith('/stale'));
    expect(stale.filter((r) => r.kernel !== 'accepted').length).toBeGreaterThan(10);
    expect(stale.filter((r) => r.kernel === 'accepted').length).toBeGreaterThan(3);
  });
});

/** The lines after the last instruction line of a kernel log, without the closing statistics. */
function errorBlock(log: string): string[] {
  const lines = log.split('\n').filter((l) => l !== '' && !/^processed \d+ insns/.test(l) && !/^verification time/.test(l) && !/^stack depth/.test(l));
  let last = -1;
  lines.forEach((l, i) => { if (/^\d+: /.test(l)) last = i; });
  return lines.slice(last + 1);
}
