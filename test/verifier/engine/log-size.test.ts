import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/asm/index.js';
import { verify } from '../../../src/verifier/index.js';

const loop = assemble(`
  .prog_type xdp
  r1 = 0
  r0 = 0
loop:
  r0 += r1
  r1 += 1
  if r1 < 2000 goto loop
  r0 = 2
  exit
`);

describe('verifier log size', () => {
  it('keeps the log of an accepted path at level 1 to the stats line, as the kernel does', () => {
    const r = verify(loop, { logLevel: 1 });
    expect(r.verdict).toBe('accepted');
    expect(r.log.trim().split('\n').at(-1)).toMatch(/^processed \d+ insns \(limit 1000000\)/);
    expect(r.processed).toBeGreaterThan(6000);
  });

  it('without logSize keeps the start of a long log and always ends with the stats line', () => {
    const full = verify(loop, { logLevel: 2 });
    expect(full.logTruncated).toBeUndefined();
    expect(full.logTrueSize).toBe(full.log.length + 1);
  });

  it('with logSize holds what the kernel\'s buffer would: the last size-1 characters (rotating) or the first (BPF_LOG_FIXED)', () => {
    const short = assemble('.prog_type xdp\nr1 = 0\nr0 = 0\nloop:\nr0 += r1\nr1 += 1\nif r1 < 20 goto loop\nr0 = 2\nexit\n');
    const full = verify(short, { logLevel: 2 });
    fc.assert(fc.property(fc.integer({ min: 1, max: full.log.length + 100 }), fc.boolean(), (size, fixed) => {
      const small = verify(short, { logLevel: 2, logSize: size, logFixed: fixed });
      expect(small.verdict).toBe(full.verdict);
      expect(small.processed).toBe(full.processed);
      expect(small.logTrueSize).toBe(full.log.length + 1);
      expect(small.log).toBe(fixed ? full.log.slice(0, size - 1) : full.log.slice(Math.max(0, full.log.length - (size - 1))));
      expect(small.logTruncated === true).toBe(size < full.log.length + 1);
    }), { numRuns: 200, seed: 4 });
  });

  it('at level 1 the true size counts text later rewound, as the kernel\'s log_true_size does', () => {
    const r = verify(loop, { logLevel: 1, logSize: 64 });
    expect(r.logTrueSize).toBeGreaterThan(r.log.length + 1000);
    expect(r.logTruncated).toBe(true);
    expect(r.log).toBe(verify(loop, { logLevel: 1 }).log.slice(-63));
  });
});
