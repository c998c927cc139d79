/**
 * The bpf_conformance suite on the compiled tier: every file passes, and each gives the
 * interpreter's exact outcome (r0 and executed count, or the same fault message).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConformanceData } from '../../../src/asm/conformance-data.js';
import { outcomeOf, vmOf } from './engines.js';

const dir = join(import.meta.dirname, '../../../../shared/conformance/tests');
const present = existsSync(dir);
if (!present) console.log(`skip: bpf_conformance suite not found at ${dir}`);

describe.skipIf(!present)('bpf_conformance suite on the compiled tier', () => {
  const files = present ? readdirSync(dir).filter((f) => f.endsWith('.data')).sort() : [];

  it('passes all 313 files with the interpreter\'s exact outcomes', () => {
    expect(files.length).toBe(313);
    const failures: string[] = [];
    let passed = 0;
    for (const f of files) {
      const c = parseConformanceData(readFileSync(join(dir, f), 'utf8'), f);
      const input = c.mem.length > 0 ? { mem: c.mem } : {};
      const compiled = outcomeOf(vmOf(c.program, 'compiled'), input);
      const reference = outcomeOf(vmOf(c.program, 'interpreter'), input);
      expect(compiled, f).toEqual(reference);
      const ok = c.error !== undefined ? compiled.fault !== undefined : compiled.r0 === c.result?.toString(16);
      if (ok) passed++;
      else failures.push(`${f}: ${compiled.fault?.message ?? `r0 0x${compiled.r0}, expected 0x${c.result?.toString(16)}`}`);
    }
    console.log(`bpf_conformance (compiled): ${passed} passed, ${failures.length} failed`);
    expect(failures).toEqual([]);
  });
});
