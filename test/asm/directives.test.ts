import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { detectDialect } from '../../src/asm/dialect.js';
import { lexAsm } from '../../src/asm/lexer.js';
import { printProgram } from '../../src/asm/printer.js';
import { BPF_CGROUP_INET_INGRESS, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_XDP, encode } from '../../src/isa/index.js';

const XDP = `
.prog_type xdp
.license "GPL"
.name counter
.map counts, array, key=4, value=8, entries=1
.map seen, hash, key=8, value=8, entries=1024, flags=1
.func main
  r1 = 0
  *(u32 *)(r10 - 4) = r1
  r2 = r10
  r2 += -4
  r1 = map[counts] ll
  call bpf_map_lookup_elem
  if r0 == 0 goto out
  r1 = 1
  lock *(u64 *)(r0 + 0) += r1
out:
  r0 = 2 // XDP_PASS
  exit
`;

describe('directives', () => {
  it('describe a whole loadable program', () => {
    const p = assemble(XDP, { file: 'xdp.s' });
    expect(p.progType).toBe(BPF_PROG_TYPE_XDP);
    expect(p.license).toBe('GPL');
    expect(p.name).toBe('counter');
    expect(p.maps).toEqual([
      { name: 'counts', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
      { name: 'seen', type: BPF_MAP_TYPE_HASH, keySize: 8, valueSize: 8, maxEntries: 1024, flags: 1 },
    ]);
    expect(p.symbols).toEqual([{ name: 'main', insn: 0 }, { name: 'out', insn: 9 }]);
    expect(p.insns[4]).toEqual({ kind: 'lddw', dst: 1, src: 1, imm: 0n, map: 'counts' });
    expect(p.insns[6]).toMatchObject({ kind: 'jmp', op: 'jeq', off: 2 });
  });

  it('work the same in the mnemonic dialect', () => {
    const p = assemble('.prog_type cgroup_skb\n.attach_type cgroup_inet_ingress\n.license "Dual BSD/GPL"\n.map m, array, key=4, value=16, entries=4\nlddw %r1, map_value[m]+12\nmov %r0, 1\nexit\n');
    expect(p.progType).toBe(BPF_PROG_TYPE_CGROUP_SKB);
    expect(p.expectedAttachType).toBe(BPF_CGROUP_INET_INGRESS);
    expect(p.license).toBe('Dual BSD/GPL');
    expect(p.insns[0]).toEqual({ kind: 'lddw', dst: 1, src: 2, imm: 12n << 32n, map: 'm' });
  });

  it('map indices follow definition order, also for forward references', () => {
    const p = assemble('r1 = map[b] ll\nr2 = map_value[a] ll\n.map a, array, key=4, value=4, entries=1\n.map b, hash, key=4, value=4, entries=1\nexit');
    expect(p.insns.slice(0, 2).map((i) => (i.kind === 'lddw' ? [i.src, i.imm] : null))).toEqual([[1, 1n], [2, 0n]]);
  });

  it('printProgram writes them back: assemble(printProgram(p)) equals p', () => {
    for (const syntax of ['pseudo-c', 'mnemonic'] as const) {
      const p = assemble(XDP);
      const text = printProgram(p, { syntax, labels: true });
      const q = assemble(text);
      expect(q, text).toEqual(p);
      expect(encode(q.insns)).toEqual(encode(p.insns));
    }
  });

  it('.func and a label on the same instruction are one definition', () => {
    expect(assemble('.func f\nf:\nexit').symbols).toEqual([{ name: 'f', insn: 0 }]);
  });

  it('ignores .text and .globl', () => {
    expect(assemble('.text\n.globl prog\nprog:\nexit').insns).toHaveLength(1);
  });
});

describe('dialect detection', () => {
  const detect = (src: string) => detectDialect(src, lexAsm(src).tokens);
  it('sees %r registers or a mnemonic-only first word as mnemonic', () => {
    expect(detect('mov %r0, 1\nexit')).toBe('mnemonic');
    expect(detect('# c\nstart:\n  ja +0\nexit')).toBe('mnemonic');
    expect(detect('.license "GPL"\nlddw %r0, 1')).toBe('mnemonic');
  });
  it('defaults to pseudo-C', () => {
    expect(detect('r0 = 1\nexit')).toBe('pseudo-c');
    expect(detect('exit')).toBe('pseudo-c');
    expect(detect('call 1\nexit')).toBe('pseudo-c');
    expect(detect('r0 %= r1')).toBe('pseudo-c');
    expect(detect('')).toBe('pseudo-c');
  });
});
