import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import {
  BPF_CGROUP_INET_INGRESS, BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_PROG_TYPE_SCHED_CLS,
  BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_TRACING, BPF_PROG_TYPE_XDP, BPF_TRACE_FENTRY, BPF_XDP, encode,
} from '../../src/isa/index.js';
import { ElfError, programFromObject, programNames, progTypeFromSection, readBpfObject } from '../../src/isa/elf.js';
import type { Program } from '../../src/isa/program.js';
import { loadProgram } from '../../src/loader/index.js';
import { kernelAvailable } from '../loader/support.js';
import { have } from '../tools.js';

const llvm = have('llvm-mc');
if (!llvm) console.log('skip: llvm-mc not installed, no ELF objects to read (only the section-name table is tested)');

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-elf-'));
let nth = 0;
/** Assemble `.s` text with llvm-mc into an ELF object. */
function mc(source: string): Uint8Array {
  const base = join(dir, `o${nth++}`);
  writeFileSync(`${base}.s`, source);
  execFileSync('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', `${base}.o`, `${base}.s`]);
  return new Uint8Array(readFileSync(`${base}.o`));
}

const MAPS = `
	.section maps,"aw",@progbits
	.globl counts
counts:
	.long 2
	.long 4
	.long 8
	.long 1
	.long 0
	.globl table
table:
	.long 1
	.long 4
	.long 16
	.long 64
	.long 1
	.section license,"aw",@progbits
	.asciz "GPL"
`;

/** Three program sections, two maps, a license, calls within a section and into .text. */
const OBJECT = `
	.section xdp,"ax",@progbits
	.globl prog
	.type prog,@function
prog:
	r1 = counts ll
	r6 = r1
	call helper
	call inner
	if r0 == 0 goto done
	r0 = 2
done:
	exit
inner:
	r1 = table ll
	r0 = 1
	exit
	.size prog, .-prog

	.section socket,"ax",@progbits
	.globl sock
	.type sock,@function
sock:
	call helper2
	exit
	.size sock, .-sock

	.section tracepoint/syscalls/sys_enter_execve,"ax",@progbits
	.globl tp
tp:
	r0 = 0
	exit

	.text
	.type helper,@function
helper:
	r0 = 3
	call helper2
	exit
	.size helper, .-helper
	.type helper2,@function
helper2:
	r1 = counts ll
	r0 = 4
	exit
	.size helper2, .-helper2
${MAPS}`;

/** An XDP program counting in a global .bss variable, and reading a static one (section symbol + 16). */
const BSS = `
	.section xdp,"ax",@progbits
	.globl count
count:
	r1 = counter ll
	r2 = 1
	lock *(u64 *)(r1 + 0) += r2
	r1 = hidden ll
	r0 = *(u64 *)(r1 + 0)
	r0 = 2
	exit
	.bss
	.globl counter
counter:
	.zero 8
pad:
	.zero 8
hidden:
	.zero 8
${MAPS}`;

/** An XDP program passing a static callback in .text (at offset 16: the relocation's addend) to bpf_loop. */
const CALLBACK = `
	.section xdp,"ax",@progbits
	.globl loop_prog
loop_prog:
	r1 = 4
	r2 = scb ll
	r3 = 0
	r4 = 0
	call 181
	r0 = 2
	exit
	.text
	.type cb,@function
cb:
	r0 = 0
	exit
	.size cb, .-cb
	.type scb,@function
scb:
	r0 = 1
	exit
	.size scb, .-scb
	.section license,"aw",@progbits
	.asciz "GPL"
`;

/** The same `xdp` program as one source for our assembler (callees appended as libbpf links them). */
const OURS_XDP = `
.prog_type xdp
.license "GPL"
.map counts, array, key=4, value=8, entries=1
.map table, hash, key=4, value=16, entries=64, flags=1
prog:
	r1 = map[counts] ll
	r6 = r1
	call helper
	call inner
	if r0 == 0 goto done
	r0 = 2
done:
	exit
inner:
	r1 = map[table] ll
	r0 = 1
	exit
helper:
	r0 = 3
	call helper2
	exit
helper2:
	r1 = map[counts] ll
	r0 = 4
	exit
`;

