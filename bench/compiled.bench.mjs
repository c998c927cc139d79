// Compiled tier vs interpreter on ../shared/bench b1, b2, b3 (inputs, expected r0 and
// executed counts from its README): millions of executed instructions per second through
// Vm.run (median of samples), the per-run cost of Vm.run itself (an empty program on the
// same input), the compiler's time per 1,000 instructions, and, where bpf(2) works, the
// kernel JIT's ns/run for kb3.s (BPF_PROG_TEST_RUN, repeat) as ratios.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '../shared/bench');
const { assemble } = await import(join(root, 'dist/src/asm/index.js'));
const { Vm } = await import(join(root, 'dist/src/vm/index.js'));
const { programOf } = await import(join(root, 'dist/src/isa/program.js'));
const { compileProgram } = await import(join(root, 'dist/src/vm/compile.js'));
const { compileToWasm } = await import(join(root, 'dist/src/vm/compiled/codegen.js'));

/** Median M insns/s and ns/run of `vm.run(input)` over `minMs`, runs batched into >= 5 ms samples. */
function measure(vm, input, minMs) {
  for (let i = 0; i < 20; i++) vm.run(input); // warm up (and let WebAssembly tier up)
  const rates = [], nsPerRun = [];
  let last;
  const start = performance.now();
  while (performance.now() - start < minMs || rates.length < 5) {
    let insns = 0, runs = 0;
    const t0 = performance.now();
    do {
      last = vm.run(input);
      insns += last.insns;
      runs++;
    } while (performance.now() - t0 < 5);
    const dt = performance.now() - t0;
    rates.push(insns / dt / 1000);
    nsPerRun.push((dt * 1e6) / runs);
  }
  rates.sort((a, b) => a - b);
  nsPerRun.sort((a, b) => a - b);
  return { rate: rates[rates.length >> 1], ns: nsPerRun[nsPerRun.length >> 1], last };
}

