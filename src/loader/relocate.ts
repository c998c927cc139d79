import type { Insn } from '../isa/insn.js';
import type { Program } from '../isa/program.js';
import { BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE } from '../isa/opcodes.js';

/** A map reference an `lddw` makes: the map's name and the instruction index. */
export interface MapReference {
  readonly insn: number;
  readonly name: string;
}

/**
 * The name of the map an `lddw` with a map pseudo source refers to: its `map` field, or
 * `program.maps[imm & 0xffffffff]` when the field is absent. Undefined for a plain `lddw`
 * or a raw fd (no map metadata).
 */
export function mapNameOf(program: Program, insn: Insn, index: number): string | undefined {
  if (insn.kind !== 'lddw' || (insn.src !== BPF_PSEUDO_MAP_FD && insn.src !== BPF_PSEUDO_MAP_VALUE)) return undefined;
  if (insn.map !== undefined) return insn.map;
  if (program.maps.length === 0) return undefined;
  const i = Number(insn.imm & 0xffffffffn);
  const def = program.maps[i];
  if (!def) throw new Error(`insn ${index}: lddw refers to map index ${i}, but the program has ${program.maps.length} map(s)`);
  return def.name;
}

/** Every map reference in a program, in instruction order. */
export function mapReferences(program: Program): MapReference[] {
  const out: MapReference[] = [];
  program.insns.forEach((insn, i) => {
    const name = mapNameOf(program, insn, i);
    if (name !== undefined) out.push({ insn: i, name });
  });
  return out;
}

/**
 * The program's instructions with every map reference's low 32 immediate bits replaced by
 * the map's fd; the high 32 bits (the value offset of BPF_PSEUDO_MAP_VALUE) are kept.
 * @example relocateMaps(program, (name) => maps.get(name)!.fd)
 */
export function relocateMaps(program: Program, fdOf: (name: string, insn: number) => number): Insn[] {
  return program.insns.map((insn, i) => {
    const name = mapNameOf(program, insn, i);
    if (name === undefined || insn.kind !== 'lddw') return insn;
    const fd = fdOf(name, i);
    const high = insn.src === BPF_PSEUDO_MAP_VALUE ? insn.imm & 0xffffffff00000000n : 0n;
    return { kind: 'lddw', dst: insn.dst, src: insn.src, imm: high | BigInt(fd >>> 0) };
  });
}
