import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgramFile, parseHexText } from '../../src/cli/input.js';
import { assemble } from '../../src/asm/assemble.js';
import { BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP, encode } from '../../src/isa/index.js';
import { have, llvmMcObject } from '../tools.js';
import { cli, tempDir } from './support.js';

const { dir, put } = tempDir('tsbpf-input-');
const EXIT0 = Uint8Array.from([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);

describe('loadProgramFile', () => {
  it('assembles .s source in either dialect', async () => {
    const a = await loadProgramFile(put('a.s', 'mov %r0, 0\nexit\n'));
    expect(a.kind).toBe('asm');
    expect(encode(a.program.insns)).toEqual(EXIT0);
  });

  it('decodes .bin and any binary file', async () => {
    expect(encode((await loadProgramFile(put('p.bin', EXIT0))).program.insns)).toEqual(EXIT0);
    const other = await loadProgramFile(put('p.raw', EXIT0));
    expect(other.kind).toBe('bin');
  });

  it('decodes hex text in byte order and as 0x words', async () => {
    const a = await loadProgramFile(put('p.hex', 'b7 00 00 00 00 00 00 00\n95 00 00 00 00 00 00 00\n'));
    expect(a.kind).toBe('hex');
    expect(encode(a.program.insns)).toEqual(EXIT0);
    const b = await loadProgramFile(put('p.txt', '0x00000000000000b7 # mov\n0x0000000000000095\n'));
    expect(encode(b.program.insns)).toEqual(EXIT0);
    expect(parseHexText('b70000000000000095000000 00000000')).toEqual(EXIT0);
    expect(parseHexText('r0 = 1')).toBeUndefined();
  });

  it('reads .data with mem and expected result', async () => {
    const a = await loadProgramFile(put('t.data', '-- asm\nldxb %r0, [%r1]\nexit\n-- mem\n2a\n-- result\n0x2a\n'));
    expect(a.kind).toBe('data');
    expect(a.mem).toEqual(Uint8Array.from([0x2a]));
    expect(a.expected).toBe(0x2an);
  });

  it('names the path of a missing file', async () => {
    await expect(loadProgramFile(join(dir, 'nope.s'))).rejects.toThrow(/cannot read '.*nope\.s': no such file/);
  });

  it('names the instruction and field of a decode error', async () => {
    await expect(loadProgramFile(put('bad.bin', Uint8Array.from([...EXIT0, 0xff, 0, 0, 0, 0, 0, 0, 0]))))
      .rejects.toThrow(/bad\.bin: insn 2: opcode: unknown opcode 0xff/);
  });

  it('reports assembler errors with the file name', async () => {
    await expect(loadProgramFile(put('e.s', 'r0 = 1\nr11 = 2\n'))).rejects.toThrow(/e\.s:2:1: error:/);
  });
});

const llvm = have('llvm-mc');
if (!llvm) console.log('skip: llvm-mc not installed, no ELF objects for the CLI to read');

/** An ELF object from llvm-mc source, named `name` (any extension: objects are known by their magic). */
const object = (name: string, source: string): string => put(name, readFileSync(llvmMcObject(source)));

const TWO_PROGRAMS = `
	.section xdp,"ax",@progbits
	.globl xdp_prog
xdp_prog:
	r1 = counts ll
	r0 = 2
	exit
	.section socket,"ax",@progbits
	.globl sock
sock:
	call twice
	exit
	.text
	.type twice,@function
twice:
	r0 = 21
	r0 *= 2
	exit
	.size twice, .-twice
	.section maps,"aw",@progbits
	.globl counts
counts:
	.long 2
	.long 4
	.long 8
	.long 1
	.long 0
	.section license,"aw",@progbits
	.asciz "GPL"
`;

const call = cli;

describe.skipIf(!llvm)('loadProgramFile on ELF objects', () => {
  const o = llvm ? object('two.o', TWO_PROGRAMS) : '';

  it('links the first program, and another by FILE:SECTION or { section }', async () => {
    const a = await loadProgramFile(o);
    expect(a.kind).toBe('elf');
    expect(a.section).toBe('xdp');
    expect(a.sections).toEqual(['xdp', 'socket']);
    expect(a.program.progType).toBe(BPF_PROG_TYPE_XDP);
    expect(a.program.license).toBe('GPL');
    expect(a.program.maps.map((m) => m.name)).toEqual(['counts']);
    const ours = assemble('.map counts, array, key=4, value=8, entries=1\nr1 = map[counts] ll\nr0 = 2\nexit\n');
    expect(a.program.insns).toEqual(ours.insns);
    const b = await loadProgramFile(`${o}:socket`);
    expect(b.section).toBe('socket');
    expect(b.program.progType).toBe(BPF_PROG_TYPE_SOCKET_FILTER);
    expect(encode(b.program.insns)).toEqual(encode(assemble('call twice\nexit\ntwice:\nr0 = 21\nr0 *= 2\nexit\n').insns));
    expect((await loadProgramFile(o, { section: 'sock' })).program.insns).toEqual(b.program.insns);
  });

  it('reads an object whatever its file name says', async () => {
    const bin = put('obj.bin', readFileSync(o));
    expect((await loadProgramFile(bin)).kind).toBe('elf');
  });

  it('names the file, section and relocation of a bad object, and which program it was linking', async () => {
    const g = object('global.o', '\t.section xdp,"ax",@progbits\n\tr1 = val + 4 ll\n\texit\n\t.section socket,"ax",@progbits\n\texit\n\t.data\n\t.globl val\nval:\n\t.long 1\n');
    await expect(loadProgramFile(g)).rejects.toThrow(
      /global\.o: section 'xdp': relocation 0 \(in '\.relxdp'\) at insn 0: lddw refers to 'val' \+ 4, outside '\.data' \(4 bytes\) \(while linking 'xdp', the first of 2 programs: 'xdp', 'socket'; choose one with .*global\.o:NAME\)/);
    await expect(loadProgramFile(`${g}:socket`)).resolves.toMatchObject({ section: 'socket' });
    await expect(loadProgramFile(`${o}:nope`)).rejects.toThrow(/two\.o: no program section or function named 'nope' \(programs: 'xdp', 'socket'\)/);
    await expect(loadProgramFile(put('short.o', readFileSync(o).subarray(0, 30)))).rejects.toThrow(/short\.o: truncated ELF header/);
    await expect(loadProgramFile(put('x.s', 'exit\n'), { section: 'xdp' })).rejects.toThrow(/--section 'xdp': .*x\.s is not an ELF object/);
    await expect(loadProgramFile(join(dir, 'missing.o:xdp'))).rejects.toThrow(/cannot read '.*missing\.o:xdp': no such file/);
  });

  it('runs, verifies and disassembles an object through the CLI', async () => {
    expect(await call('run', `${o}:socket`)).toEqual({ code: 0, out: '0x2a\n', err: '' });
    const v = await call('verify', `${o}:socket`);
    expect(v.code).toBe(0);
    const d = await call('disasm', o);
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/map\[counts\]/);
    const bad = await call('run', `${o}:nope`);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error: .*two\.o: no program section or function named 'nope'/);
  });
});