if (!existsSync(benchDir)) {
  console.log(`skip: ${benchDir} not found`);
} else {
  const mem = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);
  const cases = [
    { name: 'b1', input: {}, r0: 50000005000000n, insns: 30_000_003, minMs: 1500, target: 2000 },
    { name: 'b2', input: {}, r0: 1n, insns: 100_055, minMs: 1000, target: 1000 },
    { name: 'b3', input: { mem }, r0: 0x77ef14e6aa5afd21n, insns: 9_004, minMs: 1000, target: 2000 },
    { name: 'kb3', input: { packet: mem }, options: { progType: 'xdp' }, r0: 0x77ef14e6aa5afd21n, insns: 9_009, minMs: 1000 },
  ];
  const empty = programOf([{ kind: 'alu', width: 64, op: 'mov', dst: 0, src: null, imm: 0 }, { kind: 'exit' }]);
  let ok = true;
  const nsRun = {};
  for (const c of cases) {
    const program = assemble(readFileSync(join(benchDir, `${c.name}.s`), 'utf8'), { file: `${c.name}.s` });
    const row = [];
    for (const engine of ['interpreter', 'compiled']) {
      const opts = { maxInsns: 100_000_000, engine, ...c.options };
      const m = measure(new Vm(program, opts), c.input, c.minMs);
      const good = m.last.r0 === c.r0 && m.last.insns === c.insns;
      ok &&= good;
      nsRun[`${c.name}/${engine}`] = m.ns;
      let extra = '';
      if (c.insns < 1_000_000) {
        // Vm.run's own cost (context setup, copies, result) on an empty program with the same input
        const e = measure(new Vm(empty, { engine, ...c.options }), c.input, 300);
        extra = ` (${(m.ns / 1000).toFixed(2)} us/run; an empty program's run ${(e.ns / 1000).toFixed(2)} us)`;
      }
      if (c.name === 'b3') {
        // steady state: the extra time of a 10x longer input (15,000 bytes) per extra instruction
        const big = Uint8Array.from({ length: 15_000 }, (_, i) => (i * 131 + 7) & 0xff);
        const mb = measure(new Vm(program, opts), { mem: big }, c.minMs);
        extra += `, marginal ${((6 * 13_500) / (mb.ns - m.ns) * 1000).toFixed(0)} M/s`;
        nsRun[`b3-marginal/${engine}`] = (9_004 * (mb.ns - m.ns)) / (6 * 13_500);
      }
      row.push(`${engine} ${m.rate.toFixed(0)} M/s${extra}${good ? '' : ` MISMATCH r0=0x${m.last.r0.toString(16)} insns=${m.last.insns}`}`);
    }
    const target = c.target === undefined ? '' : ` (target >= ${c.target} M/s compiled)`;
    console.log(`${c.name}: ${row.join('; ')}${target}`);
  }

  // compile time: the WebAssembly code generator + module + instance (the interpreter's pre-decoding is shared and shown apart)
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 64 });
  const imports = { e: { m: memory, js: () => 0, ld: () => 0, st: () => 0 } };
  const synthetic = (n) => {
    const insns = [];
    for (let i = 0; i < n; i++) {
      const k = i % 10;
      insns.push(
        k === 4 ? { kind: 'jmp', width: 64, op: 'jgt', dst: 1, src: null, imm: i, off: 2 }
        : k === 7 ? { kind: 'ldx', size: 4, sx: false, dst: 2, src: 10, off: -8 }
        : k === 8 ? { kind: 'stx', size: 8, dst: 10, src: 3, off: -16 }
        : k === 9 ? { kind: 'alu', width: 32, op: 'div', dst: 4, src: 5, imm: 0 }
        : { kind: 'alu', width: 64, op: k & 1 ? 'add' : 'xor', dst: k % 6, src: null, imm: i },
      );
    }
    insns.push({ kind: 'exit' });
    return programOf(insns);
  };
  const progs = [
    ...['b1', 'b2', 'b3'].map((n) => [n, assemble(readFileSync(join(benchDir, `${n}.s`), 'utf8'))]),
    ['1,000 mixed', synthetic(1000)],
    ['10,000 mixed', synthetic(10_000)],
  ];
  const parts = [];
  for (const [name, p] of progs) {
    const cp = compileProgram(p, () => 'unused');
    const n = p.insns.length;
    const reps = Math.max(20, Math.ceil(200_000 / n));
    for (let i = 0; i < 5; i++) new WebAssembly.Instance(new WebAssembly.Module(compileToWasm(cp, { progIndex: 0, stackRegion0: 0, extraBlocks: [] })), imports);
    let t0 = performance.now();
    for (let i = 0; i < reps; i++) new WebAssembly.Instance(new WebAssembly.Module(compileToWasm(cp, { progIndex: 0, stackRegion0: 0, extraBlocks: [] })), imports);
    const wasmMs = (performance.now() - t0) / reps;
    t0 = performance.now();
    for (let i = 0; i < reps; i++) compileProgram(p, () => 'unused');
    const preMs = (performance.now() - t0) / reps;
    parts.push(n < 1000
      ? `${name} (${n} insns): ${(wasmMs * 1000).toFixed(0)} us (+ pre-decoding ${(preMs * 1000).toFixed(0)} us)`
      : `${name}: ${(wasmMs * 1000 / n).toFixed(3)} ms per 1,000 insns (+ pre-decoding ${(preMs * 1000 / n).toFixed(3)})`);
  }
  console.log(`compile time (code generation + WebAssembly module + instance; target < 1 ms per 1,000 insns): ${parts.join('; ')}`);

  // the kernel JIT on kb3 through BPF_PROG_TEST_RUN, as ratios
  const { bpfAvailable, loadProgram } = await import(join(root, 'dist/src/loader/index.js'));
  const avail = bpfAvailable();
  if (!avail.ok) {
    console.log(`skip: kernel JIT comparison: ${avail.reason}`);
  } else {
    const kb3 = assemble(readFileSync(join(benchDir, 'kb3.s'), 'utf8'), { file: 'kb3.s' });
    const prog = loadProgram(kb3, { progType: 6 /* BPF_PROG_TYPE_XDP */ });
    try {
      const samples = [];
      let retval = 0;
      const start = performance.now();
      while (performance.now() - start < 1000 || samples.length < 5) {
        const r = prog.testRun({ data: mem, repeat: 2000 });
        retval = r.retval;
        samples.push(r.duration);
      }
      samples.sort((a, b) => a - b);
      const k = samples[samples.length >> 1];
      ok &&= retval === 0xaa5afd21;
      const ratio = (key) => `${(nsRun[key] / k).toFixed(2)}x`;
      console.log(
        `kernel JIT kb3: ${k} ns/run (${(9009 / k * 1000).toFixed(0)} M/s); per run, relative to it: ` +
          `compiled kb3 ${ratio('kb3/compiled')}, compiled b3 ${ratio('b3/compiled')}, interpreter kb3 ${ratio('kb3/interpreter')}, interpreter b3 ${ratio('b3/interpreter')}; ` +
          `9,004 instructions at the marginal rate: compiled ${ratio('b3-marginal/compiled')}, interpreter ${ratio('b3-marginal/interpreter')}` +
          `${retval === 0xaa5afd21 ? '' : ` MISMATCH retval=0x${retval.toString(16)}`}`,
      );
    } finally {
      prog.close();
    }
  }
  if (!ok) process.exitCode = 1;
}
