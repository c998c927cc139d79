#!/usr/bin/env node
// Runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('error: tsbpf is not built: run `npm install` (or `npm run build`) in the package directory\n');
  process.exit(1);
}
if (process.argv[2] === 'assemble') {
  // Assembling a long file allocates one instruction object per line, all of which live to
  // the end. V8's allocation-site pretenuring then switches those allocation sites to the
  // old generation mid-run, which throws away the optimized tokenizer and parsers and
  // compiles them again (~10% of the process's CPU time). A GC heuristic only: the output
  // is the same either way.
  setFlagsFromString('--no-allocation-site-pretenuring');
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
