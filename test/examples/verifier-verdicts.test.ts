/**
 * Our verifier and the kernel's on the examples: every example is accepted by both,
 * and broken variants of them (a missing bounds or NULL check, a wrong size, a leaked
 * ring buffer record, a non-GPL license, ...) are rejected by both. Where bpf(2) works
 * the kernel's verdict is asked live; the message agreement is printed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import type { Program } from '../../src/isa/program.js';
import { KernelError, loadProgram } from '../../src/loader/index.js';
import { verify } from '../../src/verifier/index.js';
import { catalog } from './catalog.js';
import { announceKernel, examplePath, exampleProgram } from './example-kit.js';

interface Mutant {
  readonly file: string;
  readonly what: string;
  /** Source replacements, applied in order; each `from` must occur. */
  readonly edits: ReadonlyArray<readonly [from: string, to: string]>;
  readonly verdict: 'accepted' | 'rejected';
}

const mutants: readonly Mutant[] = [
  { file: 'execve-counter/execve-counter.s', what: 'HASH map, NULL check replaced by a test of r10', verdict: 'rejected',
    edits: [['.map counts, array,', '.map counts, hash,'], ['if r0 == 0 goto init', 'if r10 == 0 goto init']] },
  { file: 'execve-counter/execve-counter.s', what: 'HASH map (the lookup can miss): still fine', verdict: 'accepted',
    edits: [['.map counts, array,', '.map counts, hash,']] },
  { file: 'execve-counter/execve-counter.s', what: 'ARRAY map, constant key, NULL check on r10: the kernel knows the lookup cannot miss', verdict: 'accepted',
    edits: [['if r0 == 0 goto init', 'if r10 == 0 goto init']] },
  { file: 'packet-filter/xdp-drop-port80.s', what: 'no bounds check before the TCP port', verdict: 'rejected',
    edits: [['        jgt %r4, %r3, pass\n        ldxh %r5, [%r2+ETH_HLEN+2]', '        ldxh %r5, [%r2+ETH_HLEN+2]']] },
  { file: 'packet-filter/xdp-drop-port80.s', what: 'bounds check one byte short', verdict: 'rejected', edits: [['add %r4, ETH_HLEN + 4 ', 'add %r4, ETH_HLEN + 3 ']] },
  { file: 'packet-filter/xdp-drop-port80.s', what: 'IHL not masked (r5 up to 255 * 4)', verdict: 'accepted', edits: [['        and %r5, 0xf ', '        and %r5, 0xff ']] },
  { file: 'hello/hello.s', what: 'MIT license with a GPL-only helper', verdict: 'rejected', edits: [['.license "GPL"', '.license "MIT"']] },
  { file: 'hello/hello.s', what: 'fmt_size past the initialised stack', verdict: 'rejected', edits: [['    r2 = 4 ', '    r2 = 5 ']] },
  { file: 'exec-tracer/exec-tracer-ringbuf.s', what: 'reserved record never submitted', verdict: 'rejected', edits: [['        call bpf_ringbuf_submit\n', '']] },
  { file: 'packet-filter/sock-drop-port80.s', what: 'LD_ABS without the skb in r6', verdict: 'rejected', edits: [['    r6 = r1 ', '    r8 = r1 ']] },
  { file: 'exec-tracer/exec-tracer.s', what: 'perf output one byte past the event', verdict: 'rejected', edits: [['    r5 = 532 ', '    r5 = 533 ']] },
  { file: 'exec-tracer/exec-tracer.s', what: 'probe_read_str one byte past the filename', verdict: 'rejected', edits: [['    r2 = 512\n', '    r2 = 513\n']] },
  { file: 'write-from-pid/write-from-pid.s', what: 'map value read at offset 4 of a 4-byte value', verdict: 'rejected', edits: [['ldxw %r1, [%r0+0]', 'ldxw %r1, [%r0+4]']] },
];

function mutate(m: Mutant): Program {
  let src = readFileSync(examplePath(m.file), 'utf8');
  for (const [from, to] of m.edits) {
    if (!src.includes(from)) throw new Error(`${m.file}: mutant '${m.what}' does not apply: '${from}' not found`);
    src = src.replace(from, to);
  }
  return assemble(src, { file: `${m.file} (${m.what})` });
}

/** The kernel's verdict and its error line (the last log line before the statistics). */
function kernelVerdict(p: Program): { verdict: 'accepted' | 'rejected'; message: string; processed?: number } {
  try {
    using k = loadProgram(p);
    return { verdict: 'accepted', message: '', processed: k.stats.insnsProcessed };
  } catch (e) {
    if (!(e instanceof KernelError) || !e.log) throw e;
    const lines = e.log.trim().split('\n').filter((l) => l !== '' && !/^(processed \d+ insns|verification time|stack depth)/.test(l));
    return { verdict: 'rejected', message: lines.at(-1) ?? '' };
  }
}

const canBpf = announceKernel('verdicts of the examples and their mutants');

describe('our verifier on the examples', () => {
  for (const e of catalog) {
    test(`${e.file} is accepted`, () => {
      const r = verify(exampleProgram(e.file), { logLevel: 1 });
      expect(r.error).toBeNull();
      expect(r.verdict).toBe('accepted');
      expect(r.processed).toBeGreaterThan(0);
    });
  }

  for (const m of mutants) {
    test(`${m.file} with ${m.what}: ${m.verdict}`, () => {
      const r = verify(mutate(m), { logLevel: 1 });
      expect(r.verdict).toBe(m.verdict);
      expect(r.error === null).toBe(m.verdict === 'accepted');
    });
  }
});

describe.runIf(canBpf)('our verifier against the kernel\'s', () => {
  test('same verdict on every example and mutant (message agreement printed)', () => {
    const rows: string[] = [];
    let same = 0, sameMsg = 0, rejected = 0;
    const cases: Array<[string, Program]> = [
      ...catalog.map((e) => [e.file, exampleProgram(e.file)] as [string, Program]),
      ...mutants.map((m) => [`${m.file} (${m.what})`, mutate(m)] as [string, Program]),
    ];
    for (const [name, p] of cases) {
      const ours = verify(p, { logLevel: 1 });
      const kernel = kernelVerdict(p);
      expect(ours.verdict, name).toBe(kernel.verdict);
      same++;
      if (kernel.verdict === 'rejected') {
        rejected++;
        if (ours.error?.message === kernel.message) sameMsg++;
        else rows.push(`  ${name}: ours '${ours.error?.message}', kernel '${kernel.message}'`);
      } else if (kernel.processed !== undefined && kernel.processed !== ours.processed) {
        rows.push(`  ${name}: processed ${ours.processed} insns, kernel ${kernel.processed}`);
      }
    }
    console.log(`examples: verifier verdict = kernel verdict on ${same}/${cases.length} programs; same error message on ${sameMsg}/${rejected} rejected${rows.length ? `; differences:\n${rows.join('\n')}` : ''}`);
  });
});
