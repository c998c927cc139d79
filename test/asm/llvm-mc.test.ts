import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { encode } from '../../src/isa/index.js';
import { have } from '../tools.js';

const llvm = have('llvm-mc') && have('llvm-objcopy');
if (!llvm) console.log('skip: llvm-mc / llvm-objcopy not installed, no differential test against LLVM');

/** A small deterministic PRNG (mulberry32), so the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every pseudo-C form LLVM 14's BPF assembler accepts, with varied registers and values. */
function corpus(): string[] {
  const r = rng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const reg = () => Math.floor(r() * 11);
  const imm = () => pick([0, 1, -1, 42, 0x7fffffff, -0x80000000, Math.floor(r() * 2 ** 32) - 2 ** 31, Math.floor(r() * 1000) - 500]);
  const hexImm = () => `0x${Math.floor(r() * 2 ** 32).toString(16)}`;
  const off = () => pick([0, 1, -1, 8, -8, 32767, -32768, Math.floor(r() * 65536) - 32768]);
  const mem = (base: number, o: number) => `(r${base} ${o < 0 ? '-' : '+'} ${Math.abs(o)})`;
  const sized = ['u8', 'u16', 'u32', 'u64'];
  const lines: string[] = [];
  const alu = ['+=', '-=', '*=', '/=', '|=', '&=', '<<=', '>>=', 's>>=', '^=', '='];
  const cmp = ['==', '!=', '>', '>=', '<', '<=', 's>', 's>=', 's<', 's<='];
  for (let k = 0; k < 3; k++) {
    for (const op of alu) {
      lines.push(`r${reg()} ${op} r${reg()}`, `r${reg()} ${op} ${imm()}`, `w${reg()} ${op} w${reg()}`, `w${reg()} ${op} ${imm()}`);
    }
    lines.push(`r${reg()} = ${hexImm()}`, `w${reg()} = ${hexImm()}`);
    const n = reg();
    lines.push(`r${n} = -r${n}`, `w${n} = -w${n}`);
    for (const v of ['0x1122334455667788', '-1', '0xffffffffffffffff', '-9223372036854775808', `${Math.floor(r() * 2 ** 52)}`, '0']) {
      lines.push(`r${reg()} = ${v} ll`);
    }
    for (const s of sized) {
      lines.push(`r${reg()} = *(${s} *)${mem(reg(), off())}`, `*(${s} *)${mem(reg(), off())} = r${reg()}`);
      if (s !== 'u64') lines.push(`w${reg()} = *(${s} *)${mem(reg(), off())}`, `*(${s} *)${mem(reg(), off())} = w${reg()}`);
    }
    for (const s of ['u8', 'u16', 'u32']) lines.push(`r0 = *(${s} *)skb[${Math.floor(r() * 2 ** 31)}]`, `r0 = *(${s} *)skb[r${reg()}]`);
    for (const c of cmp) {
      lines.push(`if r${reg()} ${c} r${reg()} goto ${pick(['+', '-'])}${Math.floor(r() * 32768)}`);
      lines.push(`if r${reg()} ${c} ${imm()} goto +${Math.floor(r() * 100)}`);
      lines.push(`if w${reg()} ${c} w${reg()} goto -${Math.floor(r() * 100)}`);
      lines.push(`if w${reg()} ${c} ${imm()} goto L${k}`);
    }
    lines.push(`goto +${Math.floor(r() * 32767)}`, `goto -${Math.floor(r() * 32768)}`, `goto L${k}`);
    // The other notations llvm-mc reads: octal with a leading 0, binary with 0b.
    for (let q = 0; q < 4; q++) {
      const o = Math.floor(r() * 0o77777);
      lines.push(
        `r${reg()} = 0${o.toString(8)}`, `w${reg()} += -0${o.toString(8)}`, `r${reg()} &= 0b${o.toString(2)}`,
        `r${reg()} = *(u32 *)(r${reg()} - 0${o.toString(8)})`, `if r${reg()} > 0b${o.toString(2)} goto +0${(o % 512).toString(8)}`,
      );
    }
    // Constants and constant expressions in immediates (GNU precedence, 64-bit arithmetic,
    // signed / and %, logical >>).
    const c = Math.floor(r() * 10000) - 5000; // small: we reject what llvm-mc would wrap
    lines.push(
      `.set C${k}, ${c}`, `.equ D${k}, C${k} * 3 + ${Math.floor(r() * 100)}`,
      `r${reg()} = C${k}`, `w${reg()} += C${k} & 0xffff`, `r${reg()} -= D${k} - C${k} * 2`,
      `r${reg()} = 1 << ${Math.floor(r() * 31)} | ${Math.floor(r() * 7)}`, `r${reg()} = ${Math.floor(r() * 1000) - 500} / -${1 + Math.floor(r() * 9)}`,
      `r${reg()} = ${Math.floor(r() * 1000) - 500} % ${1 + Math.floor(r() * 9)}`, `r${reg()} = -${1 + Math.floor(r() * 1000)} >> ${33 + Math.floor(r() * 30)}`,
      `r${reg()} = C${k} ^ D${k}`, `if r${reg()} > C${k} & 0x7fff goto +1`, `if w${reg()} s< D${k} + 1 goto L${k}`,
      `r${reg()} = C${k} << 32 ll`, `r${reg()} = (C${k} + 1) * D${k} ll`.replace('(', '').replace(')', ''),
    );
    lines.push(`call ${Math.floor(r() * 212)}`, `call ${imm()}`);
    for (const op of ['+=', '&=', '|=', '^=']) {
      lines.push(`lock *(u64 *)${mem(reg(), off())} ${op} r${reg()}`, `lock *(u32 *)${mem(reg(), off())} ${op} w${reg()}`);
    }
    for (const b of [16, 32, 64]) lines.push(`r${reg()} = be${b} r${n}`.replace(/r(\d+) = be(\d+) r\d+/, `r$1 = be$2 r$1`), `r${n} = le${b} r${n}`);
    lines.push(`L${k}:`, 'exit');
  }
  return lines;
}

