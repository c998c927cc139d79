import type { Insn } from './insn.js';

/** A map definition carried by a program (from `.map` directives or built in TypeScript). */
export interface MapDef {
  /** Name referenced by `lddw` (`r1 = map[name] ll` / `lddw %r1, map[name]`). */
  readonly name: string;
  /** `BPF_MAP_TYPE_*` value. */
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** `BPF_F_*` map flags. */
  readonly flags: number;
  /**
   * Global data (`.data`, `.rodata`, assembler `.data`/`.rodata`): the bytes of element 0
   * of a single-entry ARRAY map (exactly `valueSize` of them), written after creation as
   * libbpf does. Absent: the map starts zeroed.
   */
  readonly initialValue?: Uint8Array;
  /**
   * BPF_MAP_FREEZE after the initial value is written (libbpf does it for `.rodata`):
   * user space may no longer update the map. With `BPF_F_RDONLY_PROG` in `flags` the
   * program may only read it, and the kernel's verifier treats its contents as constants.
   */
  readonly frozen?: boolean;
}

/** A named function (subprogram entry) or label: `insn` is an index into `Program.insns`. */
export interface ProgramSymbol {
  readonly name: string;
  readonly insn: number;
}

/**
 * The one value that travels through every room: instructions plus the metadata a
 * loader needs (program type, license, maps). Produced by the assembler, by `decode`
 * (instructions only) or by hand with the builders.
 */
export interface Program {
  readonly insns: readonly Insn[];
  /** `BPF_PROG_TYPE_*` value; undefined when the source did not say. */
  readonly progType?: number;
  /** `BPF_*` attach type for BPF_PROG_LOAD's expected_attach_type. */
  readonly expectedAttachType?: number;
  /** License string for BPF_PROG_LOAD (`GPL` unlocks GPL-only helpers). */
  readonly license?: string;
  /** Program name (BPF_OBJ_NAME_LEN - 1 = 15 characters max in the kernel). */
  readonly name?: string;
  readonly maps: readonly MapDef[];
  /** Labels and function names, in source order. */
  readonly symbols: readonly ProgramSymbol[];
}

/**
 * A `Program` from instructions alone.
 * @example programOf([mov64Imm(R0, 0), exit()])
 */
export function programOf(insns: readonly Insn[], meta: Partial<Omit<Program, 'insns'>> = {}): Program {
  return { maps: [], symbols: [], ...meta, insns };
}
