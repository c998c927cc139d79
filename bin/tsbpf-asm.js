#!/usr/bin/env node
// Runs the CLI built by `npm install` (the `prepare` script): the one-file bundle with its
// code cache when it is there (fast start), else the compiled modules under dist/src.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCliBundle } from './cli-bundle.js';

const bundle = loadCliBundle(fileURLToPath(new URL('../dist/cli/tsbpf-asm.cjs', import.meta.url)));
let runCli;
if (bundle !== undefined) {
  runCli = bundle.exports.runCli;
} else {
  const main = new URL('../dist/src/cli/main.js', import.meta.url);
  if (!existsSync(fileURLToPath(main))) {
    process.stderr.write('error: tsbpf is not built: run `npm install` (or `npm run build`) in the package directory\n');
    process.exit(1);
  }
  ({ runCli } = await import(main.href));
}
process.exitCode = await runCli(process.argv.slice(2));
bundle?.saveCache();
