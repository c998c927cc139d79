// Constant expressions and `.set`/`.equ` constants: evaluation against a reference over
// random expression trees, llvm-mc on the same expressions where it is installed, and the
// forms and errors llvm-mc does not have (offsets, parentheses first, `~`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsmError } from '../../src/asm/asm-error.js';
import { assemble } from '../../src/asm/assemble.js';
import { encode } from '../../src/isa/index.js';

type Tree = { n: bigint } | { op: string; a: Tree; b: Tree } | { neg: Tree };

/** GNU as precedence: + - lowest, then the bitwise operators, then * / % << >>. */
const PREC: Record<string, number> = { '+': 1, '-': 1, '|': 2, '^': 2, '&': 2, '*': 3, '/': 3, '%': 3, '<<': 3, '>>': 3 };
const w = (v: bigint): bigint => BigInt.asIntN(64, v);

/** The reference: C-like 64-bit semantics spelled out per operator (undefined = error). */
function evaluate(t: Tree): bigint | undefined {
  if ('n' in t) return t.n;
  if ('neg' in t) {
    const v = evaluate(t.neg);
    return v === undefined ? undefined : w(-v);
  }
  const a = evaluate(t.a);
  const b = evaluate(t.b);
  if (a === undefined || b === undefined) return undefined;
  switch (t.op) {
    case '+': return w(a + b);
    case '-': return w(a - b);
    case '*': return w(a * b);
    case '/': return b === 0n ? undefined : w(a / b);
    case '%': return b === 0n ? undefined : a % b;
    case '<<': return b < 0n || b > 63n ? undefined : w(a << b);
    case '>>': return b < 0n || b > 63n ? undefined : w(BigInt.asUintN(64, a) >> b);
    case '&': return a & b;
    case '|': return a | b;
    default: return a ^ b;
  }
}

/** Print with the fewest parentheses the precedence rules allow (left-associative). */
function print(t: Tree, parentPrec = 0, right = false): string {
  if ('n' in t) return t.n < 0n ? `(${t.n})` : String(t.n);
  if ('neg' in t) return `-${print(t.neg, 4)}`;
  const p = PREC[t.op]!;
  const text = `${print(t.a, p)} ${t.op} ${print(t.b, p, true)}`;
  return p < parentPrec || (right && p === parentPrec) ? `(${text})` : text;
}

const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.bigInt(0n, 5000n).map((n) => ({ n })),
    fc.record({ op: fc.constantFrom(...Object.keys(PREC)), a: tie('t'), b: tie('t') }),
    tie('t').map((x) => ({ neg: x })),
  ),
})).t;

const value = (src: string): bigint => {
  const p = assemble(`${src} ll\nexit`);
  const insn = p.insns[0]!;
  if (insn.kind !== 'lddw') throw new Error('not an lddw');
  return BigInt.asIntN(64, insn.imm);
};

