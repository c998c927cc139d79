// writeBpfObject: our objects read back to the same Program, list in llvm-objdump with the
// relocations clang would emit, and load through the system's libbpf into the kernel with the
// same translated code as our own loader gives it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { ElfError, encode, programFromObject, readBpfObject, writeBpfObject, type Program } from '../../src/isa/index.js';
import { bpfAvailable, loadProgram, progInfo, testRunFd } from '../../src/loader/index.js';
import { Vm } from '../../src/vm/index.js';
import { have } from '../tools.js';
import { normalizeMapIds, openLibbpf, type Libbpf } from './libbpf.js';

const root = join(import.meta.dirname, '..', '..');
const examples = [
  'hello/hello.s', 'execve-counter/execve-counter.s', 'write-from-pid/write-from-pid.s', 'exec-tracer/exec-tracer.s',
  'exec-tracer/exec-tracer-ringbuf.s', 'packet-filter/xdp-drop-port80.s', 'packet-filter/sock-drop-port80.s',
];
const example = (f: string): Program => assemble(readFileSync(join(root, 'examples', f), 'utf8'), { file: f });

/** XDP with maps of three kinds and calls into two subprograms, one calling the other. */
const CALLS = `.prog_type xdp
.license "GPL"
.name calls
.map counts, array, key=4, value=8, entries=4
.map seen, hash, key=4, value=4, entries=64, flags=1
.map events, ringbuf, key=0, value=0, entries=4096
    r6 = r1
    r1 = 3
    call double_plus_one
    r7 = r0
    *(u32 *)(r10 - 4) = 1
    r1 = map[counts] ll
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem
    if r0 == 0 goto out
    *(u64 *)(r0 + 0) = r7
out:
    r1 = r7
    call double_plus_one
    r0 &= 3
    exit
double_plus_one:
    r1 += r1
    call plus_one
    exit
plus_one:
    r0 = r1
    r0 += 1
    exit
`;

/** Global data: a .rodata string and a .data counter, read and written through map_value. */
const GLOBALS = `.prog_type xdp
.license "GPL"
.rodata greeting, "hi!"
.data counter, u32 41, zero 4
    r6 = map_value[counter] ll
    r1 = *(u32 *)(r6 + 0)
    r1 += 1
    *(u32 *)(r6 + 0) = r1
    r2 = map_value[greeting] + 2 ll
    r0 = *(u8 *)(r2 + 0)
    r0 += r1
    exit
`;

const same = (a: Program, b: Program): void => {
  expect(Buffer.from(encode(b.insns)).toString('hex')).toBe(Buffer.from(encode(a.insns)).toString('hex'));
  expect(b.maps).toEqual(a.maps);
  expect([b.progType, b.license]).toEqual([a.progType, a.license]);
};

