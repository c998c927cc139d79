import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { BPF_FUNC_get_prandom_u32 } from '../../src/isa/helpers.js';
import { formatBpf, HelperRegistry, Vm, VmFault, type RingbufMap } from '../../src/vm/index.js';
import { BPF_LOOP_SRC, BPF_TO_BPF_SRC, TAIL_CALL_COUNTER_SRC } from './programs.js';

const run = (src: string, opts: ConstructorParameters<typeof Vm>[1] = {}, input = {}) => new Vm(assemble(src), opts).run(input);
const le = (n: number, bytes: number) => Uint8Array.from({ length: bytes }, (_, i) => Number((BigInt(n) >> BigInt(8 * i)) & 0xffn));

/** Put a short string on the stack at r10-16 and point r1 at it (r2 = its size with the NUL). */
function fmtOnStack(s: string): string {
  const bytes = new TextEncoder().encode(s);
  if (bytes.length > 15) throw new Error('format too long for the helper');
  const padded = new Uint8Array(16);
  padded.set(bytes);
  const w = (o: number) => new DataView(padded.buffer).getBigUint64(o, true).toString(16);
  return `r1 = 0x${w(0)} ll\n*(u64 *)(r10 - 16) = r1\nr1 = 0x${w(8)} ll\n*(u64 *)(r10 - 8) = r1\nr1 = r10\nr1 += -16\nr2 = ${bytes.length + 1}\n`;
}

describe('map helpers', () => {
  const counter = `.map counts, hash, key=4, value=8, entries=16
*(u32 *)(r10 - 4) = 7
r1 = map[counts] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
if r0 == 0 goto insert
r1 = 1
lock *(u64 *)(r0 + 0) += r1
r0 = 0
exit
insert:
*(u64 *)(r10 - 16) = 1
r1 = map[counts] ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 1
call bpf_map_update_elem
exit`;

  it('lookup returns a pointer into the element; update with BPF_NOEXIST; contents visible to the host', () => {
    const vm = new Vm(assemble(counter));
    expect(vm.run().r0).toBe(0n);
    for (let i = 0; i < 4; i++) vm.run();
    const m = vm.maps.get('counts')!;
    expect([...m.lookup(le(7, 4))!]).toEqual([...le(5, 8)]);
  });

  it('returns the kernel errno of update and delete', () => {
    const src = `.map a, array, key=4, value=4, entries=2
*(u32 *)(r10 - 4) = 5
*(u32 *)(r10 - 8) = 0
r1 = map[a] ll
r2 = r10
r2 += -4
r3 = r10
r3 += -8
r4 = 0
call bpf_map_update_elem
r6 = r0
r1 = map[a] ll
r2 = r10
r2 += -8
call bpf_map_delete_elem
r0 <<= 32
w6 = w6
r0 |= r6
exit`;
    const r0 = run(src).r0;
    expect(BigInt.asIntN(32, r0 & 0xffffffffn)).toBe(-7n); // -E2BIG: index 5 >= 2
    expect(BigInt.asIntN(32, r0 >> 32n)).toBe(-22n); // array delete: -EINVAL
  });

  it('push, peek and pop a queue', () => {
    const src = `.map q, queue, key=0, value=8, entries=4
*(u64 *)(r10 - 8) = 11
r1 = map[q] ll
r2 = r10
r2 += -8
r3 = 0
call bpf_map_push_elem
*(u64 *)(r10 - 8) = 22
r1 = map[q] ll
r2 = r10
r2 += -8
r3 = 0
call bpf_map_push_elem
r1 = map[q] ll
r2 = r10
r2 += -16
call bpf_map_pop_elem
r0 = *(u64 *)(r10 - 16)
exit`;
    const vm = new Vm(assemble(src));
    expect(vm.run().r0).toBe(11n);
    expect(vm.maps.get('q')!.size).toBe(1);
  });

  it('a map_value lddw points at element 0 of an array', () => {
    const src = `.map g, array, key=4, value=16, entries=1
r1 = map_value[g] + 8 ll
*(u64 *)(r1 + 0) = 99
r0 = *(u64 *)(r1 + 0)
exit`;
    const vm = new Vm(assemble(src));
    expect(vm.run().r0).toBe(99n);
    expect(vm.maps.get('g')!.lookup(new Uint8Array(4))![8]).toBe(99);
  });

  it('faults when a value pointer leaves the element', () => {
    const src = `.map g, array, key=4, value=16, entries=1
r1 = map_value[g] ll
r0 = *(u64 *)(r1 + 16)
exit`;
    expect(() => run(src)).toThrow('out-of-bounds read of 8 bytes at map_value(g)+16');
  });
});