const OURS_SOCKET = `
.prog_type socket_filter
.license "GPL"
.map counts, array, key=4, value=8, entries=1
.map table, hash, key=4, value=16, entries=64, flags=1
sock:
	call helper2
	exit
helper2:
	r1 = map[counts] ll
	r0 = 4
	exit
`;

const same = (a: Program, b: Program): void => {
  expect(encode(a.insns)).toEqual(encode(b.insns));
  expect(a.insns).toEqual(b.insns);
  expect(a.maps).toEqual(b.maps);
  expect(a.license).toBe(b.license);
  expect(a.progType).toBe(b.progType);
  expect(a.symbols).toEqual(b.symbols);
};

describe('progTypeFromSection', () => {
  it('reads section names as libbpf does', () => {
    expect(progTypeFromSection('xdp')).toEqual({ progType: BPF_PROG_TYPE_XDP, expectedAttachType: BPF_XDP });
    expect(progTypeFromSection('xdp_prog')).toEqual({ progType: BPF_PROG_TYPE_XDP, expectedAttachType: BPF_XDP });
    expect(progTypeFromSection('socket')?.progType).toBe(BPF_PROG_TYPE_SOCKET_FILTER);
    expect(progTypeFromSection('socket1')?.progType).toBe(BPF_PROG_TYPE_SOCKET_FILTER);
    expect(progTypeFromSection('tracepoint/syscalls/sys_enter_execve')?.progType).toBe(BPF_PROG_TYPE_TRACEPOINT);
    expect(progTypeFromSection('tp/sched/sched_switch')?.progType).toBe(BPF_PROG_TYPE_TRACEPOINT);
    expect(progTypeFromSection('raw_tp/sys_enter')?.progType).toBe(BPF_PROG_TYPE_RAW_TRACEPOINT);
    expect(progTypeFromSection('kprobe/do_unlinkat')?.progType).toBe(BPF_PROG_TYPE_KPROBE);
    expect(progTypeFromSection('classifier')?.progType).toBe(BPF_PROG_TYPE_SCHED_CLS);
    expect(progTypeFromSection('tc')?.progType).toBe(BPF_PROG_TYPE_SCHED_CLS);
    expect(progTypeFromSection('cgroup_skb/ingress')).toEqual({ progType: BPF_PROG_TYPE_CGROUP_SKB, expectedAttachType: BPF_CGROUP_INET_INGRESS });
    expect(progTypeFromSection('fentry/do_sys_open')).toEqual({ progType: BPF_PROG_TYPE_TRACING, expectedAttachType: BPF_TRACE_FENTRY });
    expect(progTypeFromSection('.text')).toBeUndefined();
    expect(progTypeFromSection('license')).toBeUndefined();
  });
});

