import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as helpers from '../../src/isa/helpers.js';
import * as attach from '../../src/isa/attach-types.js';
import { helperIdByName, helperName, helperNames } from '../../src/isa/helpers.js';
import { attachTypeName, attachTypeNames, parseAttachType } from '../../src/isa/attach-types.js';

/** Enumerators (name, value) of the named enums in a raw BTF blob, e.g. /sys/kernel/btf/vmlinux. */
function btfEnums(blob: Buffer, wanted: readonly string[]): Map<string, [string, number][]> {
  const out = new Map<string, [string, number][]>();
  if (blob.readUInt16LE(0) !== 0xeb9f) throw new Error('not a BTF blob (bad magic)');
  const hdrLen = blob.readUInt32LE(4);
  const typeStart = hdrLen + blob.readUInt32LE(8);
  const typeEnd = typeStart + blob.readUInt32LE(12);
  const strStart = hdrLen + blob.readUInt32LE(16);
  const str = (off: number): string => {
    const at = strStart + off;
    return blob.toString('latin1', at, blob.indexOf(0, at));
  };
  // Bytes that follow the 12-byte common header, per BTF kind: fixed part and per-member part.
  const extra: Record<number, [number, number]> = {
    1: [4, 0], 2: [0, 0], 3: [12, 0], 4: [0, 12], 5: [0, 12], 6: [0, 8], 7: [0, 0], 8: [0, 0], 9: [0, 0],
    10: [0, 0], 11: [0, 0], 12: [0, 0], 13: [0, 8], 14: [4, 0], 15: [0, 12], 16: [0, 0], 17: [4, 0],
    18: [0, 0], 19: [0, 12],
  };
  let p = typeStart;
  while (p < typeEnd) {
    const nameOff = blob.readUInt32LE(p);
    const info = blob.readUInt32LE(p + 4);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    p += 12;
    const size = extra[kind];
    if (size === undefined) throw new Error(`unknown BTF kind ${kind} at byte ${p - 12}`);
    if (kind === 6 && wanted.includes(str(nameOff))) {
      const members: [string, number][] = [];
      for (let i = 0; i < vlen; i++) members.push([str(blob.readUInt32LE(p + 8 * i)), blob.readInt32LE(p + 8 * i + 4)]);
      out.set(str(nameOff), members);
    }
    p += size[0] + size[1] * vlen;
  }
  return out;
}

const vmlinuxBtf = '/sys/kernel/btf/vmlinux';
const haveBtf = existsSync(vmlinuxBtf);
if (!haveBtf) console.log(`skip: ${vmlinuxBtf} is absent, helper and attach type tables not checked against the running kernel`);

describe('helper ids (enum bpf_func_id)', () => {
  it('has the kernel numbers for well-known helpers', () => {
    const anchors: [string, number][] = [
      ['bpf_map_lookup_elem', 1],
      ['bpf_map_update_elem', 2],
      ['bpf_ktime_get_ns', 5],
      ['bpf_trace_printk', 6],
      ['bpf_get_prandom_u32', 7],
      ['bpf_tail_call', 12],
      ['bpf_get_current_pid_tgid', 14],
      ['bpf_redirect', 23],
      ['bpf_perf_event_output', 25],
      ['bpf_probe_read_str', 45],
      ['bpf_probe_read_kernel', 113],
      ['bpf_ringbuf_output', 130],
      ['bpf_ringbuf_reserve', 131],
      ['bpf_for_each_map_elem', 164],
      ['bpf_loop', 181],
      ['bpf_kptr_xchg', 194],
      ['bpf_user_ringbuf_drain', 209],
      ['bpf_cgrp_storage_delete', 211],
    ];
    for (const [name, id] of anchors) {
      expect(helperIdByName(name), name).toBe(id);
      expect(helperName(id), `id ${id}`).toBe(name);
    }
    expect(helpers.BPF_FUNC_map_lookup_elem).toBe(1);
    expect(helpers.BPF_FUNC_tail_call).toBe(12);
    expect(helpers.BPF_FUNC_loop).toBe(181);
    expect(helpers.BPF_FUNC_MAX_ID).toBe(helperNames.length);
    expect(helperNames[0]).toBe('bpf_unspec');
  });

  it('has one BPF_FUNC_ constant per table entry, with the same number', () => {
    const consts = Object.entries(helpers).filter(([k]) => k.startsWith('BPF_FUNC_') && k !== 'BPF_FUNC_MAX_ID');
    expect(consts.length).toBe(helperNames.length);
    for (const [k, v] of consts) expect(helperNames[v as number], k).toBe(`bpf_${k.slice('BPF_FUNC_'.length)}`);
    expect(new Set(helperNames).size).toBe(helperNames.length);
  });

  it('round-trips name <-> id for every helper, with and without the bpf_ prefix', () => {
    for (let id = 1; id < helperNames.length; id++) {
      const name = helperName(id);
      expect(name, `id ${id}`).toBeDefined();
      expect(helperIdByName(name!)).toBe(id);
      expect(helperIdByName(name!.slice('bpf_'.length))).toBe(id);
    }
  });

  it('gives undefined for unspec, unknown names and ids out of range', () => {
    expect(helperIdByName('bpf_unspec')).toBeUndefined();
    expect(helperIdByName('unspec')).toBeUndefined();
    expect(helperName(0)).toBeUndefined();
    for (const bad of ['', 'bpf_', 'map_lookup', 'bpf_bpf_map_lookup_elem', 'BPF_MAP_LOOKUP_ELEM', 'constructor', '__proto__', 'length']) {
      expect(helperIdByName(bad), bad).toBeUndefined();
    }
    for (const id of [-1, helperNames.length, 1.5, Number.NaN, 2 ** 31]) expect(helperName(id), `${id}`).toBeUndefined();
    // Oracle: a linear scan of the table, against the lookup's map.
    const scan = (s: string): number | undefined => {
      const i = helperNames.findIndex((n, id) => id > 0 && (n === s || n === `bpf_${s}`));
      return i > 0 ? i : undefined;
    };
    const names = fc.constantFrom(...helperNames, ...helperNames.map((n) => n.slice('bpf_'.length)));
    fc.assert(
      fc.property(fc.oneof(fc.string(), names, fc.tuple(names, fc.string()).map(([a, b]) => a + b)), (s) => {
        expect(helperIdByName(s)).toBe(scan(s));
      }),
    );
    fc.assert(
      fc.property(fc.integer(), (id) => {
        expect(helperName(id)).toBe(id >= 1 && id < helperNames.length ? helperNames[id] : undefined);
      }),
    );
  });
});

