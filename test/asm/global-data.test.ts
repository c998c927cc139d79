/**
 * `.data` / `.rodata`: global data as array maps with an initial value, checked against
 * what C and llvm-mc make of the same strings and integers (the escapes against a JS
 * model of C's, the integers against DataView's little-endian writes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsmError, type AsmDiagnostic } from '../../src/asm/asm-error.js';
import { assemble } from '../../src/asm/assemble.js';
import { printDataDirective } from '../../src/asm/directives.js';
import { printProgram } from '../../src/asm/printer.js';
import { BPF_MAP_TYPE_ARRAY, type MapDef } from '../../src/isa/index.js';

const BPF_F_RDONLY_PROG = 1 << 7;

function diagnostics(source: string): AsmDiagnostic[] {
  try {
    assemble(source, { file: 'g.s' });
  } catch (e) {
    if (e instanceof AsmError) return [...e.diagnostics];
    throw e;
  }
  return [];
}

const only = (source: string): MapDef => {
  const p = assemble(`${source}\nexit`);
  expect(p.maps).toHaveLength(1);
  return p.maps[0]!;
};
const bytes = (source: string): number[] => [...only(source).initialValue!];

describe('.rodata and .data', () => {
  it('.rodata is a frozen BPF_F_RDONLY_PROG array map of one value, a string ending in NUL', () => {
    expect(only('.rodata fmt, "pid %d\\n"')).toEqual({
      name: 'fmt', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 8, maxEntries: 1,
      flags: BPF_F_RDONLY_PROG, initialValue: new Uint8Array([...Buffer.from('pid %d\n'), 0]), frozen: true,
    });
  });

  it('.data is a writable array map (flags 0, not frozen)', () => {
    expect(only('.data counters, zero 16')).toEqual({
      name: 'counters', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0, initialValue: new Uint8Array(16),
    });
  });

  it('items concatenate: strings (+NUL), ascii (no NUL), bytes, u8..u64 little-endian, zero N', () => {
    expect(bytes('.data t, "ab", ascii "cd", 0x01, -1, u16 0x1234, u32 -2, u64 0x0102030405060708, zero 2')).toEqual([
      0x61, 0x62, 0, 0x63, 0x64, 0x01, 0xff, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0,
    ]);
  });

  it('integers take constant expressions and .set constants', () => {
    expect(bytes('.set N, 3\n.data t, u32 N << 8 | 1, zero N - 1')).toEqual([1, 3, 0, 0, 0, 0]);
  });

  it('C escapes: \\n \\t \\r \\0 \\\\ \\" \\xHH, octal, and UTF-8 for the rest', () => {
    expect(bytes('.rodata s, "\\n\\t\\r\\0\\\\\\"\\x41\\x7\\101\\0012é"')).toEqual([
      10, 9, 13, 0, 0x5c, 0x22, 0x41, 0x07, 0x41, 0x01, 0x32, 0xc3, 0xa9, 0,
    ]);
  });

  it('every u8..u64 value round-trips through its little-endian bytes (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(1, 2, 4, 8), (v, w) => {
      const val = BigInt.asUintN(w * 8, v);
      const got = bytes(`.data t, u${w * 8} ${val}`);
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, val, true);
      expect(got).toEqual([...new Uint8Array(dv.buffer, 0, w)]);
    }), { numRuns: 200 });
  });

  it('printable strings come out as their UTF-8 bytes and a NUL (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/["\\\r\n]/.test(s)), (s) => {
      expect(bytes(`.rodata s, "${s}"`)).toEqual([...Buffer.from(s, 'utf8'), 0]);
    }), { numRuns: 200 });
  });

  it('is referenced with map_value[name] + off and map[name], in definition order with .map', () => {
    const p = assemble('.map m, hash, key=4, value=4, entries=8\n.rodata fmt, "x"\n.data d, u64 1\nr1 = map_value[fmt] + 1 ll\nr2 = map_value[d] ll\nr3 = map[fmt] ll\nexit');
    expect(p.maps.map((m) => m.name)).toEqual(['m', 'fmt', 'd']);
    expect(p.insns.slice(0, 3)).toEqual([
      { kind: 'lddw', dst: 1, src: 2, imm: (1n << 32n) | 1n, map: 'fmt' },
      { kind: 'lddw', dst: 2, src: 2, imm: 2n, map: 'd' },
      { kind: 'lddw', dst: 3, src: 1, imm: 1n, map: 'fmt' },
    ]);
  });

  it('works in the mnemonic dialect', () => {
    const p = assemble('.rodata fmt, "hi"\nlddw %r1, map_value[fmt]+1\nmov %r0, 0\nexit');
    expect(p.maps[0]!.initialValue).toEqual(new Uint8Array([0x68, 0x69, 0]));
    expect(p.insns[0]).toMatchObject({ src: 2, imm: (1n << 32n) | 0n, map: 'fmt' });
  });

  it('errors are located at the offending token, every one reported', () => {
    const d = diagnostics([
      '.rodata a, "p\\qx"',
      '.data b, u8 256',
      '.data c, 300',
      '.rodata d',
      '.data e, zero 0',
      '.data f, "\\x"',
      '.map g, array, key=4, value=4, entries=1',
      '.data g, 1',
      '.data h, zero -1',
      '.rodata i, "\\777"',
      '.data j, 1 2',
      'exit',
    ].join('\n'));
    expect(d.map((x) => `${x.line}:${x.col}: ${x.message}`)).toEqual([
      "1:14: unknown escape '\\q' in a string (\\n \\t \\r \\0 \\\\ \\\" \\xHH ...)",
      '2:13: u8 value 256 does not fit in 8 bits',
      '3:10: byte value 300 does not fit in 8 bits',
      "4:10: expected ',' at end of line",
      "5:7: 'e' has no bytes (a map value needs at least one: zero 1)",
      "6:11: '\\x' needs one or two hex digits",
      "8:7: map 'g' is already defined on line 7",
      '9:15: zero -1: the value would be negative',
      "10:13: octal escape '\\777' is above 0377",
      "11:12: unexpected '2' after the instruction",
    ]);
  });

  it('printDataDirective writes a line that assembles back to the same map (property)', () => {
    const bytesArb = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 48 }),
      fc.array(fc.oneof(fc.constantFrom(0, 0, 0, 10, 9, 34, 92), fc.integer({ min: 0x20, max: 0x7e })), { minLength: 1, maxLength: 48 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(fc.property(bytesArb, fc.boolean(), (v, ro) => {
      const def: MapDef = {
        name: 'g', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: v.length, maxEntries: 1,
        flags: ro ? BPF_F_RDONLY_PROG : 0, initialValue: v, ...(ro ? { frozen: true } : {}),
      };
      const line = printDataDirective(def)!;
      expect(line.startsWith(ro ? '.rodata g, ' : '.data g, ')).toBe(true);
      expect(only(line)).toEqual(def);
    }), { numRuns: 300 });
  });

  it('printDataDirective reads like the source: strings, ascii, zero runs, bytes', () => {
    expect(printDataDirective(only('.rodata fmt, "pid %d\\n", 1, 2, zero 6, ascii "abcd", 0, 7'))).toBe('.rodata fmt, "pid %d\\n", 1, 2, zero 6, "abcd", 7');
    expect(printDataDirective(only('.data d, ascii "ab\\"\\\\"'))).toBe('.data d, ascii "ab\\"\\\\"');
  });

  it('printDataDirective leaves other maps to .map', () => {
    const d = only('.rodata r, 1');
    expect(printDataDirective({ ...d, frozen: false })).toBeUndefined();
    expect(printDataDirective({ ...d, maxEntries: 2 })).toBeUndefined();
    const { initialValue: _, ...plain } = d;
    expect(printDataDirective(plain)).toBeUndefined();
  });

  it('any run of item-like tokens gives a map or located AsmErrors, nothing else (property)', () => {
    const tok = fc.constantFrom('"a\\n"', '"', '"\\x"', '"\\777"', 'ascii', 'zero', 'u8', 'u16', 'u32', 'u64', '1', '-1', '0x100', '300', '(', ')', '<<', '40', ',', ',', 'N', 'é', '\\', '+');
    fc.assert(fc.property(fc.boolean(), fc.array(tok, { maxLength: 8 }), (ro, toks) => {
      const src = `.set N, 2\n${ro ? '.rodata' : '.data'} g, ${toks.join(' ')}\nexit`;
      try {
        const m = assemble(src).maps[0]!;
        expect(m.initialValue!.length).toBe(m.valueSize);
        expect(m.valueSize).toBeGreaterThan(0);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        for (const d of e.diagnostics) expect(d.line).toBeGreaterThan(0);
      }
    }), { numRuns: 1000 });
  });

  it('a huge zero count is refused, not allocated', () => {
    expect(diagnostics('.data big, zero 1 << 40\nexit')[0]!.message).toMatch(/over 16777216 bytes/);
  });

  it('the disassembler prints global data as the directives that recreate it (print -> assemble keeps the maps)', () => {
    const p = assemble('.rodata fmt, "hello %d\\n"\n.data cnt, u32 41, zero 4\n.map m, hash, key=4, value=4, entries=2\nr1 = map_value[fmt] ll\nr2 = map_value[cnt] + 4 ll\nr0 = 0\nexit');
    for (const syntax of ['pseudo-c', 'mnemonic'] as const) {
      const back = assemble(printProgram(p, { syntax }));
      expect(back.maps).toEqual(p.maps);
      expect(back.insns).toEqual(p.insns);
    }
  });
});

