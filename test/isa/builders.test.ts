import { describe, expect, it } from 'vitest';
import * as B from '../../src/isa/index.js';
import { encode, R0, R1, R2, R10 } from '../../src/isa/index.js';

const hex = (insns: B.Insn[]) => Buffer.from(encode(insns)).toString('hex');

describe('builders', () => {
  it('build instructions with the encodings the kernel uses', () => {
    expect(hex([B.mov64(R0, 42)])).toBe('b70000002a000000');
    expect(hex([B.add32(R1, R2)])).toBe('0c21000000000000');
    expect(hex([B.jsgt(R1, -2, 3)])).toBe('65010300feffffff');
    expect(hex([B.jeq32(R1, R2, -3)])).toBe('1e21fdff00000000');
    expect(hex([B.ldxw(R0, R1, 4)])).toBe('6110040000000000');
    expect(hex([B.stdw(R10, -8, R1)])).toBe('7b1af8ff00000000');
    expect(hex([B.stw(R10, -8, 5)])).toBe('620af8ff05000000');
    expect(hex([B.atomic(8, 'add', R10, -8, R1)])).toBe('db1af8ff00000000');
    expect(hex([B.atomic(8, 'xchg', R10, -8, R1)])).toBe('db1af8ffe1000000');
    expect(hex([B.be(R0, 16)])).toBe('dc00000010000000');
    expect(hex([B.bswap(R0, 32)])).toBe('d700000020000000');
    expect(hex([B.movsx64(R0, R1, 16)])).toBe('bf10100000000000');
    expect(hex([B.sdiv64(R0, R1)])).toBe('3f10010000000000');
    expect(hex([B.lddw(R1, -1n)])).toBe('18010000ffffffff00000000ffffffff');
    expect(hex([B.call(1)])).toBe('8500000001000000');
    expect(hex([B.callLocal(-3)])).toBe('85100000fdffffff');
    expect(hex([B.exit()])).toBe('9500000000000000');
    expect(hex([B.ldabs(1, 14)])).toBe('300000000e000000');
    expect(hex([B.ja(-1)])).toBe('0500ffff00000000');
  });

  it('carries map names on map references', () => {
    const insn = B.ldMapValue(R1, 'counts', 8, 2);
    expect(insn).toMatchObject({ kind: 'lddw', src: 2, map: 'counts', imm: (8n << 32n) | 2n });
  });

  it('rejects values that do not fit their fields when encoding', () => {
    expect(() => encode([B.ja(40000)])).toThrow(/signed 16-bit/);
    expect(() => encode([B.mov64(R0, 2 ** 31)])).toThrow(/signed 32-bit/);
    expect(() => encode([B.ldxdw(R0, { reg: 11 as B.Reg }, 0)])).toThrow(/r11 is not a register/);
  });
});
