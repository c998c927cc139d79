/**
 * packet-filter: the XDP and socket-filter port-80 droppers on the fixtures of
 * examples/packet-filter/fixtures, in the VM, our verifier and the kernel's test run.
 */
import { describe, expect, test } from 'vitest';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP } from '../../src/isa/prog-types.js';
import { loadProgram } from '../../src/loader/index.js';
import { announceKernel, exampleBytes, exampleProgram } from './example-kit.js';

interface Fixture {
  readonly file: string;
  readonly what: string;
  readonly bytes: number;
  readonly xdp: 1 | 2;
  readonly socketFilter: 'drop' | 'keep';
}

const fixtures = JSON.parse(Buffer.from(exampleBytes('packet-filter/fixtures/fixtures.json')).toString('utf8')) as Fixture[];
const packet = (f: Fixture): Uint8Array => exampleBytes(`packet-filter/fixtures/${f.file}`);
const xdp = exampleProgram('packet-filter/xdp-drop-port80.s');
const sock = exampleProgram('packet-filter/sock-drop-port80.s');
const ETH_HLEN = 14;

/** What the socket filter must return: 0, or the whole packet as it sees it (from the network header). */
const sockExpected = (f: Fixture): number => (f.socketFilter === 'drop' ? 0 : f.bytes - ETH_HLEN);

describe('packet-filter fixtures', () => {
  test('the fixtures are what fixtures.json says', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const f of fixtures) expect(packet(f).byteLength, f.file).toBe(f.bytes);
    // both verdicts occur for both filters
    expect(new Set(fixtures.map((f) => f.xdp))).toEqual(new Set([1, 2]));
    expect(new Set(fixtures.map((f) => f.socketFilter))).toEqual(new Set(['drop', 'keep']));
  });

  test('the programs carry their types', () => {
    expect(xdp.progType).toBe(BPF_PROG_TYPE_XDP);
    expect(sock.progType).toBe(BPF_PROG_TYPE_SOCKET_FILTER);
  });
});

describe.runIf(announceKernel('packet-filter test runs'))('packet-filter in the kernel (BPF_PROG_TEST_RUN)', () => {
  test('XDP: the kernel accepts it and answers fixtures.json on every fixture', () => {
    using prog = loadProgram(xdp);
    for (const f of fixtures) expect(prog.testRun({ data: packet(f) }).retval, f.file).toBe(f.xdp);
  });

  test('socket filter: the kernel accepts it and answers fixtures.json on every fixture', () => {
    using prog = loadProgram(sock);
    for (const f of fixtures) expect(prog.testRun({ data: packet(f) }).retval, f.file).toBe(sockExpected(f));
  });
});