describe.skipIf(!llvm)('differential against llvm-mc -triple bpfel', () => {
  it('assembles a corpus of every LLVM 14 form to identical bytes', () => {
    const lines = corpus();
    const src = `${lines.join('\n')}\n`;
    const count = lines.filter((l) => !l.endsWith(':') && !l.startsWith('.')).length;
    expect(count).toBeGreaterThanOrEqual(300);
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-llvm-'));
    writeFileSync(join(dir, 'c.s'), src);
    execFileSync('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', join(dir, 'c.o'), join(dir, 'c.s')]);
    execFileSync('llvm-objcopy', ['-O', 'binary', '--only-section=.text', join(dir, 'c.o'), join(dir, 'c.bin')]);
    const theirs = new Uint8Array(readFileSync(join(dir, 'c.bin')));
    const program = assemble(src, { dialect: 'pseudo-c' });
    const ours = encode(program.insns);
    // Point at the first differing instruction by its source line.
    const insnLines = lines.filter((l) => !l.endsWith(':') && !l.startsWith('.'));
    let slot = 0;
    for (let i = 0; i < program.insns.length; i++) {
      const n = program.insns[i]!.kind === 'lddw' ? 2 : 1;
      const a = Buffer.from(ours.subarray(slot * 8, (slot + n) * 8)).toString('hex');
      const b = Buffer.from(theirs.subarray(slot * 8, (slot + n) * 8)).toString('hex');
      expect(a, insnLines[i]).toBe(b);
      slot += n;
    }
    expect(ours.length).toBe(theirs.length);

    // Each line of llvm-objdump's listing of the same object (address, raw bytes,
    // `<sym+off>` notes) assembles to the bytes at its address. (LLVM 14 prints
    // `<unknown>` for the 32-bit atomic and/or/xor it assembles; those are skipped.)
    if (have('llvm-objdump')) {
      const listing = execFileSync('llvm-objdump', ['-d', join(dir, 'c.o')], { encoding: 'utf8', maxBuffer: 1 << 26 });
      let checked = 0;
      for (const l of listing.split('\n')) {
        const m = /^\s*(\d+):/.exec(l);
        if (m === null || l.includes('<unknown>')) continue;
        const at = Number(m[1]);
        const got = encode(assemble(l).insns);
        expect(Buffer.from(got).toString('hex'), l).toBe(Buffer.from(theirs.subarray(at * 8, at * 8 + got.length)).toString('hex'));
        checked++;
      }
      expect(checked).toBeGreaterThan(300);
    }
  });
});

describe('verifier log and bpftool listings', () => {
  it('assembles `N: (op) insn` lines; (18) marks a 64-bit load', () => {
    const log = [
      '0: R1=ctx() R10=fp0',
      '0: (b7) r0 = 0                        ; R0_w=0',
      '1: (18) r1 = 0x5',
      '3: (7b) *(u64 *)(r10 -8) = r1',
      '4: (15) if r0 == 0x0 goto pc+1',
      '5: (85) call bpf_map_lookup_elem#1',
      '6: (95) exit',
    ].slice(1).join('\n');
    expect(Buffer.from(encode(assemble(log).insns)).toString('hex')).toBe(
      'b700000000000000' + '1801000005000000' + '0000000000000000' + '7b1af8ff00000000' + '1500010000000000' + '8500000001000000' + '9500000000000000');
  });

  it('reads the immediates of `bpftool prog dump xlated` (map ids, map values, subprograms)', () => {
    const dump = [
      '   0: (18) r1 = map[id:5]',
      '   2: (18) r2 = map[id:7][0]+16',
      '   4: (18) r3 = map[idx:3]+8',
      '   6: (18) r4 = subprog[+2]',
      '   8: (18) r5 = subprog[-9]',
      '  10: (95) exit',
    ].join('\n');
    expect(Buffer.from(encode(assemble(dump).insns)).toString('hex')).toBe(
      '1811000005000000' + '0000000000000000' + '1822000007000000' + '0000000010000000'
      + '1863000003000000' + '0000000008000000' + '1844000002000000' + '0000000000000000'
      + '18450000f7ffffff' + '0000000000000000' + '9500000000000000');
  });
});

