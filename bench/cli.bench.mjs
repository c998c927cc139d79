// Start-up of the `tsbpf-asm` process on small jobs (the README's quick start among them),
// next to a bare `node -e 0`: what the CLI itself adds. The bin runs the one-file bundle with
// its V8 code cache (dist/cli, built by `npm run build`).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuText, timeProcess } from './process-time.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/tsbpf-asm.js');
const example = join(root, 'examples/packet-filter/xdp-drop-port80.s');
const packet = join(root, 'examples/packet-filter/fixtures/http-syn.bin');

const base = timeProcess(process.execPath, ['-e', '0'], 10);
console.log(`node -e 0: wall ${base.wall.toFixed(0)} ms${cpuText(base)}`);
for (const [what, args] of [
  ['tsbpf-asm --help', ['--help']],
  ['tsbpf-asm run (quick start)', ['run', example, '--data-file', packet]],
  ['tsbpf-asm assemble --format hex', ['assemble', example, '--format', 'hex']],
  ['tsbpf-asm verify', ['verify', example]],
]) {
  const t = timeProcess(process.execPath, [bin, ...args], 10);
  console.log(`${what}: wall ${t.wall.toFixed(0)} ms${cpuText(t)}; over node -e 0: ${(t.wall - base.wall).toFixed(0)} ms`);
}
