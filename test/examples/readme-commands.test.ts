/**
 * Every `tsbpf-asm` command in examples/README.md works as written (run in-process
 * with runCli): `run` and `verify` everywhere, `load`, `test-run` and `attach` where
 * bpf(2) works (attach for one second instead of the README's duration). Attaching a
 * printk program is left out: `attach` then reads the system-wide trace_pipe, whose
 * lines would be taken from other tests reading it at the same time (hello.test.ts
 * attaches hello through the loader with a private trace instance instead).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { announceKernel, examplePath } from './example-kit.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(examplePath('README.md'), 'utf8');
const commands = [...readme.matchAll(/^(?:sudo )?node bin\/tsbpf-asm\.js (.+)$/gm)].map((m) => m[1]!.trim());
const needsKernel = (argv: readonly string[]): boolean => ['load', 'test-run', 'attach'].includes(argv[0]!);
const readsTracePipe = (argv: readonly string[]): boolean => argv[0] === 'attach' && /hello|write-from-pid/.test(argv[1]!);
const canBpf = announceKernel('the README\'s load / test-run / attach commands');

/** What the README says some commands print. */
const expectedOut: ReadonlyArray<readonly [command: RegExp, stdout: RegExp]> = [
  [/^run examples\/hello\//, /^Get\n0x0\n$/],
  [/^run examples\/write-from-pid\//, /^0x0\n$/],
  [/^run examples\/execve-counter\//, /^0x0\n$/],
  [/^run examples\/exec-tracer\/exec-tracer\.s/, /"perf":\[\{"map":"pb","cpu":0,"data":"92100000747362706600/],
  [/^run examples\/exec-tracer\/exec-tracer-ringbuf\.s/, /"ringbuf":\[\{"map":"rb","data":"92100000747362706600/],
  [/^run examples\/packet-filter\/xdp-drop-port80\.s .*http-syn\.bin/, /^0x1\n$/],
  [/^run examples\/packet-filter\/sock-drop-port80\.s .*https-syn\.bin/, /^0x28\n$/],
  [/^verify /, /accepted/],
  [/^test-run .*--compare/, /match/],
];

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const code = await runCli(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    return { code, out, err };
  } finally {
    process.chdir(cwd);
  }
}

describe('examples/README.md commands', () => {
  test('the README has run and verify commands for every example program', () => {
    const files = new Set(commands.map((c) => c.split(/\s+/)[1]));
    for (const f of ['hello/hello.s', 'write-from-pid/write-from-pid.s', 'execve-counter/execve-counter.s', 'exec-tracer/exec-tracer.s',
      'exec-tracer/exec-tracer-ringbuf.s', 'packet-filter/xdp-drop-port80.s', 'packet-filter/sock-drop-port80.s']) {
      expect(commands.some((c) => c.startsWith(`run examples/${f}`)), `run ${f}`).toBe(true);
      expect(commands.some((c) => c.startsWith(`verify examples/${f}`)), `verify ${f}`).toBe(true);
    }
    expect(files.size).toBeGreaterThan(0);
  });

  for (const command of commands) {
    const argv = command.split(/\s+/).map((a, i, all) => (all[i - 1] === '--duration' ? '1' : a));
    if (readsTracePipe(argv)) continue;
    test.runIf(!needsKernel(argv) || canBpf)(`tsbpf-asm ${command}`, async () => {
      const r = await cli(argv);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out.length).toBeGreaterThan(0);
      for (const [c, out] of expectedOut) if (c.test(command)) expect(r.out).toMatch(out);
    });
  }
});