describe.skipIf(!llvm)('readBpfObject / programFromObject on llvm-mc objects', () => {
  const obj = llvm ? readBpfObject(mc(OBJECT)) : undefined!;

  it('lists program sections, maps and the license', () => {
    expect(obj.programs.map((p) => [p.section, p.name, p.progType])).toEqual([
      ['xdp', 'prog', BPF_PROG_TYPE_XDP],
      ['socket', 'sock', BPF_PROG_TYPE_SOCKET_FILTER],
      ['tracepoint/syscalls/sys_enter_execve', 'tp', BPF_PROG_TYPE_TRACEPOINT],
    ]);
    expect(programNames(obj)).toEqual(['xdp', 'socket', 'tracepoint/syscalls/sys_enter_execve']);
    expect(obj.code.map((c) => c.name).sort()).toEqual(['.text', 'socket', 'tracepoint/syscalls/sys_enter_execve', 'xdp']);
    expect(obj.maps).toEqual([
      { name: 'counts', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 },
      { name: 'table', type: 1, keySize: 4, valueSize: 16, maxEntries: 64, flags: 1 },
    ]);
    expect(obj.license).toBe('GPL');
  });

  it('links a program with its maps and calls exactly as our assembler assembles the same source', () => {
    same(programFromObject(obj, 'xdp'), assemble(OURS_XDP, { file: 'xdp.s' }));
    same(programFromObject(obj), assemble(OURS_XDP, { file: 'xdp.s' }));
    same(programFromObject(obj, 'prog'), assemble(OURS_XDP, { file: 'xdp.s' }));
    same(programFromObject(obj, 'socket'), assemble(OURS_SOCKET, { file: 'sock.s' }));
    const tp = programFromObject(obj, 'tracepoint/syscalls/sys_enter_execve');
    expect(tp.progType).toBe(BPF_PROG_TYPE_TRACEPOINT);
    expect(tp.name).toBe('tp');
    expect(tp.insns.map((i) => i.kind)).toEqual(['alu', 'exit']);
  });

  it('takes a .text function as the entry when asked by name, and .text alone as the program', () => {
    const h = programFromObject(obj, 'helper');
    expect(h.symbols.map((s) => s.name)).toEqual(['helper', 'helper2']);
    const only = readBpfObject(mc('\tr0 = 7\n\texit\n'));
    expect(programNames(only)).toEqual(['.text']);
    const p = programFromObject(only);
    expect(p.progType).toBeUndefined();
    expect(encode(p.insns)).toEqual(encode(assemble('r0 = 7\nexit\n').insns));
  });

  it('resolves calls against section symbols (static functions) and functions in the middle of .text', () => {
    const o = readBpfObject(mc(`
	.section socket,"ax",@progbits
main:
	call second
	call first
	exit
	.text
	.type first,@function
first:
	r0 = 1
	exit
	.size first, .-first
	.type second,@function
second:
	r0 = 2
	exit
	.size second, .-second
`));
    const p = programFromObject(o);
    same(p, assemble('.prog_type socket_filter\nmain:\ncall second\ncall first\nexit\nsecond:\nr0 = 2\nexit\nfirst:\nr0 = 1\nexit\n'));
  });

  it("links any call graph over .text (static and global callees) in libbpf's depth-first order, as the assembler lays the same code out", () => {
    const graphArb = fc.integer({ min: 1, max: 5 }).chain((n) => fc.record({
      global: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      calls: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
      entry: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 3 }),
    }));
    fc.assert(
      fc.property(graphArb, ({ global, calls, entry }) => {
        const body = (k: number | 'p', callees: readonly number[]): string =>
          `\tr0 = ${k === 'p' ? 99 : k}\n${callees.map((c) => `\tcall f${c}\n`).join('')}\texit\n`;
        let src = '\t.section socket,"ax",@progbits\n\t.globl p\np:\n' + body('p', entry) + '\t.text\n';
        calls.forEach((cs, k) => {
          src += `${global[k] ? `\t.globl f${k}\n` : ''}\t.type f${k},@function\nf${k}:\n${body(k, cs)}\t.size f${k}, .-f${k}\n`;
        });
        // libbpf's order: a callee is appended when the first call to it is met, and its
        // own callees right after it (depth first); elf-btf.test.ts checks this against libbpf.
        const order: number[] = [];
        const visit = (cs: readonly number[]): void => {
          for (const c of cs) {
            if (order.includes(c)) continue;
            order.push(c);
            visit(calls[c]!);
          }
        };
        visit(entry);
        const expected = '.prog_type socket_filter\np:\n' + body('p', entry) + order.map((k) => `f${k}:\n${body(k, calls[k]!)}`).join('');
        same(programFromObject(readBpfObject(mc(src))), assemble(expected));
      }),
      { numRuns: 25 },
    );
  });

  it('turns an lddw of a function (a bpf_loop callback) into BPF_PSEUDO_FUNC aimed at the linked callee', () => {
    const p = programFromObject(readBpfObject(mc(CALLBACK)));
    same(p, assemble('.prog_type xdp\n.license "GPL"\nloop_prog:\nr1 = 4\nr2 = func[scb] ll\nr3 = 0\nr4 = 0\ncall 181\nr0 = 2\nexit\nscb:\nr0 = 1\nexit\n'));
  });

  it('makes .bss an array map read through map_value, as map_value[...] assembles', () => {
    const p = programFromObject(readBpfObject(mc(BSS)));
    same(p, assemble(`.prog_type xdp
.license "GPL"
.map counts, array, key=4, value=8, entries=1
.map table, hash, key=4, value=16, entries=64, flags=1
.map bss, array, key=4, value=24, entries=1
count:
	r1 = map_value[bss] + 0 ll
	r2 = 1
	lock *(u64 *)(r1 + 0) += r2
	r1 = map_value[bss] + 16 ll
	r0 = *(u64 *)(r1 + 0)
	r0 = 2
	exit
`));
  });

  it('reports what it cannot link, with section and relocation', () => {
    const fail = (src: string, re: RegExp, name?: string): void => {
      const o = readBpfObject(mc(src));
      expect(() => programFromObject(o, name)).toThrow(ElfError);
      expect(() => programFromObject(o, name)).toThrow(re);
    };
    fail('\t.section xdp,"ax",@progbits\n\tr1 = g + 4 ll\n\texit\n\t.data\n\t.globl g\ng:\n\t.long 1\n',
      /section 'xdp': relocation 0 \(in '\.relxdp'\) at insn 0: lddw refers to 'g' \+ 4, outside '\.data' \(4 bytes\)/);
    fail('\t.section xdp,"ax",@progbits\n\tr1 = m ll\n\texit\n\t.section .maps,"aw",@progbits\n\t.globl m\nm:\n\t.quad 0\n',
      /map 'm' is a BTF-defined map \(section '\.maps'\), but the object has no \.BTF section to describe it/);
    fail('\t.section xdp,"ax",@progbits\n\tcall ext\n\texit\n', /call to undefined function 'ext'/);
    fail('\t.section xdp,"ax",@progbits\n\tr1 = ext ll\n\texit\n', /lddw refers to undefined symbol 'ext'/);
    fail(OBJECT, /no program section or function named 'nope' \(programs: 'xdp', 'socket', 'tracepoint\/syscalls\/sys_enter_execve'\)/, 'nope');
  });

  it('reads malformed and foreign headers as ElfError naming the offset', () => {
    const bytes = mc(OBJECT);
    const err = (b: Uint8Array): string => {
      try {
        readBpfObject(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ElfError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(bytes.subarray(0, 40))).toMatch(/truncated ELF header: the file has 40 bytes/);
    expect(err(bytes.subarray(0, 200))).toMatch(/section header table at offset 0x[0-9a-f]+ \(\d+ headers of 64 bytes\) runs past the end of the file \(200 bytes\)/);
    const x86 = bytes.slice();
    x86[18] = 62;
    expect(err(x86)).toMatch(/e_machine at offset 0x12 is 62 \(x86-64\), not EM_BPF/);
    const be = bytes.slice();
    be[5] = 2;
    expect(err(be)).toMatch(/big-endian ELF \(bpfeb\) is not supported/);
    expect(err(Uint8Array.from([1, 2, 3]))).toMatch(/not an ELF file/);
    const shoff = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(40, true));
    const badName = bytes.slice();
    new DataView(badName.buffer).setUint32(shoff + 64 * 2, 0xfff0, true); // sh_name of section 2
    expect(err(badName)).toMatch(/section 2 \(header at offset 0x[0-9a-f]+\) name: string offset 0xfff0 is outside '\.shstrtab'/);
    const badOffset = bytes.slice();
    new DataView(badOffset.buffer).setUint32(shoff + 64 * 3 + 24, 0x7fff_0000, true); // sh_offset of section 3
    expect(err(badOffset)).toMatch(/section 3 \(header at offset 0x[0-9a-f]+\): data at offset 0x7fff0000 of \d+ bytes runs past the end of the file/);
    // Found by the fuzzer: a 'maps' section whose type became SHT_NULL (no bytes), a map symbol at its very end.
    const o = readBpfObject(bytes);
    const maps = o.elf.sections.find((x) => x.name === 'maps')!;
    const nullMaps = bytes.slice();
    new DataView(nullMaps.buffer).setUint32(shoff + 64 * maps.index + 4, 0, true);
    expect(err(nullMaps)).toMatch(/section 'maps' has type 0, not SHT_PROGBITS/);
    const symtab = o.elf.sections.find((x) => x.type === 2)!;
    const counts = o.elf.symbols.find((x) => x.name === 'counts')!;
    const atEnd = bytes.slice();
    new DataView(atEnd.buffer).setUint32(symtab.offset + 24 * counts.index + 8, maps.size, true);
    expect(err(atEnd)).toMatch(/section 'maps': map 'counts' at offset 0x28 has 0 bytes, struct bpf_map_def needs 20/);
  });

  it('names the relocation that is on the wrong instruction or of an unknown type', () => {
    const src = '\t.section xdp,"ax",@progbits\n\tr0 = 0\n\tr1 = counts ll\n\texit\n' + MAPS;
    const bytes = mc(src);
    const obj2 = readBpfObject(bytes);
    const relSec = obj2.elf.sections.find((s) => s.name === '.relxdp')!;
    const wrongInsn = bytes.slice();
    wrongInsn[relSec.offset] = 0; // r_offset 0x8 -> 0x0: the mov
    expect(() => programFromObject(readBpfObject(wrongInsn))).toThrow(/section 'xdp': relocation 0 \(in '\.relxdp'\) at insn 0: R_BPF_64_64 against 'counts' on a non-lddw instruction \(alu\)/);
    const unknownType = bytes.slice();
    unknownType[relSec.offset + 8] = 7;
    expect(() => programFromObject(readBpfObject(unknownType))).toThrow(/relocation 0 \(in '\.relxdp'\) at insn 1: relocation type 7 is not understood/);
    const midLddw = bytes.slice();
    midLddw[relSec.offset] = 0x10;
    expect(() => readBpfObject(midLddw)).toThrow(/section 'xdp': relocation 0 \(in '\.relxdp'\): offset 0x10 is not at an instruction/);
  });

  it('byte flips (aimed at headers, symbols and relocations) and truncations of valid objects only ever throw ElfError', () => {
    const seeds = [mc(OBJECT), mc('\t.section socket,"ax",@progbits\n\tr1 = counts ll\n\tcall f\n\texit\nf:\n\tr0 = 1\n\texit\n' + MAPS), mc(BSS), mc(CALLBACK)];
    // Offsets worth hitting: the ELF header, section headers, symbol table, relocations, maps.
    const aims = seeds.map((b) => {
      const o = readBpfObject(b);
      const spots = Array.from({ length: 64 }, (_, i) => i);
      const shoff = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(40, true));
      for (let i = shoff; i < b.length; i++) spots.push(i);
      for (const s of o.elf.sections) {
        if (s.type === 2 || s.type === 9 || s.name === 'maps') for (let i = s.offset; i < s.offset + s.size; i++) spots.push(i);
      }
      return spots;
    });
    let parsed = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 0xff, 0x7f, 0x80))), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { freq: 5 }),
        (k, flips, cut) => {
          const b = seeds[k]!.slice();
          for (const [at, aimed, v] of flips) b[aimed ? aims[k]![at % aims[k]!.length]! : at % b.length] = v;
          const input = cut === null ? b : b.subarray(0, cut % (b.length + 1));
          try {
            const o = readBpfObject(input);
            for (const n of programNames(o)) encode(programFromObject(o, n).insns);
            parsed++;
          } catch (e) {
            if (!(e instanceof ElfError)) throw e;
          }
        },
      ),
      { numRuns: 10000 },
    );
    // Both outcomes happen: the property is not vacuous.
    expect(parsed).toBeGreaterThan(200);
    expect(parsed).toBeLessThan(9900);
  });

  it('reads any legacy map definitions and references exactly as the .map directive assembles them', () => {
    const mapArb = fc.record({
      type: fc.integer({ min: 1, max: 33 }), key: fc.nat(), value: fc.nat(), entries: fc.nat(), flags: fc.nat(),
    }).map((m) => ({ ...m, key: m.key >>> 0, value: m.value >>> 0, entries: m.entries >>> 0, flags: m.flags >>> 0 }));
    const bodyArb = (nmaps: number) => fc.array(fc.oneof(
      fc.integer({ min: 0, max: nmaps - 1 }).map((i) => ({ map: i, reg: 1 })),
      fc.integer({ min: -1000, max: 1000 }).map((v) => ({ alu: v })),
    ), { maxLength: 8 });
    const caseArb = fc.array(mapArb, { minLength: 1, maxLength: 5 }).chain((maps) => fc.record({
      maps: fc.constant(maps),
      sections: fc.array(bodyArb(maps.length), { minLength: 1, maxLength: 3 }),
    }));
    fc.assert(
      fc.property(caseArb, ({ maps, sections }) => {
        const line = (x: { map: number } | { alu: number }, ours: boolean): string =>
          ('map' in x ? `\tr1 = ${ours ? `map[m${x.map}]` : `m${x.map}`} ll` : `\tr0 += ${x.alu}`);
        let elf = '';
        sections.forEach((body, i) => {
          elf += `\t.section socket/s${i},"ax",@progbits\n\t.globl p${i}\np${i}:\n${body.map((x) => line(x, false)).join('\n')}\n\texit\n`;
        });
        elf += '\t.section maps,"aw",@progbits\n';
        maps.forEach((m, i) => {
          elf += `\t.globl m${i}\nm${i}:\n${[m.type, m.key, m.value, m.entries, m.flags].map((v) => `\t.long ${v}`).join('\n')}\n`;
        });
        const obj = readBpfObject(mc(elf));
        expect(programNames(obj)).toEqual(sections.map((_, i) => `socket/s${i}`));
        const mapNames = maps.map((m, i) => `.map m${i}, ${m.type === 0 ? 'unspec' : ['', 'hash', 'array'][m.type] ?? String(m.type)}, key=${m.key}, value=${m.value}, entries=${m.entries}, flags=${m.flags}`);
        sections.forEach((body, i) => {
          const p = programFromObject(obj, `p${i}`);
          expect(p.progType).toBe(BPF_PROG_TYPE_SOCKET_FILTER);
          expect(p.maps).toEqual(maps.map((m, k) => ({ name: `m${k}`, type: m.type, keySize: m.key, valueSize: m.value, maxEntries: m.entries, flags: m.flags })));
          if (maps.every((m) => m.type <= 2)) {
            const ours = assemble(`${mapNames.join('\n')}\np${i}:\n${body.map((x) => line(x, true)).join('\n')}\n\texit\n`);
            expect(p.insns).toEqual(ours.insns);
            expect(p.maps).toEqual(ours.maps);
          } else {
            const refs = p.insns.filter((x) => x.kind === 'lddw').map((x) => (x.kind === 'lddw' ? [x.src, x.imm, x.map] : []));
            expect(refs).toEqual(body.filter((x) => 'map' in x).map((x) => ('map' in x ? [1, BigInt(x.map), `m${x.map}`] : [])));
          }
        });
      }),
      { numRuns: 25 },
    );
  });
});


