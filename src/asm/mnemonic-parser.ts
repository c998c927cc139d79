/**
 * The mnemonic dialect of uBPF and bpf_conformance:
 *
 *     mov32 %r0, 0          add %r1, %r2          neg %r0           movsx1632 %r0, %r1
 *     le16 %r0              be64 %r0              bswap32 %r0 (also swap32)
 *     ldxw %r0, [%r1+4]     ldxsb %r0, [%r10-1]   stxdw [%r10-8], %r1   stw [%r10-8], 5
 *     jeq %r1, 0, +2        jsgt32 %r1, %r2, label    ja label      ja32 +100000 (gotol)
 *     call 1                call bpf_map_lookup_elem  call local f  call runtime 12 (kfunc)
 *     call %r2 / callx %r2  exit                  may_goto +3
 *     lddw %r0, 0x1122334455667788                lddw %r1, map[counts]
 *     lock add [%r10-8], %r1      lock fetch xor32 [%r10-4], %r1
 *     lock xchg [%r10-8], %r1     lock cmpxchg32 [%r10-8], %r1
 *     ldacqdw %r0, [%r1+0] (load-acquire)         strelw [%r1+0], %r2 (store-release)
 *     ldabsw 12             ldindh %r1, 12        (legacy packet loads)
 *
 * A jump to the undefined label `exit` goes to the first `exit` instruction, as in
 * bpf_conformance.
 */
import type { AluOp, AtomicOp, Insn, JmpOp, Reg, Size } from '../isa/index.js';
import { helperIdByName } from '../isa/helpers.js';
import { Comma, Ident, LBracket, MAddr, Minus, PercentReg, Plus, RBracket, type IToken } from './lexer.js';
import { addrOf } from './mem-token.js';
import { checkOff16, type ParseState } from './parse-state.js';
import { atPseudoLddw, parsePseudoLddw } from './pseudo-lddw.js';
import { addFixup, parseTarget } from './targets.js';

type Handler = (s: ParseState, m: IToken) => Insn;

const REGS = new Map<string, Reg>();
for (let i = 0; i <= 10; i++) REGS.set(`%r${i}`, i as Reg);

/** A `%rN` register operand. */
export function mreg(s: ParseState): Reg {
  const t = s.peek();
  if (t === undefined || t.tokenType !== PercentReg) return s.failHere('expected a register (%r0..%r10)');
  s.pos++;
  const r = REGS.get(t.image);
  if (r === undefined) s.fail(t, `bad register '${t.image}' (%r0..%r10)`);
  return r;
}

function comma(s: ParseState): void {
  s.expect(Comma, "','");
}

/** `[%rN+off]`, `[%rN-off]` or `[%rN]`. */
function memOperand(s: ParseState): { reg: Reg; off: number } {
  const open = s.peek();
  if (open !== undefined && open.tokenType === MAddr) {
    s.pos++;
    addrOf(s, open, 3);
    return { reg: s.memReg, off: s.memOff };
  }
  if (s.accept(LBracket) === undefined) s.failHere("malformed memory operand: expected '[%rN+offset]'");
  const reg = mreg(s);
  let off = 0;
  if (s.is(Plus) || s.is(Minus)) {
    const { value, tok } = s.signedNumber('an offset');
    off = checkOff16(s, tok, value);
  } else if (!s.is(RBracket)) {
    s.failHere("malformed memory operand: expected '+offset', '-offset' or ']'");
  }
  if (s.accept(RBracket) === undefined) {
    s.failHere(`malformed memory operand: expected ']' to close the '[' at column ${s.lineCol(s.at(open!)).col}`);
  }
  return { reg, off };
}

const ALU_OPS: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMP_OPS: readonly JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];
const SIZES: ReadonlyArray<readonly [string, Size]> = [['b', 1], ['h', 2], ['w', 4], ['dw', 8]];

const table = new Map<string, Handler>();

