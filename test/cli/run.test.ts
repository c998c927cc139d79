import { describe, expect, it } from 'vitest';
import { encode } from '../../src/isa/encode.js';
import { exit, mov64, R0 } from '../../src/isa/builders.js';
import { cli, tempDir } from './support.js';

const { put } = tempDir('tsbpf-run-cli-');
const SUM = put('sum.s', 'mov %r0, 0\nloop:\njeq %r2, 0, done\nldxb %r3, [%r1]\nadd %r0, %r3\nadd %r1, 1\nsub %r2, 1\nja loop\ndone:\nexit\n');

describe('tsbpf-asm run', () => {
  it('prints r0 in hex with --mem', async () => {
    expect(await cli('run', SUM, '--mem', '01 02 03 0x04')).toEqual({ code: 0, out: '0xa\n', err: '' });
  });

  it('reads --mem-file and prints JSON', async () => {
    const r = await cli('run', SUM, '--mem-file', put('m.bin', new Uint8Array([5, 6])), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ r0: '0xb', insns: 2 + 6 * 2 + 1, output: [] });
  });

  it('runs raw bytecode', async () => {
    const r = await cli('run', put('p.bin', encode([mov64(R0, 42), exit()])));
    expect(r.out).toBe('0x2a\n');
  });

  it('runs a .data file with its -- mem', async () => {
    const data = put('t.data', '-- asm\nldxb %r0, [%r1+1]\nexit\n-- mem\n11 22 33\n-- result\n0x22\n');
    expect((await cli('run', data)).out).toBe('0x22\n');
  });

  it('traces executed instructions with the registers written', async () => {
    const r = await cli('run', SUM, '--mem', '07', '--trace');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('   0: r0 = 0x0');
    expect(lines).toContain('   3: r0 += r3  ; r0 = 0x7');
    expect(lines.at(-1)).toBe('0x7');
  });

  it('prints trace_printk output', async () => {
    const src = put('p.s', 'r1 = 0x0a6425 ll\n*(u64 *)(r10 - 8) = r1\nr1 = r10\nr1 += -8\nr2 = 4\nr3 = 77\ncall 6\nr0 = 0\nexit\n');
    const r = await cli('run', src, '--json');
    expect(JSON.parse(r.out).output).toEqual(['77']);
  });

  it('runs an XDP program on --data-file', async () => {
    const src = put('x.s', 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr0 = r3\nr0 -= r2\nexit\n');
    const r = await cli('run', src, '--prog-type', 'xdp', '--data-file', put('pkt.bin', new Uint8Array(60)));
    expect(r.out).toBe('0x3c\n');
  });

  it('passes --ctx-file to a tracepoint program and reports the XDP packet in JSON', async () => {
    const tp = put('tp.s', '.prog_type tracepoint\nr0 = *(u32 *)(r1 + 12)\nexit\n');
    expect((await cli('run', tp, '--ctx-file', put('ctx.bin', Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0])))).out).toBe('0x9\n');
    const xdp = put('w.s', 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 1\nif r4 > r3 goto +1\n*(u8 *)(r2 + 0) = 0xab\nr0 = 2\nexit\n');
    const r = await cli('run', xdp, '--prog-type', 'xdp', '--data-file', put('two.bin', Uint8Array.from([1, 2])), '--json');
    expect(JSON.parse(r.out)).toMatchObject({ r0: '0x2', packet: 'ab02' });
  });

  it('shows the packet a sched_cls program rewrote with bpf_skb_store_bytes and bpf_skb_change_tail in JSON', async () => {
    const src = put('nat.s', 'r6 = r1\n*(u16 *)(r10 - 2) = 0xbbaa\nr1 = r6\nr2 = 1\nr3 = r10\nr3 += -2\nr4 = 2\nr5 = 0\ncall bpf_skb_store_bytes\nr1 = r6\nr2 = 16\nr3 = 0\ncall bpf_skb_change_tail\nr0 = *(u32 *)(r6 + 0)\nexit\n');
    const frame = Uint8Array.from({ length: 14 }, (_x, i) => i);
    const r = await cli('run', src, '--prog-type', 'sched_cls', '--data-file', put('frame.bin', frame), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ r0: '0x10', packet: '00aabb030405060708090a0b0c0d0000' });
  });

  it('reports a fault as error: ... with exit 1', async () => {
    const r = await cli('run', put('f.s', 'r0 = *(u64 *)(r10 + 8)\nexit\n'));
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: pc 0 (r0 = *(u64 *)(r10 + 8)): out-of-bounds read of 8 bytes at stack+520\n');
  });

  it('reports an exhausted budget', async () => {
    const r = await cli('run', put('l.s', 'goto -1\n'), '--max-insns', '100');
    expect(r.err).toBe('error: pc 0 (goto -1): instruction budget of 100 exhausted\n');
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await cli('run', SUM, '--mem', 'zz')).code).toBe(2);
    expect((await cli('run', SUM, '--prog-type', 'nope')).code).toBe(2);
    expect((await cli('run', SUM, '--max-insns', '-1')).code).toBe(2);
    expect((await cli('run', SUM, '--mem', '01', '--mem-file', SUM)).code).toBe(2);
    expect((await cli('run', SUM, '--data-file', SUM)).code).toBe(2);
  });
});