describe('constant expressions', () => {
  it('evaluate like the reference (64-bit, GNU precedence), or fail with a located error', () => {
    fc.assert(fc.property(tree, (t) => {
      const text = print(t);
      const want = evaluate(t);
      if (want === undefined) {
        expect(() => value(`r0 = ${text}`)).toThrow(/division by zero|shift count/);
      } else {
        expect(value(`r0 = ${text}`)).toBe(want);
      }
    }), { numRuns: 1000 });
  });

  it('agree with llvm-mc on a batch of random expressions', () => {
    try {
      execFileSync('llvm-mc', ['--version'], { stdio: 'ignore' });
    } catch {
      console.log('skip: llvm-mc not found, no differential of constant expressions');
      return;
    }
    // llvm-mc's BPF operand parser takes neither '(' nor a second '-' first, nor '-' before '(':
    // keep those out of its batch.
    const texts = fc.sample(tree, { numRuns: 300, seed: 42 }).filter((t) => evaluate(t) !== undefined).map((t) => print(t))
      .filter((x) => !x.startsWith('(') && !x.startsWith('--') && !x.includes('-('));
    expect(texts.length).toBeGreaterThan(100);
    const src = `${texts.map((x) => `r0 = ${x} ll`).join('\n')}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'tsbpf-expr-'));
    writeFileSync(join(dir, 'e.s'), src);
    try {
      execFileSync('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', join(dir, 'e.o'), join(dir, 'e.s')], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new Error(`llvm-mc rejected the batch: ${String((e as { stderr?: unknown }).stderr).slice(0, 600)}`);
    }
    execFileSync('llvm-objcopy', ['-O', 'binary', '--only-section=.text', join(dir, 'e.o'), join(dir, 'e.bin')]);
    const theirs = readFileSync(join(dir, 'e.bin'));
    const ours = encode(assemble(src).insns);
    const differ = texts.flatMap((x, i) => {
      const a = Buffer.from(ours.subarray(i * 16, i * 16 + 16)).toString('hex');
      const b = theirs.subarray(i * 16, i * 16 + 16).toString('hex');
      return a === b ? [] : [`${x}: ours ${a}, llvm-mc ${b}`];
    });
    expect(differ).toEqual([]);
    expect(ours.length).toBe(theirs.length);
  });

  it('.set and .equ constants go wherever a number goes, in both dialects', () => {
    const pc = assemble([
      '.set ETH_HLEN, 14', '.equ KEY, 2 * 2', '.set XDP_DROP, 1',
      '.map m, hash, key=KEY, value=KEY * 2, entries=1 << 4',
      'r2 = *(u16 *)(r1 + ETH_HLEN - 2)', 'if r2 != ETH_HLEN goto +1', 'r0 = XDP_DROP', 'w0 = -XDP_DROP',
      'r1 = ~0', 'r3 = (ETH_HLEN + 2) * 4', '*(u32 *)(r10 - KEY * 2) = ETH_HLEN', 'exit',
    ].join('\n'));
    expect(pc.maps[0]).toMatchObject({ keySize: 4, valueSize: 8, maxEntries: 16 });
    expect(pc.insns.slice(0, 7)).toEqual([
      { kind: 'ldx', size: 2, sx: false, dst: 2, src: 1, off: 12 },
      { kind: 'jmp', width: 64, op: 'jne', dst: 2, src: null, imm: 14, off: 1 },
      { kind: 'alu', width: 64, op: 'mov', dst: 0, src: null, imm: 1 },
      { kind: 'alu', width: 32, op: 'mov', dst: 0, src: null, imm: -1 },
      { kind: 'alu', width: 64, op: 'mov', dst: 1, src: null, imm: -1 },
      { kind: 'alu', width: 64, op: 'mov', dst: 3, src: null, imm: 64 },
      { kind: 'st', size: 4, dst: 10, off: -8, imm: 14 },
    ]);
    const mn = assemble('.set OFF, 12\n.set N, 3\nldxh %r2, [%r1+OFF]\nmov %r0, N << 1\njeq %r2, N, +0\nstw [%r10-OFF+4], N\nexit');
    expect(mn.insns.slice(0, 4)).toEqual([
      { kind: 'ldx', size: 2, sx: false, dst: 2, src: 1, off: 12 },
      { kind: 'alu', width: 64, op: 'mov', dst: 0, src: null, imm: 6 },
      { kind: 'jmp', width: 64, op: 'jeq', dst: 2, src: null, imm: 3, off: 0 },
      { kind: 'st', size: 4, dst: 10, off: -8, imm: 3 },
    ]);
  });

  it('a later .set changes the constant for later lines; registers and keywords keep their meaning', () => {
    const p = assemble('.set A, 1\nr0 = A\n.set A, A + 1\nr0 = A\n.set be16, 7\nr0 = be16 r0\nr1 = -r1\nexit');
    expect(p.insns.map((i) => (i.kind === 'alu' ? i.imm : i.kind))).toEqual([1, 2, 'end', 0, 'exit']);
  });

  const errors: [string, number, RegExp][] = [
    ['r0 = 1 / 0', 8, /^division by zero in a constant expression$/],
    ['r0 = 1 << 64', 8, /^shift count 64 is outside 0\.\.63$/],
    ['r0 = NOPE + 1', 6, /^unknown constant 'NOPE' \(define it before use with \.set NOPE, VALUE\)$/],
    ['r0 += 2 * NOPE', 11, /^unknown constant 'NOPE'/],
    ['.set r3, 4', 6, /^'r3' is a register and cannot name a constant$/],
    ['.set A, 1 <<', 13, /^expected a value at end of line$/],
    ['r0 = (1 + 2', 12, /^expected '\)' at end of line$/],
    ['.set BIG, 1 << 40\nr0 += BIG', 7, /^immediate 1099511627776 does not fit in 32 bits$/],
    ['.set K, 1 << 33\n.map m, hash, key=K, value=4, entries=1', 19, /^key=8589934592 does not fit in 32 bits$/],
    ['r0 = *(u8 *)(r1 + 4 * 10000)', 17, /does not fit in 16 bits/],
  ];
  for (const [src, col, re] of errors) {
    it(`reports ${JSON.stringify(src)} at column ${col}`, () => {
      let err: unknown;
      try {
        assemble(src);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AsmError);
      const d = (err as AsmError).diagnostics[0]!;
      expect(d.message).toMatch(re);
      expect(d.col).toBe(col);
    });
  }
});
