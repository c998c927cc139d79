import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { R0, R2, encode, exit, mov64 } from '../../src/isa/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-verify-cli-'));
const put = (name: string, data: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

// Straight-line programs whose kernel verdicts are in test/verifier/goldens (gen/uninit/...).
const GOOD = put('good.s', '.prog_type socket_filter\nr0 = 0\nexit\n');
const BAD = put('bad.s', '.prog_type xdp\nr0 = r2\nexit\n');
const UNTYPED = put('untyped.s', 'r0 = 0\nexit\n');

describe('tsbpf-asm verify', () => {
  it('exits 0 on an accepted program and says so', async () => {
    const r = await cli('verify', GOOD);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe('accepted: socket_filter program, processed 2 insns\n');
  });

  it('exits 1 on a rejected program and prints the log with the kernel message', async () => {
    const r = await cli('verify', BAD);
    expect(r.code).toBe(1);
    expect(r.out).toContain('R2 !read_ok');
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^rejected: insn 0: R2 !read_ok/);
  });

  it('--json prints one object with verdict, processed and error', async () => {
    const bad = await cli('verify', BAD, '--json');
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.out) as Record<string, unknown>;
    expect(j).toMatchObject({ verdict: 'rejected', error: { insn: 0, message: 'R2 !read_ok' } });
    expect(typeof j['processed']).toBe('number');
    const good = JSON.parse((await cli('verify', GOOD, '--json')).out) as Record<string, unknown>;
    expect(good).toMatchObject({ verdict: 'accepted', error: null, processed: 2 });
    expect(good['log']).toBeUndefined();
  });

  it('--unprivileged applies the rules for a loader without CAP_BPF (checked against the kernel in kernel-unpriv.test.ts)', async () => {
    const leak = put('leak.s', '.prog_type socket_filter\nr0 = r10\nexit\n');
    expect((await cli('verify', leak)).code).toBe(0);
    const r = await cli('verify', leak, '--unprivileged');
    expect(r.code).toBe(1);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('rejected: insn 1: R0 leaks addr as return value (processed 2 insns)');
    const printk = put('printk.s', '.prog_type socket_filter\ncall 6\nr0 = 0\nexit\n');
    expect((await cli('verify', printk, '--unprivileged', '--json')).out).toContain('program of this type cannot use helper bpf_trace_printk#6');
  });

  it('--log-size keeps what a kernel buffer of that size would and answers ENOSPC (checked against the kernel in kernel-log-size.test.ts)', async () => {
    const full = (await cli('verify', GOOD, '--log-level', '2')).out.split('accepted:')[0]!;
    const r = await cli('verify', GOOD, '--log-level', '2', '--log-size', '40');
    expect(r.code).toBe(1);
    const [log, verdict] = r.out.split('rejected: ENOSPC');
    expect(log).toBe(full.slice(full.length - 39));
    expect(verdict).toBe(`: the log needs ${full.length + 1} bytes, the buffer has 40; without that the verifier accepts (processed 2 insns)\n`);
    const fixed = await cli('verify', GOOD, '--log-level', '2', '--log-size', '40', '--log-fixed');
    expect(fixed.out.startsWith(`${full.slice(0, 39)}\n`)).toBe(true);
    const roomy = await cli('verify', GOOD, '--log-size', String(full.length + 1), '--log-level', '2', '--json');
    expect(roomy.code).toBe(0);
    expect(JSON.parse(roomy.out)).toMatchObject({ verdict: 'accepted', enospc: false, logTrueSize: full.length + 1 });
    expect((await cli('verify', GOOD, '--log-fixed')).code).toBe(2);
    expect((await cli('verify', GOOD, '--log-size', '0')).code).toBe(2);
  });

  it('--log-level 2 prints every instruction of an accepted program', async () => {
    const r = await cli('verify', GOOD, '--log-level', '2');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^0: \(b7\) r0 = 0/m);
    expect(r.out).toMatch(/^1: \(95\) exit/m);
  });

  it('reads raw bytecode with --prog-type, which also overrides .prog_type', async () => {
    const bin = put('p.bin', encode([mov64(R0, R2), exit()]));
    expect((await cli('verify', bin, '--prog-type', 'tracepoint')).code).toBe(1);
    expect((await cli('verify', put('ok.bin', encode([mov64(R0, 1), exit()])), '--prog-type', 'xdp')).code).toBe(0);
    expect((await cli('verify', UNTYPED, '--prog-type', 'BPF_PROG_TYPE_SOCKET_FILTER')).code).toBe(0);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const untyped = await cli('verify', UNTYPED);
    expect(untyped.code).toBe(2);
    expect(untyped.err).toMatch(/^error: .*no program type: pass --prog-type/);
    expect((await cli('verify', GOOD, '--prog-type', 'nope')).err).toMatch(/unknown program type 'nope'/);
    expect((await cli('verify', GOOD, '--log-level', '3')).code).toBe(2);
  });

  it('a missing file is an input error (exit 1)', async () => {
    const r = await cli('verify', join(dir, 'missing.s'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: /);
  });
});
