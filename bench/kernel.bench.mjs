// Kernel JIT speed of ../shared/bench/kb3.s through BPF_PROG_TEST_RUN with repeat: the
// kernel's own per-run duration (ns), and millions of executed instructions per second
// (9,009 per run, from the bench README). Also the cost of one test-run syscall from
// TypeScript (koffi) with repeat 1. Skips with one line where bpf(2) is unavailable.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '../shared/bench');
const { assemble } = await import(join(root, 'dist/src/asm/index.js'));
const { bpfAvailable, loadProgram } = await import(join(root, 'dist/src/loader/index.js'));

const avail = bpfAvailable();
if (!existsSync(benchDir)) {
  console.log(`skip: ${benchDir} not found`);
} else if (!avail.ok) {
  console.log(`skip: kernel bench: ${avail.reason}`);
} else {
  const packet = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);
  const program = assemble(readFileSync(join(benchDir, 'kb3.s'), 'utf8'), { file: 'kb3.s' });
  const prog = loadProgram(program, { progType: 6 /* BPF_PROG_TYPE_XDP */ });
  try {
    const EXECUTED = 9009;
    const samples = [];
    let retval = 0;
    const start = performance.now();
    while (performance.now() - start < 1500 || samples.length < 5) {
      const r = prog.testRun({ data: packet, repeat: 2000 });
      retval = r.retval;
      samples.push(r.duration);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    const ok = retval === 0xaa5afd21;
    console.log(
      `kb3 (kernel JIT, BPF_PROG_TEST_RUN repeat 2000): ${median} ns/run, ${(EXECUTED / median * 1000).toFixed(0)} M insns/s ` +
        `(best ${samples[0]} ns, ${samples.length} samples)  retval=0x${retval.toString(16)} ${ok ? 'ok' : 'MISMATCH (expected 0xaa5afd21)'}`,
    );
    const calls = 2000;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) prog.testRun({ data: packet });
    const us = ((performance.now() - t0) * 1000) / calls;
    console.log(`one BPF_PROG_TEST_RUN call from TypeScript (koffi, repeat 1, 1500-byte packet): ${us.toFixed(1)} us`);
    if (!ok) process.exitCode = 1;
  } finally {
    prog.close();
  }
}
