/**
 * The disassembler: a `Program` (or bare instructions) back to source text in either
 * dialect. The output re-assembles to the same bytes. With `labels`, jump and call
 * targets become labels (the program's own symbols where it has them, else `L<slot>`).
 */
import { attachTypeName } from '../isa/attach-types.js';
import { mapTypeName } from '../isa/map-types.js';
import { progTypeName } from '../isa/prog-types.js';
import { slotIndices, type Insn } from '../isa/insn.js';
import type { Program } from '../isa/program.js';
import type { Dialect } from './dialect.js';
import { printMnemonic } from './print-mnemonic.js';
import { printPseudoC, type TargetName } from './print-pseudo-c.js';
import { printDataDirective } from './directives.js';

/** Options of `printProgram` / `printInsn`. */
export interface PrintOptions {
  /** Output dialect (default pseudo-C). */
  syntax?: Dialect;
  /** Print jump and call targets as labels (default false: `+N` offsets). */
  labels?: boolean;
}

/**
 * One instruction as text (targets as `+N` offsets).
 * @example printInsn({ kind: 'alu', width: 64, op: 'mov', dst: 0, src: null, imm: 1 }) // 'r0 = 1'
 */
export function printInsn(insn: Insn, options: PrintOptions = {}): string {
  return options.syntax === 'mnemonic' ? printMnemonic(insn) : printPseudoC(insn);
}

/** Which relative field of an instruction holds a code target, if any. */
function relTarget(insn: Insn): number | undefined {
  switch (insn.kind) {
    case 'jmp':
    case 'ja':
    case 'may_goto':
      return insn.off;
    case 'gotol':
      return insn.imm;
    case 'call':
      return insn.target === 'local' ? insn.imm : undefined;
    case 'lddw':
      return insn.src === 4 && insn.imm <= 0xffff_ffffn ? Number(BigInt.asIntN(32, insn.imm)) : undefined;
    default:
      return undefined;
  }
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The directives that describe a program's metadata. */
function directives(p: Program): string[] {
  const out: string[] = [];
  if (p.progType !== undefined) out.push(`.prog_type ${progTypeName(p.progType)}`);
  if (p.expectedAttachType !== undefined) out.push(`.attach_type ${attachTypeName(p.expectedAttachType)}`);
  if (p.license !== undefined) out.push(`.license ${quote(p.license)}`);
  if (p.name !== undefined) out.push(`.name ${p.name}`);
  for (const m of p.maps) {
    // Global data (.rodata/.data with contents) prints as the directive that recreates it.
    out.push(printDataDirective(m) ?? `.map ${m.name}, ${mapTypeName(m.type)}, key=${m.keySize}, value=${m.valueSize}, entries=${m.maxEntries}${m.flags !== 0 ? `, flags=${m.flags}` : ''}`);
  }
  return out;
}

/**
 * A whole program as source text, one instruction per line, with the directives for
 * its metadata (program type, license, maps) first.
 * @example printProgram(assemble('r0 = 0\nexit'), { syntax: 'mnemonic' }) // 'mov %r0, 0\nexit\n'
 */
export function printProgram(program: Program | readonly Insn[], options: PrintOptions = {}): string {
  const isProgram = !Array.isArray(program);
  const p = program as Program;
  const insns: readonly Insn[] = isProgram ? p.insns : (program as readonly Insn[]);
  const fmt = options.syntax === 'mnemonic' ? printMnemonic : printPseudoC;
  const out: string[] = isProgram ? directives(p) : [];
  if (!options.labels) {
    for (const insn of insns) out.push(fmt(insn));
    return out.length > 0 ? `${out.join('\n')}\n` : '';
  }
  const slots = slotIndices(insns);
  const total = slots[insns.length]!;
  const insnAtSlot = new Map<number, number>();
  for (let i = 0; i <= insns.length; i++) insnAtSlot.set(slots[i]!, i);
  // Names for insn indices: the program's symbols, then generated ones for targets.
  const names = new Map<number, string[]>();
  const used = new Set<string>();
  if (isProgram) {
    for (const s of p.symbols) {
      if (s.insn < 0 || s.insn > insns.length || used.has(s.name)) continue;
      used.add(s.name);
      const list = names.get(s.insn) ?? [];
      list.push(s.name);
      names.set(s.insn, list);
    }
  }
  for (let i = 0; i < insns.length; i++) {
    const rel = relTarget(insns[i]!);
    if (rel === undefined) continue;
    const slot = slots[i]! + 1 + rel;
    const t = insnAtSlot.get(slot);
    if (slot < 0 || slot > total || t === undefined || names.has(t)) continue;
    let n = `L${slot}`;
    for (let k = 1; used.has(n); k++) n = `L${slot}_${k}`;
    used.add(n);
    names.set(t, [n]);
  }
  for (let i = 0; i <= insns.length; i++) {
    for (const n of names.get(i) ?? []) out.push(`${n}:`);
    if (i === insns.length) break;
    const base = slots[i]! + 1;
    const name: TargetName = (rel) => {
      const t = insnAtSlot.get(base + rel);
      return t === undefined ? undefined : names.get(t)?.[0];
    };
    out.push(fmt(insns[i]!, name));
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