describe('task, time and random helpers', () => {
  it('report the simulated task, CPU and clock', () => {
    const opts = { task: { pid: 10, tgid: 20, uid: 30, gid: 40, comm: 'worker' }, cpu: 3, clock: () => 123456789n };
    expect(run('call bpf_get_current_pid_tgid\nexit', opts).r0).toBe((20n << 32n) | 10n);
    expect(run('call bpf_get_current_uid_gid\nexit', opts).r0).toBe((40n << 32n) | 30n);
    expect(run('call bpf_get_smp_processor_id\nexit', opts).r0).toBe(3n);
    expect(run('call bpf_ktime_get_ns\nexit', opts).r0).toBe(123456789n);
    expect(run('call bpf_ktime_get_boot_ns\nexit', opts).r0).toBe(123456789n);
    const comm = run('r1 = r10\nr1 += -16\nr2 = 16\ncall bpf_get_current_comm\nr0 = *(u64 *)(r10 - 16)\nexit', opts).r0;
    expect(comm).toBe(new DataView(Uint8Array.from([...new TextEncoder().encode('worker'), 0, 0]).buffer).getBigUint64(0, true));
  });

  it('get_prandom_u32 is seeded', () => {
    const seq = (seed: number) => {
      const vm = new Vm(assemble('call bpf_get_prandom_u32\nexit'), { seed });
      return [vm.run().r0, vm.run().r0, vm.run().r0];
    };
    expect(seq(5)).toEqual(seq(5));
    expect(seq(5)).not.toEqual(seq(6));
    for (const v of seq(9)) expect(v).toBeLessThan(1n << 32n);
  });
});

describe('printk and snprintf', () => {
  it('formats every conversion like the kernel', () => {
    const read = (p: bigint) => (p === 1n ? 'str' : undefined);
    const cases: [string, bigint[], string][] = [
      ['%d %i', [0xffffffffn, 5n], '-1 5'],
      ['%u %x', [0xffffffffn, 255n], '4294967295 ff'],
      ['%d', [0x100000005n], '5'],
      ['%ld %lu', [0xffffffffffffffffn, 0xffffffffffffffffn], '-1 18446744073709551615'],
      ['%lld %llu %llx', [0x8000000000000000n, 7n, 0xdeadbeefcafen], '-9223372036854775808 7 deadbeefcafe'],
      ['%p', [0x1234n], '0x1234'],
      ['%s|%c|%%', [1n, 65n], 'str|A|%'],
      ['%5d|%-3x|%05u', [42n, 10n, 7n], '   42|a  |00007'],
      ['%s', [2n], '(efault)'],
    ];
    for (const [fmt, args, want] of cases) expect(formatBpf(fmt, args, read)).toEqual({ ok: true, text: want });
    expect(formatBpf('%d %d', [1n], read).ok).toBe(false);
    expect(formatBpf('%q', [1n], read).ok).toBe(false);
  });

  it('trace_printk prints to the run output and the sink', () => {
    const lines: string[] = [];
    const r = run(`${fmtOnStack('n=%d x=%x\n')}r3 = -3\nr4 = 255\ncall bpf_trace_printk\nexit`, { printk: (l) => lines.push(l) });
    expect(r.output).toEqual(['n=-3 x=ff']);
    expect(lines).toEqual(['n=-3 x=ff']);
    expect(r.r0).toBe(BigInt('n=-3 x=ff\n'.length));
  });

  it('trace_printk rejects a format without its NUL', () => {
    const r = run(`${fmtOnStack('abc')}r2 = 3\ncall bpf_trace_printk\nexit`);
    expect(BigInt.asIntN(64, r.r0)).toBe(-22n);
    expect(r.output).toEqual([]);
  });

  it('snprintf writes a NUL-terminated string and returns its length with the NUL', () => {
    const src = `${fmtOnStack('v=%lu')}r3 = r1
*(u64 *)(r10 - 24) = 12345
r4 = r10
r4 += -24
r5 = 8
r1 = r10
r1 += -48
r2 = 16
call bpf_snprintf
r6 = r0
r0 = *(u64 *)(r10 - 48)
exit`;
    const r = run(src);
    const bytes = Uint8Array.from({ length: 8 }, (_, i) => Number((r.r0 >> BigInt(8 * i)) & 0xffn));
    expect(new TextDecoder().decode(bytes)).toBe('v=12345\0');
  });
});

