import { describe, expect, it } from 'vitest';
import { parseKernelLog } from './kernel/log.js';

// Log excerpts as Linux 6.18 writes them at log_level 1 | BPF_LOG_STATS.
describe('parseKernelLog', () => {
  it('finds the error line, the failing insn and the stats', () => {
    const p = parseKernelLog([
      '0: R1=ctx() R10=fp0', '0: (bf) r0 = r2', 'R2 !read_ok', 'verification time 72 usec', 'stack depth 0',
      'processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0', '',
    ].join('\n'));
    expect(p).toEqual({ message: 'R2 !read_ok', errorLines: ['R2 !read_ok'], insn: 0, processed: 1, verificationUsec: 72 });
  });

  it('takes the first line of a multi-line error block as the message', () => {
    const p = parseKernelLog([
      '5: (79) r0 = *(u64 *)(r0 +8)', 'invalid access to map value, value_size=8 off=8 size=8',
      'R0 min value is outside of the allowed memory range', 'processed 7 insns (limit 1000000) max_states_per_insn 0',
    ].join('\n'));
    expect(p.message).toBe('invalid access to map value, value_size=8 off=8 size=8');
    expect(p.errorLines).toHaveLength(2);
    expect(p.insn).toBe(5);
    expect(p.processed).toBe(7);
  });

  it('splits messages the kernel printed without a newline', () => {
    const glued = parseKernelLog('3: (85) call bpf_tail_call#12\nexpected prog array map for tail callverification time 9 usec\n');
    expect(glued.message).toBe('expected prog array map for tail call');
    expect(glued.verificationUsec).toBe(9);
    const big = parseKernelLog('5: (ad) if r2 < r1 goto pc-2 BPF program is too large. Processed 1000001 insn\nprocessed 1000001 insns (limit 1000000)\n');
    expect(big.message).toBe('BPF program is too large. Processed 1000001 insn');
    expect(big.insn).toBe(5);
  });

  it('reads the instruction of structural errors from the message', () => {
    expect(parseKernelLog('jump out of range from insn 1 to 9\nprocessed 0 insns (limit 1000000)\n').insn).toBe(1);
    expect(parseKernelLog('unreachable insn 2\n').insn).toBe(2);
    expect(parseKernelLog('last insn is not an exit or jmp\n')).toMatchObject({ message: 'last insn is not an exit or jmp', insn: null });
  });

  it('has no message for an accepted program', () => {
    expect(parseKernelLog('verification time 50 usec\nstack depth 0\nprocessed 2 insns (limit 1000000)\n').message).toBeNull();
  });
});
