import type { Insn } from '../isa/insn.js';
import { slotIndices } from '../isa/insn.js';
import type { Program } from '../isa/program.js';

/**
 * BPF_PROG_TEST_RUN reports only the low 32 bits of r0. This rewrites a program to return
 * `r0 >> 32` instead: every `exit` becomes a `goto` to an appended `r0 >>= 32; exit`
 * (same slot count, so no other offset moves). Run both programs on the same input and
 * state to get all 64 bits: `(high << 32) | low`.
 * Programs with bpf-to-bpf calls or callbacks are refused (their exits return from callees).
 * @example const hi = loadProgram(returnHighHalf(program)).testRun({ data }).retval
 */
export function returnHighHalf(program: Program): Program {
  const insns = program.insns;
  for (const [i, insn] of insns.entries()) {
    if ((insn.kind === 'call' && insn.target === 'local') || (insn.kind === 'lddw' && insn.src === 4) || insn.kind === 'callx') {
      throw new Error(`insn ${i}: returnHighHalf handles programs without bpf-to-bpf calls or callbacks only`);
    }
  }
  const slots = slotIndices(insns);
  const epilogue = slots[insns.length]!;
  const out: Insn[] = insns.map((insn, i) => {
    if (insn.kind !== 'exit') return insn;
    const off = epilogue - (slots[i]! + 1);
    return off <= 0x7fff ? { kind: 'ja', off } : { kind: 'gotol', imm: off };
  });
  out.push({ kind: 'alu', width: 64, op: 'rsh', dst: 0, src: null, imm: 32 }, { kind: 'exit' });
  return { ...program, insns: out };
}
