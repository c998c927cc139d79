// VM throughput on ../shared/bench/b1.s, b2.s, b3.s (inputs and expected r0 / executed
// counts from its README): millions of executed instructions per second, median of runs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '../shared/bench');
const { assemble } = await import(join(root, 'dist/src/asm/index.js'));
const { Vm } = await import(join(root, 'dist/src/vm/index.js'));

if (!existsSync(benchDir)) {
  console.log(`skip: ${benchDir} not found`);
} else {
  const mem = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);
  const cases = [
    { name: 'b1', input: {}, r0: 50000005000000n, insns: 30_000_003, minMs: 1500 },
    { name: 'b2', input: {}, r0: 1n, insns: 100_055, minMs: 1000 },
    { name: 'b3', input: { mem }, r0: 0x77ef14e6aa5afd21n, insns: 9_004, minMs: 1000 },
  ];
  let ok = true;
  for (const c of cases) {
    const program = assemble(readFileSync(join(benchDir, `${c.name}.s`), 'utf8'), { file: `${c.name}.s` });
    const vm = new Vm(program, { maxInsns: 100_000_000 });
    for (let i = 0; i < 5; i++) vm.run(c.input); // warm up
    const rates = [];
    let last;
    const start = performance.now();
    while (performance.now() - start < c.minMs || rates.length < 5) {
      let insns = 0;
      const t0 = performance.now();
      // batch short programs so each sample lasts a few milliseconds
      do {
        last = vm.run(c.input);
        insns += last.insns;
      } while (performance.now() - t0 < 5);
      rates.push(insns / (performance.now() - t0) / 1000);
    }
    rates.sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)];
    const good = last.r0 === c.r0 && last.insns === c.insns;
    ok &&= good;
    console.log(
      `${c.name}: ${median.toFixed(1)} M insns/s (best ${rates[rates.length - 1].toFixed(1)}, ${rates.length} samples)` +
        `  r0=0x${last.r0.toString(16)} insns=${last.insns} ${good ? 'ok' : `MISMATCH (expected r0=0x${c.r0.toString(16)} insns=${c.insns})`}`,
    );
  }
  if (!ok) process.exitCode = 1;
}