describe('attach types (enum bpf_attach_type)', () => {
  it('has the kernel numbers for well-known attach types', () => {
    const anchors: [string, number][] = [
      ['cgroup_inet_ingress', 0],
      ['cgroup_inet_egress', 1],
      ['cgroup_sock_ops', 3],
      ['sk_msg_verdict', 7],
      ['cgroup_sysctl', 18],
      ['trace_raw_tp', 23],
      ['trace_fentry', 24],
      ['lsm_mac', 27],
      ['xdp', 37],
      ['perf_event', 41],
      ['netfilter', 45],
      ['tcx_ingress', 46],
      ['netkit_primary', 54],
      ['trace_uprobe_session', 57],
    ];
    for (const [name, value] of anchors) {
      expect(parseAttachType(name), name).toBe(value);
      expect(attachTypeName(value)).toBe(name);
    }
    expect(attach.BPF_CGROUP_INET_INGRESS).toBe(0);
    expect(attach.BPF_TRACE_RAW_TP).toBe(23);
    expect(attach.BPF_XDP).toBe(37);
    expect(attach.BPF_TCX_EGRESS).toBe(47);
  });

  it('has one BPF_ constant per table entry, with the same number', () => {
    const consts = Object.entries(attach).filter(([k]) => k.startsWith('BPF_'));
    expect(consts.length).toBe(attachTypeNames.length);
    for (const [k, v] of consts) expect(attachTypeNames[v as number], k).toBe(k.slice('BPF_'.length).toLowerCase());
    expect(new Set(attachTypeNames).size).toBe(attachTypeNames.length);
  });

  it('round-trips name <-> value for every entry, prefix- and case-insensitively', () => {
    attachTypeNames.forEach((name, value) => {
      expect(attachTypeName(value)).toBe(name);
      expect(parseAttachType(name)).toBe(value);
      expect(parseAttachType(`BPF_${name.toUpperCase()}`)).toBe(value);
      expect(parseAttachType(`bpf_${name}`)).toBe(value);
    });
  });

  it('gives undefined / #N for unknown names and values', () => {
    for (const bad of ['', 'bpf_', 'xdp2', 'bpf_bpf_xdp', 'constructor']) expect(parseAttachType(bad), bad).toBeUndefined();
    expect(attachTypeName(attachTypeNames.length)).toBe(`#${attachTypeNames.length}`);
    expect(attachTypeName(-1)).toBe('#-1');
  });
});

describe.skipIf(!haveBtf)('tables against the running kernel (vmlinux BTF)', () => {
  const enums = haveBtf ? btfEnums(readFileSync(vmlinuxBtf), ['bpf_func_id', 'bpf_attach_type']) : new Map<string, [string, number][]>();

  it('every helper id the kernel knows has our name, and we know no id the kernel lacks', () => {
    const kernel = (enums.get('bpf_func_id') ?? []).filter(([n]) => n.startsWith('BPF_FUNC_'));
    expect(kernel.length).toBeGreaterThan(100);
    for (const [n, v] of kernel) if (v < helperNames.length) expect(helperNames[v], n).toBe(`bpf_${n.slice('BPF_FUNC_'.length)}`);
    expect(helperNames.length).toBeLessThanOrEqual(kernel.length);
  });

  it('every attach type the kernel knows has our name, and we know none the kernel lacks', () => {
    const kernel = (enums.get('bpf_attach_type') ?? []).filter(([n]) => !n.startsWith('__'));
    expect(kernel.length).toBeGreaterThan(40);
    for (const [n, v] of kernel) if (v < attachTypeNames.length) expect(attachTypeNames[v], n).toBe(n.slice('BPF_'.length).toLowerCase());
    expect(attachTypeNames.length).toBeLessThanOrEqual(kernel.length);
  });
});
