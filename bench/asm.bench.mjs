// Assembler throughput on a generated 100,000-line pseudo-C file: the library call
// (dist/src/asm/index.js) and the whole `node bin/tsbpf-asm.js assemble` process,
// next to llvm-mc when it is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuText, timeProcess } from './process-time.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { assemble } = await import(join(root, 'dist/src/asm/index.js'));

const LINES = 100_000;
const forms = [
  (i) => `r${i % 10} = ${i % 1000}`,
  (i) => `r${i % 10} += r${(i + 3) % 10}`,
  (i) => `w${i % 10} -= ${i % 77}`,
  (i) => `r${i % 10} = *(u32 *)(r${(i + 1) % 11} + ${i % 64})`,
  (i) => `*(u64 *)(r10 - ${8 * (1 + (i % 60))}) = r${i % 10}`,
  (i) => `if r${i % 10} > ${i % 500} goto +${i % 7}`,
  (i) => `if w${i % 10} s< w${(i + 2) % 10} goto -${1 + (i % 5)}`,
  (i) => `r${i % 10} <<= ${i % 63}`,
  (i) => `r${i % 10} = 0x${(0x1122334455667788n + BigInt(i)).toString(16)} ll`,
  (i) => `lock *(u64 *)(r10 - ${8 * (1 + (i % 60))}) += r${i % 10}`,
  (i) => `r${i % 10} = be16 r${i % 10}`,
  () => 'call 1',
];
const lines = [];
for (let i = 0; i < LINES - 1; i++) lines.push(forms[i % forms.length](i));
lines.push('exit');
const text = `${lines.join('\n')}\n`;
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-asm-bench-'));
const file = join(dir, 'big.s');
writeFileSync(file, text);

const rate = (ms) => `${Math.round(LINES / (ms / 1000)).toLocaleString('en-US')} lines/s`;

// Library call: first (cold) run, then the best of a few warm runs.
let t0 = performance.now();
assemble(text);
const cold = performance.now() - t0;
let warm = Infinity;
for (let k = 0; k < 4; k++) {
  t0 = performance.now();
  assemble(text);
  warm = Math.min(warm, performance.now() - t0);
}
console.log(`library assemble(), ${LINES} pseudo-C lines: cold ${cold.toFixed(0)} ms (${rate(cold)}), warm ${warm.toFixed(0)} ms (${rate(warm)})`);

// The same program in the mnemonic dialect (printed by the disassembler).
const { printProgram } = await import(join(root, 'dist/src/asm/index.js'));
const mnemonic = printProgram(assemble(text), { syntax: 'mnemonic' });
let warmM = Infinity;
for (let k = 0; k < 4; k++) {
  t0 = performance.now();
  assemble(mnemonic);
  warmM = Math.min(warmM, performance.now() - t0);
}
console.log(`library assemble(), ${LINES} mnemonic lines: warm ${warmM.toFixed(0)} ms (${rate(warmM)})`);


const whole = timeProcess(process.execPath, [join(root, 'bin/tsbpf-asm.js'), 'assemble', file, '-o', join(dir, 'big.bin')]);
console.log(`whole process tsbpf-asm assemble: wall ${whole.wall.toFixed(0)} ms (${rate(whole.wall)})${cpuText(whole)}`);
const empty = timeProcess(process.execPath, ['-e', '0']);
console.log(`  (an empty node process: wall ${empty.wall.toFixed(0)} ms${cpuText(empty)})`);

// The floor of any chevrotain-based assembler here: a process that only reads the file and
// runs the lexer over it (no parsing, no output).
const lexOnly = `import { readFileSync } from 'node:fs';
import { lexAsm } from ${JSON.stringify(join(root, 'dist/src/asm/lexer.js'))};
const text = readFileSync(process.argv[1], 'utf8');
let n = 0;
for (let s = 0; s < text.length;) { let e = text.indexOf('\\n', s + 16384); e = e < 0 ? text.length : e + 1; n += lexAsm(text.slice(s, e)).tokens.length; s = e; }
if (n === 0) process.exitCode = 1;`;
const lexed = timeProcess(process.execPath, ['--no-allocation-site-pretenuring', '--input-type=module', '-e', lexOnly, file]);
console.log(`  (a process that only lexes it with chevrotain: wall ${lexed.wall.toFixed(0)} ms${cpuText(lexed)})`);

let llvm = false;
try {
  execFileSync('llvm-mc', ['--version'], { stdio: 'ignore' });
  llvm = true;
} catch {
  console.log('llvm-mc not found: no comparison');
}
if (llvm) {
  const mc = timeProcess('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', join(dir, 'big.o'), file]);
  const ratio = Number.isFinite(mc.cpu) ? `, cpu ${(whole.cpu / mc.cpu).toFixed(2)}` : '';
  console.log(`llvm-mc -filetype=obj: wall ${mc.wall.toFixed(0)} ms (${rate(mc.wall)})${cpuText(mc)}; tsbpf-asm/llvm-mc = wall ${(whole.wall / mc.wall).toFixed(2)}${ratio}`);
}

// A ten times longer file: Node's start-up and JIT warm-up are paid once, so the two
// assemblers compare on steady-state speed (the 100k-line file above is dominated by them:
// node alone starts in ~50-80 ms and chevrotain's lexer runs cold for the first ~60 ms).
const big = join(dir, 'big10.s');
writeFileSync(big, `${lines.slice(0, -1).join('\n')}\n`.repeat(10) + 'exit\n');
const whole10 = timeProcess(process.execPath, [join(root, 'bin/tsbpf-asm.js'), 'assemble', big, '-o', join(dir, 'big10.bin')], 3);
const lines10 = (LINES - 1) * 10 + 1;
const rate10 = (ms) => `${Math.round(lines10 / (ms / 1000)).toLocaleString('en-US')} lines/s`;
let line10 = `whole process, ${lines10.toLocaleString('en-US')} lines: tsbpf-asm wall ${whole10.wall.toFixed(0)} ms (${rate10(whole10.wall)})${cpuText(whole10)}`;
if (llvm) {
  const mc10 = timeProcess('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', join(dir, 'big10.o'), big], 3);
  line10 += `; llvm-mc wall ${mc10.wall.toFixed(0)} ms (${rate10(mc10.wall)})${cpuText(mc10)}; tsbpf-asm/llvm-mc = wall ${(whole10.wall / mc10.wall).toFixed(2)}`;
}
console.log(line10);