const canBpf = llvm && kernelAvailable('ELF object loaded in the kernel');
describe.skipIf(!canBpf)('an object linked by programFromObject in the kernel', () => {
  it('loads with its map and a .text subprogram, counts packets and returns XDP_PASS', () => {
    const obj = readBpfObject(mc(`
	.section xdp,"ax",@progbits
	.globl count_pass
	.type count_pass,@function
count_pass:
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = counts ll
	call 1
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1
out:
	call ret_pass
	exit
	.size count_pass, .-count_pass
	.text
	.type ret_pass,@function
ret_pass:
	r0 = 2
	exit
	.size ret_pass, .-ret_pass
${MAPS}`));
    const prog = loadProgram(programFromObject(obj));
    try {
      for (let i = 0; i < 3; i++) expect(prog.testRun({ data: new Uint8Array(64) }).retval).toBe(2);
      const v = prog.maps.get('counts')!.lookup(new Uint8Array(4))!;
      expect(new DataView(v.buffer, v.byteOffset).getBigUint64(0, true)).toBe(3n);
    } finally {
      prog.close();
    }
  });

  it('gets a BPF_PSEUDO_FUNC callback past relocation to the kernel, which then wants BTF func_info (not passed yet)', () => {
    expect(() => loadProgram(programFromObject(readBpfObject(mc(CALLBACK))))).toThrow(/missing btf func_info/);
  });

  it('counts in a .bss variable', () => {
    const prog = loadProgram(programFromObject(readBpfObject(mc(BSS))));
    try {
      for (let i = 0; i < 5; i++) expect(prog.testRun({ data: new Uint8Array(64) }).retval).toBe(2);
      const v = prog.maps.get('bss')!.lookup(new Uint8Array(4))!;
      expect(v.length).toBe(24);
      expect(new DataView(v.buffer, v.byteOffset).getBigUint64(0, true)).toBe(5n);
    } finally {
      prog.close();
    }
  });
});
