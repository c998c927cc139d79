import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bpfAvailable } from '../../src/loader/index.js';
import { cli, tempDir } from './support.js';

const { dir, put } = tempDir('tsbpf-test-run-cli-');
const avail = bpfAvailable();
if (!avail.ok) console.log(`skip: tsbpf-asm test-run --kernel/--compare tests: ${avail.reason}`);
const KB3 = join(import.meta.dirname, '../../../shared/bench/kb3.s');
/** The bench README's packet: 1500 bytes, byte i = (i*131 + 7) & 0xff. */
const PACKET = put('packet.bin', Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff));
/** XDP: overwrite the first packet byte with 0x5a (after a bounds check) and return XDP_PASS | (r0 high bits). */
const WRITER = put('writer.s', [
  '.prog_type xdp',
  'ldxw %r2, [%r1+0]', 'ldxw %r3, [%r1+4]', 'mov %r4, %r2', 'add %r4, 1', 'jgt %r4, %r3, out',
  'stb [%r2+0], 0x5a', 'out:', 'lddw %r0, 0x1234567800000002', 'exit', '',
].join('\n'));

describe('tsbpf-asm test-run (VM)', () => {
  it('runs in the VM by default', async () => {
    const r = await cli('test-run', KB3, '--prog-type', 'xdp', '--data-file', PACKET);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^vm: r0 = 0x77ef14e6aa5afd21 \(9009 insns, .*\/run, xdp\)\n$/);
  });

  it('rejects --kernel with --compare and bad options', async () => {
    expect((await cli('test-run', KB3, '--kernel', '--compare')).code).toBe(2);
    expect((await cli('test-run', KB3, '--prog-type', 'nope')).err).toMatch(/unknown program type 'nope'/);
    expect((await cli('test-run', KB3, '--repeat', 'x')).code).toBe(2);
    const missing = await cli('test-run', KB3, '--data-file', join(dir, 'absent.bin'));
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toMatch(/--data-file: cannot read .*absent\.bin.*no such file/);
  });
});

describe.skipIf(!avail.ok)('tsbpf-asm test-run --kernel / --compare (real kernel)', () => {
  it('reports the kernel r0 0xaa5afd21 for kb3 on the bench packet', async () => {
    const r = await cli('test-run', KB3, '--prog-type', 'xdp', '--kernel', '--data-file', PACKET, '--repeat', '10');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^kernel: r0 = 0xaa5afd21 \(retval, low 32 bits; .*\/run, repeat 10, xdp\)\n$/);
  });

  it('compares the VM (64-bit r0) with the kernel (low 32 bits) side by side', async () => {
    const r = await cli('test-run', KB3, '--prog-type', 'xdp', '--compare', '--data-file', PACKET);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^vm\s+0x77ef14e6aa5afd21\s/m);
    expect(r.out).toMatch(/^kernel\s+0xaa5afd21\s/m);
    expect(r.out).toMatch(/r0 \(low 32 bits, as the kernel reports\): match/);
    expect(r.out).toMatch(/data out: match/);
    const j = JSON.parse((await cli('test-run', KB3, '--prog-type', 'xdp', '--compare', '--data-file', PACKET, '--json')).out);
    expect(j).toMatchObject({ progType: 'xdp', vm: { r0: '0x77ef14e6aa5afd21', bits: 64, insns: 9009 }, kernel: { r0: '0xaa5afd21', bits: 32 }, match: true });
  });

  it('gets all 64 bits of the kernel r0 with --r0-64 and compares them', async () => {
    const k = await cli('test-run', KB3, '--prog-type', 'xdp', '--kernel', '--r0-64', '--data-file', PACKET);
    expect(k.out).toMatch(/^kernel: r0 = 0x77ef14e6aa5afd21 \(all 64 bits, by two runs;/);
    const c = await cli('test-run', KB3, '--prog-type', 'xdp', '--compare', '--r0-64', '--data-file', PACKET);
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/^kernel\s+0x77ef14e6aa5afd21\s/m);
    expect(c.out).toMatch(/r0 \(64 bits; .*\): match/);
  });

  it('shows the data the program wrote and compares it', async () => {
    const r = await cli('test-run', WRITER, '--compare', '--data-file', PACKET, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.kernel.r0).toBe('0x2');
    expect(j.vm.r0).toBe('0x1234567800000002');
    expect(j.kernel.dataOut.slice(0, 4)).toBe('5a8a');
    expect(j.vm.dataOut).toBe(j.kernel.dataOut);
  });

  it('exits 1 when the kernel rejects the program and prints its log', async () => {
    const bad = put('bad.s', '.prog_type xdp\nexit\n');
    const r = await cli('test-run', bad, '--kernel');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/R0 !read_ok/);
    expect(r.err).toMatch(/error: the kernel rejected the program: bpf\(BPF_PROG_LOAD\).*EACCES/);
  });

  it('exits 1 on a mismatch: r0 from bpf_ktime_get_ns differs between the VM and the kernel', async () => {
    const clock = put('clock.s', '.prog_type xdp\ncall bpf_ktime_get_ns\nexit\n');
    const r = await cli('test-run', clock, '--compare', '--data-file', PACKET);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/r0 \(low 32 bits, as the kernel reports\): MISMATCH/);
  });
});