describe('probe_read helpers', () => {
  it('copy from VM memory, -EFAULT and a zeroed buffer for a bad source', () => {
    const ok = run('r3 = r1\nr1 = r10\nr1 += -8\nr2 = 4\ncall bpf_probe_read_kernel\nr0 = *(u32 *)(r10 - 8)\nexit', {}, { mem: Uint8Array.from([1, 2, 3, 4]) });
    expect(ok.r0).toBe(0x04030201n);
    const bad = run('*(u64 *)(r10 - 8) = -1\nr3 = 16\nr1 = r10\nr1 += -8\nr2 = 8\ncall bpf_probe_read_user\nr6 = r0\nr0 = *(u64 *)(r10 - 8)\nr0 += r6\nexit');
    expect(BigInt.asIntN(64, bad.r0)).toBe(-14n);
  });

  it('the _str forms stop at the NUL and return the length with it', () => {
    const mem = new TextEncoder().encode('hi\0zz');
    const r = run('r3 = r1\nr1 = r10\nr1 += -8\nr2 = 8\ncall bpf_probe_read_kernel_str\nexit', {}, { mem });
    expect(r.r0).toBe(3n);
  });
});

describe('control helpers', () => {
  it('bpf_loop calls a callback subprogram until it returns 1', () => {
    // stops after index 4: returns 5 iterations; sum 0+1+2+3+4 = 10; r6 preserved; r5 untouched (0)
    expect(run(BPF_LOOP_SRC).r0).toBe((5n << 16n) + 10n + 77n);
  });

  it('bpf-to-bpf calls get a fresh stack and keep r6-r9', () => {
    // callee: r0 = 5 (caller's stack through r1) + 0 (its own fresh stack); caller: + r6 6 + 1
    expect(run(BPF_TO_BPF_SRC).r0).toBe(12n);
  });

  it('tail calls jump to a prog array slot, at most 33 times', () => {
    const p = assemble(TAIL_CALL_COUNTER_SRC);
    const vm = new Vm(p);
    vm.setTailCall('jt', 0, p);
    expect(vm.run().r0).toBe(1000n);
    expect(vm.maps.get('n')!.lookup(new Uint8Array(4))![0]).toBe(34);
  });

  it('for_each_map_elem calls back with key and value pointers; 1 stops', () => {
    const src = `.map a, array, key=4, value=8, entries=5
r1 = map[a] ll
r2 = func[cb] ll
r3 = r10
r3 += -8
*(u64 *)(r10 - 8) = 0
r4 = 0
call bpf_for_each_map_elem
r0 <<= 16
r1 = *(u64 *)(r10 - 8)
r0 |= r1
exit
cb:
r5 = *(u32 *)(r2 + 0)
*(u64 *)(r3 + 0) = r5
r6 = *(u64 *)(r4 + 0)
r6 += r5
*(u64 *)(r4 + 0) = r6
r0 = 0
if r5 != 3 goto +1
r0 = 1
exit`;
    const vm = new Vm(assemble(src));
    // keys 0..3 visited (the callback stops at key 3): 4 calls, sum of keys 6; values set to their keys
    expect(vm.run().r0).toBe((4n << 16n) | 6n);
    expect(vm.maps.get('a')!.lookup(le(2, 4))![0]).toBe(2);
    expect(vm.maps.get('a')!.lookup(le(4, 4))![0]).toBe(0);
  });

  it('strncmp compares like the kernel', () => {
    const src = (a: string) => `r1 = 0x${Buffer.from(a.padEnd(8, '\0')).readBigUInt64LE().toString(16)} ll
*(u64 *)(r10 - 8) = r1
r1 = 0x${Buffer.from('abc\0\0\0\0\0').readBigUInt64LE().toString(16)} ll
*(u64 *)(r10 - 16) = r1
r1 = r10
r1 += -8
r2 = 3
r3 = r10
r3 += -16
call bpf_strncmp
exit`;
    expect(run(src('abc'))).toMatchObject({ r0: 0n });
    expect(BigInt.asIntN(64, run(src('abb')).r0)).toBeLessThan(0n);
    expect(run(src('abd')).r0).toBeGreaterThan(0n);
  });

  it('a tail call to an empty slot falls through', () => {
    const src = `.map jt, prog_array, key=4, value=4, entries=2
r2 = map[jt] ll
r3 = 1
r0 = 5
call bpf_tail_call
exit`;
    expect(run(src).r0).toBe(5n);
  });

  it('callx calls the helper whose id is in the register', () => {
    expect(run(`r2 = ${BPF_FUNC_get_prandom_u32}\ncallx r2\nexit`, { seed: 3 }).r0).toBe(new Vm(assemble('call 7\nexit'), { seed: 3 }).run().r0);
  });
});