for (const op of ALU_OPS) {
  for (const [suffix, width] of [['', 64], ['64', 64], ['32', 32]] as const) {
    table.set(op + suffix, (s) => {
      const dst = mreg(s);
      comma(s);
      if (s.is(PercentReg)) return { kind: 'alu', width, op, dst, src: mreg(s), imm: 0 };
      return { kind: 'alu', width, op, dst, src: null, imm: s.imm32() };
    });
  }
}
for (const [suffix, width] of [['', 64], ['64', 64], ['32', 32]] as const) {
  table.set('neg' + suffix, (s) => ({ kind: 'alu', width, op: 'neg', dst: mreg(s), src: null, imm: 0 }));
}
for (const [name, op, width] of [
  ['movsx864', 'movsx8', 64], ['movsx1664', 'movsx16', 64], ['movsx3264', 'movsx32', 64],
  ['movsx832', 'movsx8', 32], ['movsx1632', 'movsx16', 32],
] as const) {
  table.set(name, (s) => {
    const dst = mreg(s);
    comma(s);
    return { kind: 'alu', width, op, dst, src: mreg(s), imm: 0 };
  });
}
for (const bits of [16, 32, 64] as const) {
  for (const [prefix, order] of [['le', 'le'], ['be', 'be'], ['swap', 'swap'], ['bswap', 'swap']] as const) {
    table.set(`${prefix}${bits}`, (s) => ({ kind: 'end', order, bits, dst: mreg(s) }));
  }
}
for (const op of JMP_OPS) {
  for (const [suffix, width] of [['', 64], ['32', 32]] as const) {
    table.set(op + suffix, (s) => {
      const dst = mreg(s);
      comma(s);
      let src: Reg | null = null;
      let imm = 0;
      if (s.is(PercentReg)) src = mreg(s);
      else imm = s.imm32();
      comma(s);
      const t = parseTarget(s, 16);
      s.expectEnd();
      addFixup(s, t, 'off');
      return { kind: 'jmp', width, op, dst, src, imm, off: t.value };
    });
  }
}
table.set('ja', (s) => {
  const t = parseTarget(s, 16);
  s.expectEnd();
  addFixup(s, t, 'off');
  return { kind: 'ja', off: t.value };
});
for (const name of ['ja32', 'gotol']) {
  table.set(name, (s) => {
    const t = parseTarget(s, 32);
    s.expectEnd();
    addFixup(s, t, 'imm');
    return { kind: 'gotol', imm: t.value };
  });
}
for (const name of ['may_goto', 'jcond']) {
  table.set(name, (s) => {
    const t = parseTarget(s, 16);
    s.expectEnd();
    addFixup(s, t, 'off');
    return { kind: 'may_goto', off: t.value };
  });
}
table.set('exit', () => ({ kind: 'exit' }));
table.set('callx', (s) => ({ kind: 'callx', reg: mreg(s) }));
table.set('call', parseCall);
table.set('lddw', (s) => {
  const dst = mreg(s);
  comma(s);
  if (atPseudoLddw(s)) return parsePseudoLddw(s, dst);
  return { kind: 'lddw', dst, src: 0, imm: s.imm64() };
});
for (const [sfx, size] of SIZES) {
  table.set(`ldx${sfx}`, (s) => {
    const dst = mreg(s);
    comma(s);
    const m = memOperand(s);
    return { kind: 'ldx', size, sx: false, dst, src: m.reg, off: m.off };
  });
  if (size !== 8) {
    table.set(`ldxs${sfx}`, (s) => {
      const dst = mreg(s);
      comma(s);
      const m = memOperand(s);
      return { kind: 'ldx', size, sx: true, dst, src: m.reg, off: m.off };
    });
  }
  table.set(`st${sfx}`, (s) => {
    const m = memOperand(s);
    comma(s);
    return { kind: 'st', size, dst: m.reg, off: m.off, imm: s.imm32() };
  });
  table.set(`stx${sfx}`, (s) => {
    const m = memOperand(s);
    comma(s);
    return { kind: 'stx', size, dst: m.reg, src: mreg(s), off: m.off };
  });
  table.set(`ldacq${sfx}`, (s) => {
    const dst = mreg(s);
    comma(s);
    const m = memOperand(s);
    return { kind: 'atomic', size, op: 'load_acq', fetch: false, dst, src: m.reg, off: m.off };
  });
  table.set(`strel${sfx}`, (s) => {
    const m = memOperand(s);
    comma(s);
    return { kind: 'atomic', size, op: 'store_rel', fetch: false, dst: m.reg, src: mreg(s), off: m.off };
  });
  if (size !== 8) {
    const sz = size as 1 | 2 | 4;
    table.set(`ldabs${sfx}`, (s) => ({ kind: 'ldabs', size: sz, imm: s.imm32() }));
    table.set(`ldind${sfx}`, (s) => {
      const src = mreg(s);
      comma(s);
      return { kind: 'ldind', size: sz, src, imm: s.imm32() };
    });
  }
}
table.set('lock', parseLock);

