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

  it('truncates a level-2 log at logSize and still ends with the stats line', () => {
    const full = verify(loop, { logLevel: 2 });
    expect(full.logTruncated).toBeUndefined();
    const small = verify(loop, { logLevel: 2, logSize: 4096 });
    expect(small.logTruncated).toBe(true);
    expect(small.verdict).toBe(full.verdict);
    expect(small.processed).toBe(full.processed);
    expect(small.log.length).toBeLessThan(4096 + 200);
    expect(full.log.startsWith(small.log.slice(0, 4000))).toBe(true);
    expect(small.log.trim().split('\n').at(-1)).toBe(full.log.trim().split('\n').at(-1));
  });
});
