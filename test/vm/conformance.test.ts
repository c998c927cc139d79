import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConformanceData } from '../../src/asm/conformance-data.js';
import { Vm, VmFault } from '../../src/vm/index.js';

const dir = join(import.meta.dirname, '../../../shared/conformance/tests');
const present = existsSync(dir);
if (!present) console.log(`skip: bpf_conformance suite not found at ${dir}`);

describe.skipIf(!present)('bpf_conformance suite in the VM', () => {
  const files = present ? readdirSync(dir).filter((f) => f.endsWith('.data')).sort() : [];

  it('has the 313 files', () => {
    expect(files.length).toBe(313);
  });

  it('passes every file', () => {
    const failures: string[] = [];
    for (const f of files) {
      const c = parseConformanceData(readFileSync(join(dir, f), 'utf8'), f);
      try {
        const r = new Vm(c.program).run(c.mem.length > 0 ? { mem: c.mem } : {});
        if (c.error !== undefined) failures.push(`${f}: expected error '${c.error}', got r0 0x${r.r0.toString(16)}`);
        else if (r.r0 !== c.result) failures.push(`${f}: r0 0x${r.r0.toString(16)}, expected 0x${c.result?.toString(16)}`);
      } catch (e) {
        if (!(e instanceof VmFault)) throw e;
        if (c.error === undefined) failures.push(`${f}: ${e.message}`);
      }
    }
    console.log(`bpf_conformance: ${files.length - failures.length} passed, ${failures.length} failed`);
    expect(failures).toEqual([]);
  });
});
