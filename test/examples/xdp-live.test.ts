/**
 * xdp-drop-port80 attached for real: a veth pair between two network namespaces we
 * create; from one side, TCP connects to port 80 and 443 of the other. Without the
 * program both are refused (RST: nobody listens); with it on the receiving veth, the
 * SYN to port 80 is dropped (the connect times out) while 443 is still refused.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { attachXdp, loadProgram } from '../../src/loader/index.js';
import { announceKernel, exampleProgram } from './example-kit.js';

const hasTools = (() => {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync('python3', ['-c', 'import socket'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasTools) console.log('skip: xdp-drop-port80 on a veth pair: needs the ip command and python3');
const canRun = announceKernel('xdp-drop-port80 on a veth pair') && hasTools;

const CONNECT = [
  'import socket, sys',
  's = socket.socket(); s.settimeout(float(sys.argv[3]))',
  'try:',
  '    s.connect((sys.argv[1], int(sys.argv[2]))); print("connected")',
  'except socket.timeout: print("timeout")',
  'except ConnectionRefusedError: print("refused")',
].join('\n');

describe.runIf(canRun)('xdp-drop-port80 on a veth pair', () => {
  test('drops the SYN to port 80, not the one to 443', () => {
    const tag = `tsbpfx${process.pid % 100000}`;
    const nsA = `${tag}a`, nsB = `${tag}b`;
    const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: 'pipe' });
    const connect = (port: number, timeout = 0.7): string =>
      execFileSync('ip', ['netns', 'exec', nsA, 'python3', '-c', CONNECT, '10.77.0.2', String(port), String(timeout)], { encoding: 'utf8' }).trim();
    try {
      ip('netns', 'add', nsA);
      ip('netns', 'add', nsB);
      ip('link', 'add', 'va', 'netns', nsA, 'type', 'veth', 'peer', 'name', 'vb', 'netns', nsB);
      ip('-n', nsA, 'addr', 'add', '10.77.0.1/24', 'dev', 'va');
      ip('-n', nsB, 'addr', 'add', '10.77.0.2/24', 'dev', 'vb');
      for (const [ns, dev] of [[nsA, 'va'], [nsB, 'vb'], [nsA, 'lo'], [nsB, 'lo']] as const) ip('-n', ns, 'link', 'set', dev, 'up');

      expect(connect(80)).toBe('refused');
      expect(connect(443)).toBe('refused');
      {
        using prog = loadProgram(exampleProgram('packet-filter/xdp-drop-port80.s'));
        using _attached = attachXdp(prog, 'vb', { netns: nsB });
        expect(connect(80)).toBe('timeout');
        expect(connect(443)).toBe('refused');
      }
      expect(connect(80)).toBe('refused'); // detached
    } finally {
      for (const ns of [nsA, nsB]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // not created
        }
      }
    }
  });
});
