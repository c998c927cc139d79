// Verifier speed: our verify() (dist/src/verifier) next to the kernel's own
// `verification time N usec` (BPF_PROG_LOAD with log_level BPF_LOG_STATS) on the same corpus
// programs, including one the kernel processes 990,004 instructions of (close to the 1M limit).
// Target (issue 4): within 3x of the kernel. Kernel figures need root; elsewhere they print as "-".
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { assemble } = await import(join(root, 'dist/src/asm/index.js'));
const { verify } = await import(join(root, 'dist/src/verifier/index.js'));
const loader = await import(join(root, 'dist/src/loader/index.js'));

const FILES = [
  'pseudo-c/sock-len-filter.s',
  'pseudo-c/xdp-proto-count.s',
  'pseudo-c/xdp-ihl-variable-offset.s',
  'pseudo-c/tp-ringbuf-event.s',
  'pseudo-c/tp-pid-hash.s',
  'mnemonic/xdp-swap-mac.s',
  'mnemonic/tp-loop-100.s',
  'mnemonic/xdp-loop-990k.s',
];
const BPF_LOG_STATS = 4;
const canBpf = loader.bpfAvailable();
if (!canBpf.ok) console.log(`kernel figures skipped: ${canBpf.reason}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ours(program) {
  const runs = [];
  let result;
  const deadline = performance.now() + 3000;
  for (let i = 0; i < 25 && (i < 3 || performance.now() < deadline); i++) {
    const t0 = performance.now();
    result = verify(program, { progType: program.progType, logLevel: 0 });
    runs.push((performance.now() - t0) * 1000);
  }
  return { usec: median(runs), result };
}

function kernel(program) {
  if (!canBpf.ok) return null;
  const runs = [];
  for (let i = 0; i < 3; i++) {
    try {
      const p = loader.loadProgram(program, { logLevel: BPF_LOG_STATS, logSize: 1 << 16 });
      runs.push(p.stats.verificationTimeUsec ?? NaN);
      p.close();
    } catch (e) {
      const m = /verification time (\d+) usec/.exec(e.log ?? '');
      runs.push(m ? Number(m[1]) : NaN);
    }
  }
  return median(runs);
}

const rows = [];
for (const f of FILES) {
  const program = assemble(readFileSync(join(root, 'test/verifier/corpus', f), 'utf8'), { file: f });
  const o = ours(program);
  const k = kernel(program);
  rows.push({ f, o, k });
  const ratio = k ? (o.usec / k).toFixed(2) : '-';
  console.log(`${f.padEnd(34)} ours ${o.usec.toFixed(0).padStart(9)} us (${o.result.verdict}, ${o.result.processed} insns)  kernel ${k === null ? '-' : k.toFixed(0).padStart(9)} us  ratio ${ratio}`);
}
const withK = rows.filter((r) => r.k);
if (withK.length) {
  const geo = Math.exp(withK.reduce((a, r) => a + Math.log(r.o.usec / r.k), 0) / withK.length);
  const big = rows.at(-1);
  console.log(`geometric mean ours/kernel ${geo.toFixed(2)}x; near-1M program ${(big.o.usec / 1000).toFixed(0)} ms vs kernel ${(big.k / 1000).toFixed(0)} ms (${(big.o.usec / big.k).toFixed(2)}x); target <= 3x`);
}