describe('perf and ring buffer output', () => {
  it('perf_event_output records the sample', () => {
    const src = `.map ev, perf_event_array, key=4, value=4, entries=1
*(u64 *)(r10 - 8) = 0x2a
r2 = map[ev] ll
r3 = 0xffffffff ll
r4 = r10
r4 += -8
r5 = 8
call bpf_perf_event_output
exit`;
    const r = run(src);
    expect(r.r0).toBe(0n);
    expect(r.perf).toEqual([{ map: 'ev', cpu: 0, data: le(0x2a, 8) }]);
  });

  it('ringbuf reserve, write, submit and discard', () => {
    const src = `.map rb, ringbuf, key=0, value=0, entries=4096
r1 = map[rb] ll
r2 = 8
r3 = 0
call bpf_ringbuf_reserve
if r0 == 0 goto out
*(u64 *)(r0 + 0) = 7
r1 = r0
r2 = 0
call bpf_ringbuf_submit
r1 = map[rb] ll
r2 = 16
r3 = 0
call bpf_ringbuf_reserve
if r0 == 0 goto out
r1 = r0
r2 = 0
call bpf_ringbuf_discard
*(u32 *)(r10 - 4) = 9
r1 = map[rb] ll
r2 = r10
r2 += -4
r3 = 4
r4 = 0
call bpf_ringbuf_output
r1 = map[rb] ll
r2 = 0
call bpf_ringbuf_query
out:
exit`;
    const vm = new Vm(assemble(src));
    const r = vm.run();
    expect(r.ringbuf).toEqual([{ map: 'rb', data: le(7, 8) }, { map: 'rb', data: le(9, 4) }]);
    expect(r.r0).toBe(16n + 24n + 16n); // BPF_RB_AVAIL_DATA: three records, headers included
    expect((vm.maps.get('rb') as RingbufMap).drain()).toEqual([le(7, 8), le(9, 4)]);
  });

  it('a submitted record can no longer be written', () => {
    const src = `.map rb, ringbuf, key=0, value=0, entries=4096
r1 = map[rb] ll
r2 = 8
r3 = 0
call bpf_ringbuf_reserve
r6 = r0
r1 = r0
r2 = 0
call bpf_ringbuf_submit
*(u64 *)(r6 + 0) = 1
exit`;
    expect(() => run(src)).toThrow(/write of 8 bytes at ringbuf\(rb\) \(released\)\+0/);
  });
});

describe('user helpers', () => {
  it('are registered by name or id and get r1-r5 and memory access', () => {
    const helpers = {
      get_prandom_u32: () => 4,
      2000: ({ r1, r2 }: { r1: bigint; r2: bigint }, env: { mem: { read(a: bigint, n: number): Uint8Array } }) => BigInt(env.mem.read(r1, Number(r2)).reduce((a, b) => a + b, 0)),
    };
    expect(run('call bpf_get_prandom_u32\nexit', { helpers }).r0).toBe(4n);
    expect(run('r2 = r2\ncall 2000\nexit', { helpers }, { mem: Uint8Array.from([1, 2, 3]) }).r0).toBe(6n);
  });

  it('accept a HelperRegistry and can write memory', () => {
    const reg = new HelperRegistry().register('bpf_get_current_comm', ({ r1 }, env) => {
      env.mem.write(r1, Uint8Array.from([0x41, 0]));
      return 0;
    });
    expect(run('r1 = r10\nr1 += -8\nr2 = 8\ncall bpf_get_current_comm\nr0 = *(u8 *)(r10 - 8)\nexit', { helpers: reg }).r0).toBe(0x41n);
  });

  it('a bad pointer from a helper faults at the call', () => {
    const helpers = { 2001: ({ r1 }: { r1: bigint }, env: { mem: { read(a: bigint, n: number): Uint8Array } }) => env.mem.read(r1, 4)[0]! };
    expect(() => run('r1 = 0\ncall 2001\nexit', { helpers })).toThrow(new VmFault('memory', 1, 'call 2001', 'invalid read of 4 bytes at 0x0 (not mapped)').message);
  });

  it('an unknown helper name is a setup fault', () => {
    expect(() => new Vm(assemble('exit'), { helpers: { no_such_helper: () => 0 } })).toThrow("unknown helper name 'no_such_helper'");
  });
});

describe('format limits', () => {
  it('huge widths are clamped instead of exhausting memory', () => {
    const r = formatBpf('%999999999d', [1n], () => undefined);
    expect(r.ok && r.text.length).toBe(1024);
  });
});
