#!/usr/bin/env node
// Record the Linux kernel's verdicts on the verifier corpus into test/verifier/goldens/.
//
// Usage (as root, where bpf(2) works):   node scripts/record-verifier-goldens.mjs [NAME-FILTER]
//
// The corpus and the recorder are TypeScript under test/verifier/, and Node 20 cannot run
// TypeScript, so this script first compiles the repository (tsc -p tsconfig.json, the same
// strict settings the tests type-check with) into node_modules/.cache/tsbpf-verifier-goldens, then runs
// test/verifier/kernel/record.js from there against this checkout. With a filter, only the
// programs whose name contains it are re-recorded; the other goldens are kept. Without a
// filter it also records the kernel's level-1 and level-2 logs of the hand-written programs
// into test/verifier/goldens/logs/.
// Never hand-edit the goldens: re-run this script.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules so the compiled files resolve koffi and chevrotain from this checkout.
const out = join(root, 'node_modules', '.cache', 'tsbpf-verifier-goldens');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
try {
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.json'), '--outDir', out, '--noEmit', 'false', '--declaration', 'false', '--sourceMap', 'false'], { cwd: root, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree do not stop tsc from emitting; the import below fails if ours did not compile.
  }
  const mod = await import(pathToFileURL(join(out, 'test', 'verifier', 'kernel', 'record.js')).href);
  mod.recordGoldens(root, (line) => console.log(line), process.argv[2]);
  if (process.argv[2] === undefined) mod.recordLogGoldens(root, (line) => console.log(line));
} finally {
  rmSync(out, { recursive: true, force: true });
}
