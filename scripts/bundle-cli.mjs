// Bundles the compiled CLI (dist/src/cli/main.js, from tsc) into one CommonJS file,
// dist/cli/tsbpf-asm.cjs, and writes its V8 code cache after running a few commands in
// process, so that `tsbpf-asm` starts without resolving and compiling ~100 modules.
// Run by `npm run build`. koffi (a native addon, loaded lazily) stays outside.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { loadCliBundle } from '../bin/cli-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/cli/tsbpf-asm.cjs');

// src/asm/chevrotain.ts picks chevrotain's prebuilt file at run time with a top-level await;
// in the bundle a static import does, so the bundler takes only what the lexer uses.
const chevrotainStatic = {
  name: 'tsbpf-chevrotain-static',
  load(id) {
    if (id.replaceAll('\\', '/').endsWith('/dist/src/asm/chevrotain.js')) return "export { createToken, Lexer } from 'chevrotain';\n";
    return null;
  },
};

const bundle = await rolldown({
  input: join(root, 'dist/src/cli/main.js'),
  platform: 'node',
  external: ['koffi'],
  plugins: [chevrotainStatic],
  logLevel: 'warn',
});
rmSync(`${out}.cache`, { force: true });
await bundle.write({ file: out, format: 'cjs', codeSplitting: false, minify: true });
await bundle.close();

// Run the commonest commands once, silently, so the cache holds their compiled functions.
const loaded = loadCliBundle(out);
const quiet = { stdout: () => {}, stderr: () => {} };
const example = join(root, 'examples/packet-filter/xdp-drop-port80.s');
const packet = join(root, 'examples/packet-filter/fixtures/http-syn.bin');
for (const argv of [
  ['assemble', example, '--format', 'hex'],
  ['disasm', join(root, 'examples/hello/hello.s')],
  ['run', example, '--data-file', packet],
  ['verify', example],
]) {
  const code = await loaded.exports.runCli(argv, quiet);
  if (code !== 0) throw new Error(`bundle check failed: tsbpf-asm ${argv.join(' ')} exited ${code}`);
}
loaded.saveCache(true);
console.log(`bundled ${out} (${Math.round(readFileSync(out).length / 1024)} KiB) with its code cache`);