describe('writeBpfObject', () => {
  it('reads back to the same program (code, maps, type, license), for every example and for calls', () => {
    for (const f of examples) same(example(f), programFromObject(readBpfObject(writeBpfObject(example(f)))));
    const p = assemble(CALLS);
    const back = programFromObject(readBpfObject(writeBpfObject(p)));
    same(p, back);
    expect(back.symbols.map((s) => s.name)).toEqual(expect.arrayContaining(['double_plus_one', 'plus_one']));
  });

  it('lays the object out as clang does: the entry in its section, subprograms in .text, R_BPF_64_64 and R_BPF_64_32', () => {
    if (!have('llvm-objdump') || !have('llvm-readelf')) {
      console.log('skip: llvm-objdump / llvm-readelf not found, no listing of our objects');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-elfw-'));
    writeFileSync(join(dir, 'c.o'), writeBpfObject(assemble(CALLS)));
    const listing = execFileSync('llvm-objdump', ['-d', '-r', join(dir, 'c.o')], { encoding: 'utf8' });
    expect(listing).toMatch(/Disassembly of section xdp:\n\n0+ <calls>:/);
    expect(listing).toMatch(/Disassembly of section \.text:\n\n0+ <double_plus_one>:/);
    expect(listing).toMatch(/R_BPF_64_32\s+double_plus_one/);
    expect(listing).toMatch(/R_BPF_64_64\s+counts/);
    const headers = execFileSync('llvm-readelf', ['-S', '-s', join(dir, 'c.o')], { encoding: 'utf8' });
    for (const s of ['.relxdp', '.maps', '.BTF', 'license']) expect(headers).toContain(s);
  });

  it('writes global data as .rodata.NAME / .data.NAME sections that read back with their contents', () => {
    const p = assemble(GLOBALS);
    const back = programFromObject(readBpfObject(writeBpfObject(p)));
    const data = (q: Program) => q.maps.map((m) => [Buffer.from(m.initialValue!).toString('hex'), m.frozen === true, m.flags]).sort();
    expect(data(back)).toEqual(data(p));
    // Same code up to the maps' order and names: run both.
    expect(new Vm(back).run({ packet: new Uint8Array(16) }).r0).toBe(new Vm(p).run({ packet: new Uint8Array(16) }).r0);
    expect(new Vm(p).run({ packet: new Uint8Array(16) }).r0).toBe(BigInt('!'.charCodeAt(0) + 42));
  });

  it('names the instructions it cannot write', () => {
    expect(() => writeBpfObject(assemble('.prog_type xdp\nr1 = func[f] ll\nr0 = 0\nexit\nf:\nr0 = 0\nexit'))).toThrow(/instruction 0: func\[\.\.\.\] callbacks/);
    expect(() => writeBpfObject(assemble('r0 = 0\nexit'))).toThrow(ElfError);
    expect(() => writeBpfObject(assemble('.prog_type xdp\nr0 = 0\ncall f\nexit\nf:\nif r1 > 1 goto +2\nr0 = 1\nexit'))).toThrow(/jumps out of its function/);
  });
});

const avail = bpfAvailable();
const libbpf: Libbpf | string = avail.ok ? openLibbpf() : avail.reason;
if (typeof libbpf === 'string') console.log(`skip: objects through libbpf into the kernel: ${libbpf}`);

describe.skipIf(typeof libbpf === 'string')('our objects through the system libbpf, into the kernel', () => {
  it('every example and the call graph load, with the xlated code our loader gives the kernel', () => {
    for (const p of [...examples.map(example), assemble(CALLS)]) {
      const loaded = (libbpf as Libbpf).load(writeBpfObject(p));
      try {
        expect(loaded.programs.size).toBe(1);
        const fd = [...loaded.programs.values()][0]!;
        using ours = loadProgram(p);
        expect(normalizeMapIds(progInfo(fd).xlated)).toEqual(normalizeMapIds(progInfo(ours.fd).xlated));
      } finally {
        loaded.close();
      }
    }
  });

  it('global data loads through libbpf and the program sees its contents', () => {
    const loaded = (libbpf as Libbpf).load(writeBpfObject(assemble(GLOBALS)));
    try {
      const fd = loaded.programs.get('xdp')!;
      expect(testRunFd(fd, { data: new Uint8Array(64) }).retval).toBe('!'.charCodeAt(0) + 42);
      expect(testRunFd(fd, { data: new Uint8Array(64) }).retval).toBe('!'.charCodeAt(0) + 43);
    } finally {
      loaded.close();
    }
  });

  it('a test run of the libbpf-loaded XDP program returns what the program computes', () => {
    const loaded = (libbpf as Libbpf).load(writeBpfObject(assemble(CALLS)));
    try {
      // double_plus_one(3) = 7, then double_plus_one(7) = 15, & 3 = 3 (XDP_TX).
      const r = testRunFd(loaded.programs.get('xdp')!, { data: new Uint8Array(64) });
      expect(r.retval).toBe(3);
    } finally {
      loaded.close();
    }
  });

  it('iproute2 attaches our XDP object to a device (ip link set dev lo xdpgeneric obj ... sec xdp)', () => {
    if (!have('ip')) {
      console.log('skip: iproute2 (ip) not found, no attach through it');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-elfw-ip-'));
    const obj = join(dir, 'xdp.o');
    writeFileSync(obj, writeBpfObject(example('packet-filter/xdp-drop-port80.s')));
    const ns = `tsbpf-elfw-${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      execFileSync('ip', ['-n', ns, 'link', 'set', 'dev', 'lo', 'xdpgeneric', 'obj', obj, 'sec', 'xdp']);
      expect(execFileSync('ip', ['-n', ns, 'link', 'show', 'lo'], { encoding: 'utf8' })).toMatch(/prog\/xdp id \d+ name xdp_drop_80/);
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });
});
