// The one-file CLI bundle that bin/tsbpf-asm.js runs (scripts/bundle-cli.mjs builds it in
// `npm run build`): it must behave as the modules do, and its code cache must be used only
// when it was made from the same bundle text.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCliBundle } from '../../bin/cli-bundle.js';
import { runCli } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '..', '..');
const built = join(root, 'dist/cli/tsbpf-asm.cjs');
const example = join(root, 'examples/packet-filter/xdp-drop-port80.s');
const packet = join(root, 'examples/packet-filter/fixtures/http-syn.bin');

function capture(): { io: { stdout: (t: string) => void; stderr: (t: string) => void }; out: () => string } {
  let text = '';
  return { io: { stdout: (t) => { text += t; }, stderr: (t) => { text += t; } }, out: () => text };
}

/** A copy of the built bundle in a fresh directory, without a cache. */
function copyBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bundle-'));
  const file = join(dir, 'tsbpf-asm.cjs');
  copyFileSync(built, file);
  return file;
}

describe('CLI bundle', () => {
  it('is built with its code cache by npm run build', () => {
    expect(existsSync(built), `${built} is missing: run npm run build`).toBe(true);
    expect(existsSync(`${built}.cache`)).toBe(true);
  });

  it('prints what the modules print, for assemble, disasm, run and errors', async () => {
    const bundle = loadCliBundle(copyBundle())!;
    const source = join(mkdtempSync(join(tmpdir(), 'tsbpf-bundle-src-')), 'bad.s');
    writeFileSync(source, 'r0 = 1\nr11 = 2\nexit\n');
    for (const argv of [
      ['assemble', example, '--format', 'c'],
      ['disasm', example, '--syntax', 'mnemonic'],
      ['run', example, '--data-file', packet],
      ['assemble', source],
      ['assemble', '--format', 'nope', example],
    ]) {
      const a = capture();
      const b = capture();
      const codeA = await bundle.exports.runCli(argv, a.io);
      const codeB = await runCli(argv, b.io);
      expect([codeA, a.out()]).toEqual([codeB, b.out()]);
    }
  });

  it('uses a cache made from the same text, and ignores a stale or corrupt one', () => {
    // Each load in a fresh process: within one process V8 reuses its own compilation of the
    // same text and never looks at the cache.
    const loader = join(root, 'bin/cli-bundle.js');
    const load = (file: string): { usedCache: boolean; out: string } => {
      const script = `import { loadCliBundle } from ${JSON.stringify(loader)};
        const b = loadCliBundle(${JSON.stringify(file)});
        let out = '';
        const code = await b.exports.runCli(['run', ${JSON.stringify(example)}, '--data-file', ${JSON.stringify(packet)}], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; } });
        b.saveCache();
        process.stdout.write(JSON.stringify({ usedCache: b.usedCache, out: code + ' ' + out }));`;
      return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { usedCache: boolean; out: string };
    };
    const file = copyBundle();
    expect(load(file)).toEqual({ usedCache: false, out: '0 0x1\n' });
    expect(load(file)).toEqual({ usedCache: true, out: '0 0x1\n' });

    // Same length, other text: the cache must not be offered to V8.
    const text = readFileSync(file, 'utf8');
    const i = text.indexOf('eBPF assembler');
    expect(i).toBeGreaterThan(0);
    writeFileSync(file, `${text.slice(0, i)}EBPF${text.slice(i + 4)}`);
    expect(load(file).usedCache).toBe(false);
    expect(load(file).usedCache).toBe(true);

    // Right hash, garbage data: V8 rejects it and the bundle still runs (and rewrites it).
    const cache = readFileSync(`${file}.cache`);
    cache.fill(0x5a, 40);
    writeFileSync(`${file}.cache`, cache);
    expect(load(file)).toEqual({ usedCache: false, out: '0 0x1\n' });
    expect(load(file).usedCache).toBe(true);
  });

  it('is what the bin runs', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin/tsbpf-asm.js'), 'run', example, '--data-file', packet], { encoding: 'utf8' });
    expect(out.trim()).toBe('0x1');
  });
});
