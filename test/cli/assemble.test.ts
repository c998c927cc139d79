import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatC, opcodeExpr } from '../../src/cli/assemble.js';
import { assemble } from '../../src/asm/index.js';
import { encode, programFromObject, programOf, readBpfObject } from '../../src/isa/index.js';
import * as K from '../../src/isa/opcodes.js';
import { insnArb } from '../asm/arbitraries.js';
import { cli, tempDir } from './support.js';

const { dir, put } = tempDir('tsbpf-asm-cli-');
const SRC = put('p.s', '.license "GPL"\nr0 = 42\nr1 = 0x1122334455667788 ll\nexit\n');

describe('tsbpf-asm assemble', () => {
  it('writes raw bytes with -o', async () => {
    const out = join(dir, 'p.bin');
    const r = await cli('assemble', SRC, '-o', out);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(Buffer.from(readFileSync(out)).toString('hex')).toBe(
      'b70000002a000000' + '1801000088776655' + '0000000044332211' + '9500000000000000');
  });

  it('prints hex by default, one slot per line with the instruction as a comment', async () => {
    const r = await cli('assemble', SRC);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('b7 00 00 00 2a 00 00 00  # 0: r0 = 42');
    expect(r.out.split('\n')[2]).toBe('00 00 00 00 44 33 22 11');
  });

  it('prints json with slot pc and hex', async () => {
    const r = await cli('assemble', SRC, '--format', 'json');
    const rows = JSON.parse(r.out) as { pc: number; hex: string; text: string }[];
    expect(rows.map((x) => x.pc)).toEqual([0, 1, 3]);
    expect(rows[1]).toMatchObject({ hex: '18010000887766550000000044332211', text: 'r1 = 0x1122334455667788 ll' });
  });

  it('prints a C initializer with the kernel constants', async () => {
    const r = await cli('assemble', SRC, '--format', 'c');
    expect(r.out).toContain('struct bpf_insn prog[] = {');
    expect(r.out).toContain('{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .src_reg = 0, .off = 0, .imm = 42 }, /* r0 = 42 */');
    expect(r.out).toContain('.code = BPF_JMP | BPF_EXIT | BPF_K');
    const c = await cli('assemble', put('c.s', 'call bpf_map_lookup_elem\nr1 = atomic_fetch_add((u64 *)(r10 - 8), r1)\nexit\n'), '--format', 'c');
    expect(c.out).toContain('.imm = 1 /* BPF_FUNC_map_lookup_elem */ }, /* call bpf_map_lookup_elem */');
    expect(c.out).toContain('#ifndef BPF_FETCH\n#define BPF_FETCH 0x01\n#endif');
    expect(c.out).toContain('.code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = BPF_REG_10, .src_reg = BPF_REG_1, .off = -8, .imm = BPF_ADD | BPF_FETCH }');
  });

  it('forces the dialect with --syntax', async () => {
    const p = put('m.s', 'exit\n');
    expect((await cli('assemble', p, '--syntax', 'mnemonic')).code).toBe(0);
    const bad = await cli('assemble', put('pc.s', 'r0 = 1\n'), '--syntax', 'mnemonic');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("unknown mnemonic 'r0'");
  });

  it('exits 1 with every located error on bad input', async () => {
    const r = await cli('assemble', put('bad.s', 'r0 = 1\nmovv r0, 1\nr12 = 3\n'));
    expect(r.code).toBe(1);
    expect(r.err).toContain("bad.s:2:1: error: unknown mnemonic 'movv'");
    expect(r.err).toContain("bad.s:3:1: error: bad register 'r12'");
    expect(r.err.startsWith('error: ')).toBe(true);
  });

  it('exits 1 naming a missing file', async () => {
    const r = await cli('assemble', join(dir, 'missing.s'));
    expect(r).toMatchObject({ code: 1 });
    expect(r.err).toMatch(/error: cannot read '.*missing\.s': no such file/);
  });

  it('writes a BPF ELF object with --format elf (the section named by type, or --section)', async () => {
    const src = put('x.s', '.prog_type xdp\n.license "GPL"\nr0 = 2\nexit\n');
    const out = join(dir, 'x.o');
    expect(await cli('assemble', src, '--format', 'elf', '-o', out)).toEqual({ code: 0, out: '', err: '' });
    const obj = readBpfObject(new Uint8Array(readFileSync(out)));
    expect(obj.programs.map((p) => p.section)).toEqual(['xdp']);
    expect(programFromObject(obj).insns).toEqual(assemble(readFileSync(src, 'utf8')).insns);
    expect((await cli('assemble', src, '--format', 'elf', '--section', 'xdp/devmap', '-o', out)).code).toBe(0);
    expect(readBpfObject(new Uint8Array(readFileSync(out))).programs.map((p) => p.section)).toEqual(['xdp/devmap']);
    // No program type, no section: bad input, said plainly.
    const r = await cli('assemble', SRC, '--format', 'elf', '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: cannot write an object: the program has no type/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('assemble', SRC, '--format', 'nope')).code).toBe(2);
    expect((await cli('assemble', SRC, '--format', 'bin')).code).toBe(2);
    expect((await cli('assemble', SRC, '--format', 'elf')).code).toBe(2);
    expect((await cli('assemble', SRC, '--section', 'xdp')).code).toBe(2);
    expect((await cli('assemble', SRC, '--nope')).code).toBe(2);
    expect((await cli('assemble')).code).toBe(2);
  });

  it('has --help', async () => {
    const r = await cli('assemble', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--format');
  });
});

describe('opcodeExpr', () => {
  it('spells opcodes with uapi names', () => {
    expect(opcodeExpr(K.BPF_ALU | K.BPF_END | K.BPF_TO_BE)).toBe('BPF_ALU | BPF_END | BPF_TO_BE');
    expect(opcodeExpr(K.BPF_LDX | K.BPF_MEMSX | K.BPF_B)).toBe('BPF_LDX | BPF_B | BPF_MEMSX');
    expect(opcodeExpr(K.BPF_STX | K.BPF_ATOMIC | K.BPF_DW)).toBe('BPF_STX | BPF_DW | BPF_ATOMIC');
    expect(opcodeExpr(K.BPF_JMP32 | K.BPF_JSLE | K.BPF_X)).toBe('BPF_JMP32 | BPF_JSLE | BPF_X');
  });
});

describe('--format c compiles with the kernel headers', () => {
  const cc = (() => {
    try {
      execFileSync('cc', ['--version'], { stdio: 'ignore' });
      return existsSync('/usr/include/linux/bpf.h');
    } catch {
      return false;
    }
  })();
  if (!cc) console.log('skip: no C compiler or <linux/bpf.h>, the C initializer is not compiled');

  it.skipIf(!cc)('and the compiled array holds the same bytes as encode()', () => {
    const insns = fc.sample(insnArb, { numRuns: 400, seed: 42 });
    const c = formatC(programOf(insns));
    const src = `#include <stdio.h>\n#include <linux/bpf.h>\n${c}\nint main(void) {\n  const unsigned char *p = (const unsigned char *)prog;\n  for (unsigned long i = 0; i < sizeof(prog); i++) printf("%02x", p[i]);\n  return 0;\n}\n`;
    const file = put('prog.c', src);
    const exe = join(dir, 'prog');
    execFileSync('cc', ['-std=c11', '-Wall', '-Werror', '-o', exe, file]);
    expect(execFileSync(exe, { encoding: 'utf8' })).toBe(Buffer.from(encode(insns)).toString('hex'));
  });
});
