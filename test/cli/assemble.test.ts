import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { opcodeExpr } from '../../src/cli/assemble.js';
import * as K from '../../src/isa/opcodes.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-asm-cli-'));
const put = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

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

  it('exits 2 on usage errors', async () => {
    expect((await cli('assemble', SRC, '--format', 'elf')).code).toBe(2);
    expect((await cli('assemble', SRC, '--format', 'bin')).code).toBe(2);
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
