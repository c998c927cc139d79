/**
 * Global data in BPF ELF objects (`.data`, `.rodata`, `.rodata.str1.1`) read into array
 * maps with an initial value, as libbpf makes them, from objects built by llvm-mc and llc;
 * the linked programs then run in the VM (the kernel side is test/loader/global-data.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_ARRAY } from '../../src/isa/index.js';
import { ElfError, programFromObject, programNames, readBpfObject } from '../../src/isa/elf.js';
import { encode } from '../../src/isa/index.js';
import { Vm } from '../../src/vm/index.js';
import { have, LLC_IR, llcObject, MC_SOURCE, mcObject } from './elf-global-data.js';

const BPF_F_RDONLY_PROG = 1 << 7;

const llvmMc = have('llvm-mc');
const llc = have('llc');
if (!llvmMc) console.log('skip: llvm-mc not installed, no objects with .data/.rodata to read');
if (!llc) console.log('skip: llc not installed, no compiled objects with .data/.rodata');

const bytes = (s: string): Uint8Array => new Uint8Array([...Buffer.from(s, 'latin1')]);

describe.skipIf(!llvmMc)('.data and .rodata from llvm-mc objects', () => {
  it('become array maps of one value with the section bytes; .rodata frozen and BPF_F_RDONLY_PROG', () => {
    const p = programFromObject(readBpfObject(mcObject(MC_SOURCE)));
    expect(p.maps).toEqual([
      { name: 'rodata', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: BPF_F_RDONLY_PROG, initialValue: bytes('pid %d\n\0'), frozen: true },
      { name: 'rodata_str1_1', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 6, maxEntries: 1, flags: BPF_F_RDONLY_PROG, initialValue: bytes('hello\0'), frozen: true },
      { name: 'data', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, initialValue: new Uint8Array([5, 0, 0, 0, 7, 0, 0, 0]) },
    ].sort((a, b) => p.maps.findIndex((m) => m.name === a.name) - p.maps.findIndex((m) => m.name === b.name)));
  });

  it('relocations become map_value references: offset = symbol value + addend, in the high 32 bits', () => {
    const p = programFromObject(readBpfObject(mcObject(MC_SOURCE)));
    const idx = (n: string): bigint => BigInt(p.maps.findIndex((m) => m.name === n));
    const lddws = p.insns.filter((i) => i.kind === 'lddw');
    expect(lddws).toEqual([
      { kind: 'lddw', dst: 1, src: 2, imm: idx('rodata'), map: 'rodata' },
      { kind: 'lddw', dst: 1, src: 2, imm: (2n << 32n) | idx('rodata_str1_1'), map: 'rodata_str1_1' },
      { kind: 'lddw', dst: 1, src: 2, imm: idx('data'), map: 'data' },
    ]);
  });

  it('runs in the VM: reads the strings, counts in .data across runs', () => {
    const vm = new Vm(programFromObject(readBpfObject(mcObject(MC_SOURCE))));
    // '%' (0x25) + 'l' (0x6c) + 8, then 9
    expect(vm.run().r0).toBe(0x25n + 0x6cn + 8n);
    expect(vm.run().r0).toBe(0x25n + 0x6cn + 9n);
  });

  it('any .data contents come through byte for byte (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.boolean(), (init, ro) => {
      const src = `\t.section socket,"ax",@progbits\n\tr0 = 0\n\texit\n\t.section ${ro ? '.rodata,"a"' : '.data,"aw"'},@progbits\n\t.byte ${[...init].join(', ')}\n`;
      const p = programFromObject(readBpfObject(mcObject(src)));
      expect(p.maps).toHaveLength(1);
      expect(p.maps[0]!.initialValue).toEqual(init);
      expect(p.maps[0]!.flags).toBe(ro ? BPF_F_RDONLY_PROG : 0);
    }), { numRuns: 15 });
  });

  it('a .data symbol next to a .bss one: both maps, each its own section', () => {
    const p = programFromObject(readBpfObject(mcObject('\t.section socket,"ax",@progbits\n\tr1 = d ll\n\tr2 = b ll\n\texit\n\t.data\nd:\n\t.long 1\n\t.bss\nb:\n\t.zero 8\n')));
    expect(p.maps.map((m) => [m.name, m.valueSize, m.initialValue === undefined])).toEqual([['bss', 8, true], ['data', 4, false]]);
    expect(p.insns.slice(0, 2).map((i) => (i.kind === 'lddw' ? i.map : ''))).toEqual(['data', 'bss']);
  });

  it('errors: an offset outside the section, per-CPU data, a name taken by a map', () => {
    const link = (src: string): unknown => programFromObject(readBpfObject(mcObject(src)));
    expect(() => link('\t.section socket,"ax",@progbits\n\tr1 = str + 6 ll\n\texit\n\t.section .rodata,"a",@progbits\nstr:\n\t.asciz "hello"\n'))
      .toThrow(/lddw refers to section '\.rodata' \+ 6, outside '\.rodata' \(6 bytes\)/);
    expect(() => link('\t.section socket,"ax",@progbits\n\texit\n\t.section .data..percpu,"aw",@progbits\n\t.long 1\n')).toThrow(ElfError);
    expect(() => link('\t.section socket,"ax",@progbits\n\texit\n\t.section .data..percpu,"aw",@progbits\n\t.long 1\n')).toThrow(/per-CPU global data is not supported/);
    expect(() => link('\t.section socket,"ax",@progbits\n\tr1 = data ll\n\texit\n\t.section maps,"aw",@progbits\n\t.globl data\ndata:\n\t.long 2, 4, 4, 1, 0\n\t.data\n\t.long 1\n'))
      .toThrow(/section '\.data' would be map 'data', but a map of that name exists/);
  });
});

describe.skipIf(!llvmMc)('objects with global data, damaged', () => {
  it('byte flips (headers, symbols, relocations, data) and truncations only ever throw ElfError', () => {
    const seed = mcObject(MC_SOURCE);
    const o = readBpfObject(seed);
    const shoff = Number(new DataView(seed.buffer, seed.byteOffset).getBigUint64(40, true));
    const spots = Array.from({ length: 64 }, (_, i) => i);
    for (let i = shoff; i < seed.length; i++) spots.push(i);
    for (const s of o.elf.sections) {
      if (s.type === 2 || s.type === 9 || /data/.test(s.name)) for (let i = s.offset; i < s.offset + s.size; i++) spots.push(i);
    }
    let parsed = 0;
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 8, 0xff, 0x80))), { minLength: 1, maxLength: 4 }),
      fc.option(fc.nat(), { freq: 5 }),
      (flips, cut) => {
        const b = seed.slice();
        for (const [at, aimed, v] of flips) b[aimed ? spots[at % spots.length]! : at % b.length] = v;
        const input = cut === null ? b : b.subarray(0, cut % (b.length + 1));
        try {
          const obj = readBpfObject(input);
          for (const n of programNames(obj)) {
            const p = programFromObject(obj, n);
            encode(p.insns);
            for (const m of p.maps) if (m.initialValue !== undefined) expect(m.initialValue.length).toBe(m.valueSize);
          }
          parsed++;
        } catch (e) {
          if (!(e instanceof ElfError)) throw e;
        }
      },
    ), { numRuns: 2000 });
    expect(parsed).toBeGreaterThan(50);
    expect(parsed).toBeLessThan(1990);
  });

  it('a .data section turned SHT_NOBITS is zeros of its size, without bytes to copy', () => {
    const seed = mcObject('\t.section socket,"ax",@progbits\n\tr1 = d ll\n\texit\n\t.data\nd:\n\t.long 1\n');
    const sec = readBpfObject(seed).elf.sections.find((x) => x.name === '.data')!;
    const view = new DataView(seed.buffer, seed.byteOffset);
    const shoff = Number(view.getBigUint64(40, true));
    view.setUint32(shoff + sec.index * 64 + 4, 8, true);
    const p = programFromObject(readBpfObject(seed));
    expect(p.maps).toEqual([{ name: 'data', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0 }]);
  });
});

describe.skipIf(!llc)('.data and .rodata from llc objects', () => {
  it('clang-style globals: the printk string in .rodata.str1.1, a counter in .data, a const table in .rodata', () => {
    const p = programFromObject(readBpfObject(llcObject(LLC_IR)));
    const byName = new Map(p.maps.map((m) => [m.name, m]));
    expect(byName.get('rodata_str1_1')).toMatchObject({ flags: BPF_F_RDONLY_PROG, frozen: true, initialValue: bytes('count %d\n\0') });
    expect(byName.get('data')).toMatchObject({ flags: 0, initialValue: new Uint8Array([5, 0, 0, 0]) });
    expect(byName.get('rodata')).toMatchObject({ flags: BPF_F_RDONLY_PROG, frozen: true, valueSize: 16 });
    const out: string[] = [];
    const vm = new Vm(p, { printk: (line) => out.push(line) });
    expect(vm.run().r0).toBe(6n + 3n);
    expect(vm.run().r0).toBe(7n + 3n);
    expect(out.map((l) => l.trimEnd())).toEqual(['count 6', 'count 7']);
  });
});
