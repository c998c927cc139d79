import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bpfAvailable, closeFd, getPinned, progInfo } from '../../src/loader/index.js';
import { cli, tempDir } from './support.js';

const { put } = tempDir('tsbpf-load-cli-');
const avail = bpfAvailable();
if (!avail.ok) console.log(`skip: tsbpf-asm load tests: ${avail.reason}`);
const COUNTER = join(import.meta.dirname, '../../examples/execve-counter/execve-counter.s');
const pinDir = `/sys/fs/bpf/tsbpf-cli-${process.pid}`;

describe.skipIf(!avail.ok)('tsbpf-asm load (real kernel)', () => {
  afterAll(() => rmSync(pinDir, { recursive: true, force: true }));

  it('loads, prints id, tag and the verifier stats', async () => {
    const r = await cli('load', COUNTER);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^loaded tracepoint program 'execve_counter': id \d+, tag [0-9a-f]{16}\n/);
    expect(r.out).toMatch(/1 map\(s\) \(ids \d+\)/);
    expect(r.out).toMatch(/verifier: processed \d+ insns \(limit 1000000\).*verification time \d+ usec/);
  });

  it('pins with --pin so the program outlives the command', async () => {
    const path = `${pinDir}/counter`;
    const r = await cli('load', COUNTER, '--pin', path);
    expect(r.code).toBe(0);
    const id = Number(/id (\d+)/.exec(r.out)![1]);
    const fd = getPinned(path);
    try {
      expect(progInfo(fd).id).toBe(id);
    } finally {
      closeFd(fd);
    }
  });

  it('prints the kernel log and exits 1 on rejection', async () => {
    const bad = put('bad.s', '.prog_type xdp\nr0 = *(u64 *)(r1 + 1000)\nexit\n');
    const r = await cli('load', bad, '--log-level', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/invalid bpf_context access off=1000/);
    expect(r.err).toMatch(/^error: the kernel rejected the program: bpf\(BPF_PROG_LOAD\) of program \(type xdp, 2 insns\): EACCES \(Permission denied\)$/m);
  });

  it('prints the whole log with --log and honours --prog-type', async () => {
    const p = put('ok.s', 'r0 = 2\nexit\n');
    const r = await cli('load', p, '--prog-type', 'xdp', '--log', '--log-level', '7');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0: \(b7\) r0 = 2/);
    expect(r.out).toMatch(/loaded xdp program: id \d+/);
    const none = await cli('load', p);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/the program has no type: give --prog-type/);
  });

  it('lists programs and maps, dumps a program\'s xlated code and a map\'s entries', async () => {
    const path = `${pinDir}/listed`;
    const loaded = await cli('load', COUNTER, '--pin', path);
    const id = Number(/id (\d+)/.exec(loaded.out)![1]);
    const mapId = Number(/ids (\d+)/.exec(loaded.out)![1]);
    const progs = await cli('progs');
    expect(progs.code).toBe(0);
    expect(progs.out).toMatch(new RegExp(`^${id}: tracepoint name execve_counter tag [0-9a-f]{16} gpl$`, 'm'));
    const json = JSON.parse((await cli('progs', '--json')).out) as { id: number; mapIds: number[] }[];
    expect(json.find((p) => p.id === id)?.mapIds).toEqual([mapId]);
    const x = await cli('progs', '--xlated', String(id));
    expect(x.code).toBe(0);
    expect(x.out).toMatch(/^ {4}0: r1 = 0$/m);
    // The kernel rewrites the map fd to the map id in the dump (and inlines the array lookup).
    expect(x.out).toContain(`r1 = map[${mapId}] ll`);
    const xm = await cli('progs', '--xlated', String(id), '--syntax', 'mnemonic');
    expect(xm.out).toMatch(/^ {4}0: mov %r1, 0$/m);
    const maps = await cli('maps');
    expect(maps.out).toMatch(new RegExp(`^${mapId}: array name counts  key 4B  value 8B  max_entries 1$`, 'm'));
    const dump = await cli('maps', '--dump', String(mapId));
    expect(dump.out).toMatch(/^map counts \(array, key 4, value 8, max_entries 1\):\n {2}0 => \d+$/m);
    expect((await cli('maps', '--dump', '999999999')).err).toMatch(/BPF_MAP_GET_FD_BY_ID.*ENOENT/);
  });
});
