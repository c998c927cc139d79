import { describe, expect, it } from 'vitest';
import { decode, encode, exit, mov64 } from '../../src/isa/index.js';
import { R0 } from '../../src/isa/index.js';

describe('encode/decode', () => {
  it('encodes mov r0, 0; exit', () => {
    const bytes = encode([mov64(R0, 0), exit()]);
    expect(Array.from(bytes)).toEqual([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    expect(decode(bytes)).toEqual([mov64(R0, 0), exit()]);
  });
});