const ATOMIC_OPS = new Map<string, { op: AtomicOp; size: Size }>();
for (const op of ['add', 'and', 'or', 'xor', 'xchg', 'cmpxchg'] as const) {
  ATOMIC_OPS.set(op, { op, size: 8 });
  ATOMIC_OPS.set(`${op}64`, { op, size: 8 });
  ATOMIC_OPS.set(`${op}32`, { op, size: 4 });
}

function parseLock(s: ParseState): Insn {
  let t = s.expect(Ident, 'an atomic operation');
  let fetch = false;
  if (t.image === 'fetch') {
    fetch = true;
    t = s.expect(Ident, 'an atomic operation');
  }
  const a = ATOMIC_OPS.get(t.image);
  if (a === undefined) s.fail(t, `unknown atomic operation '${t.image}'`);
  if (a.op === 'xchg' || a.op === 'cmpxchg') fetch = true;
  const m = memOperand(s);
  comma(s);
  return { kind: 'atomic', size: a.size, op: a.op, fetch, dst: m.reg, src: mreg(s), off: m.off };
}

function parseCall(s: ParseState): Insn {
  const t = s.peek();
  if (t === undefined) return s.failHere('expected a call target');
  if (t.tokenType === PercentReg) return { kind: 'callx', reg: mreg(s) };
  if (t.tokenType === Ident) {
    if (t.image === 'local') {
      s.pos++;
      const target = parseTarget(s, 32);
      s.expectEnd();
      addFixup(s, target, 'imm');
      return { kind: 'call', target: 'local', imm: target.value, off: 0 };
    }
    if (t.image === 'helper') {
      s.pos++;
      return { kind: 'call', target: 'helper', imm: s.imm32('a helper id'), off: 0 };
    }
    if (t.image === 'runtime' || t.image === 'kfunc') {
      s.pos++;
      const imm = s.imm32('a BTF id');
      const off = s.accept(Comma) ? s.off16() : 0;
      return { kind: 'call', target: 'kfunc', imm, off };
    }
    s.pos++;
    const id = helperIdByName(t.image);
    s.expectEnd();
    if (id !== undefined) return { kind: 'call', target: 'helper', imm: id, off: 0 };
    addFixup(s, { value: 0, label: t }, 'imm', true);
    return { kind: 'call', target: 'local', imm: 0, off: 0 };
  }
  return { kind: 'call', target: 'helper', imm: s.imm32('a helper id'), off: 0 };
}

/** Parse one mnemonic-dialect instruction; the cursor is on the mnemonic. */
export function parseMnemonicInsn(s: ParseState): Insn {
  const m = s.next('an instruction');
  if (m.tokenType !== Ident) s.fail(m, `expected an instruction, found '${m.image}'`);
  const h = table.get(m.image) ?? table.get(m.image.toLowerCase());
  if (h === undefined) {
    const next = s.peek();
    const pseudoC = next !== undefined && next.tokenType !== Comma && next.tokenType !== PercentReg && /[=]/.test(next.image);
    s.fail(m, pseudoC
      ? `unknown mnemonic '${m.image}' (the file is read in the mnemonic dialect; this looks like pseudo-C: use --syntax pseudo-c)`
      : `unknown mnemonic '${m.image}'`);
  }
  const insn = h(s, m);
  s.expectEnd();
  return insn;
}

/** Does this identifier start a mnemonic-dialect instruction? */
export function isMnemonic(name: string): boolean {
  return table.has(name);
}