describe('golden bytes from the spec for forms LLVM 14 cannot assemble', () => {
  const cases: [string, string][] = [
    ['r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)', 'db1af8ff01000000'],
    ['w1 = atomic_fetch_and((u32 *)(r2 + 4), w1)', 'c312040051000000'],
    ['r3 = atomic_fetch_or((u64 *)(r1 + 0), r3)', 'db31000041000000'],
    ['r3 = atomic64_fetch_xor((u64 *)(r1 -16), r3)', 'db31f0ffa1000000'],
    ['r1 = xchg_64(r10 - 8, r1)', 'db1af8ffe1000000'],
    ['w3 = xchg32_32(r2 + 0, w3)', 'c3320000e1000000'],
    ['r1 = atomic64_xchg((u64 *)(r10 -8), r1)', 'db1af8ffe1000000'],
    ['r0 = cmpxchg_64(r10 - 8, r0, r1)', 'db1af8fff1000000'],
    ['w0 = cmpxchg32_32(r1 + 2, w0, w2)', 'c3210200f1000000'],
    ['r0 = load_acquire((u64 *)(r1 + 0))', 'db10000000010000'],
    ['w0 = load_acquire((u8 *)(r1 + 4))', 'd310040000010000'],
    ['store_release((u32 *)(r1 + 0), w2)', 'c321000010010000'],
    ['if r1 & 0x10 goto +2', '4501020010000000'],
    ['if w1 & w2 goto -1', '4e21ffff00000000'],
    ['r0 %= r1', '9f10000000000000'],
    ['w0 %= 7', '9400000007000000'],
    ['*(u32 *)(r10 - 8) = 5', '620af8ff05000000'],
    ['*(u64 *)(r1 + 16) = -1', '7a011000ffffffff'],
    ['*(u8 *)(r2 - 1) = 0xff', '7202ffffff000000'],
    ['*(u16 *)(r3 + 2) = 0x7fff', '6a030200ff7f0000'],
    ['callx r1', '8d01000000000000'],
    ['r0 s/= r1', '3f10010000000000'],
    ['w0 s/= 3', '3400010003000000'],
    ['r0 s%= r1', '9f10010000000000'],
    ['w4 s%= -2', '94040100feffffff'],
    ['r0 = (s8)r1', 'bf10080000000000'],
    ['w2 = (s16)w3', 'bc32100000000000'],
    ['r0 = (s32)r1', 'bf10200000000000'],
    ['r0 = *(s8 *)(r1 + 0)', '9110000000000000'],
    ['r2 = *(s16 *)(r3 - 2)', '8932feff00000000'],
    ['r4 = *(s32 *)(r5 + 4)', '8154040000000000'],
    ['r0 = bswap16 r0', 'd700000010000000'],
    ['r5 = bswap32 r5', 'd705000020000000'],
    ['r9 = bswap64 r9', 'd709000040000000'],
    ['gotol +70000', '0600000070110100'],
    ['gotol -1', '06000000ffffffff'],
    ['may_goto +3', 'e500030000000000'],
    ['call pc+2', '8510000002000000'],
    ['call kfunc 1234', '85200000d2040000'],
    ['if r1 > 0x3 goto pc+2', '2501020003000000'],
    ['goto pc-1', '0500ffff00000000'],
    ['r0 = *(u32 *)skb[r1 + 4]', '4010000004000000'],
    ['r0 = *(u8 *)skb[-2]', '30000000feffffff'],
    ['r1 = btf_id[7] ll', '18310000070000000000000000000000'],
    ['r2 = func[9] ll', '18420000090000000000000000000000'],
  ];
  it.each(cases)('%s', (line, hex) => {
    expect(Buffer.from(encode(assemble(line, { dialect: 'pseudo-c' }).insns)).toString('hex')).toBe(hex);
  });

  it('map references: fd (src 1) and value (src 2, offset in the high half), by index', () => {
    const p = assemble('.map a, hash, key=4, value=4, entries=8\n.map counts, array, key=4, value=8, entries=1\nr1 = map[counts] ll\nr2 = map_value[counts] + 8\nr3 = map[a] ll');
    expect(Buffer.from(encode(p.insns)).toString('hex')).toBe(
      '1811000001000000' + '0000000000000000' + '1822000001000000' + '0000000008000000' + '1813000000000000' + '0000000000000000');
    expect(p.insns.map((i) => (i.kind === 'lddw' ? i.map : undefined))).toEqual(['counts', 'counts', 'a']);
  });
});
