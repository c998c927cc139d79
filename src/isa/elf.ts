/**
 * BPF ELF objects (what `clang -target bpf -c` and `llvm-mc -triple bpfel -filetype=obj`
 * produce) read into code sections, functions, programs, legacy maps and the license:
 *
 *     xdp, socket, tracepoint/...   SHT_PROGBITS + SHF_EXECINSTR: programs (type from the name)
 *     .text                         subprograms called from programs (R_BPF_64_32)
 *     maps                          legacy struct bpf_map_def { type, key_size, value_size,
 *                                   max_entries, map_flags }, one symbol per map (R_BPF_64_64)
 *     .maps                         BTF-defined maps, described by the .BTF section
 *     .bss                          zero-initialized globals: an array map of one value (map_value)
 *     .data*, .rodata*              initialized globals: the same, with the section as its value
 *                                   (.rodata* read-only: BPF_F_RDONLY_PROG, frozen)
 *     license                       "GPL\0"
 *
 * `programFromObject` (elf-program.ts) links one program into a `Program`; `writeBpfObject`
 * (elf-write.ts) writes one.
 */
import { decode } from './decode.js';
import { btfMapDefs, readBtf } from './elf-btf.js';
import { ElfError } from './elf-error.js';
import {
  readElf, SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, SHT_RELA, STB_GLOBAL, STB_WEAK,
  STT_FILE, STT_FUNC, STT_NOTYPE, STT_OBJECT, STT_SECTION,
  type ElfFile, type ElfRel, type ElfSection, type ElfSymbol,
} from './elf-read.js';
import { progTypeFromSection } from './elf-sections.js';
import { IsaError } from './errors.js';
import { slotIndices, type Insn } from './insn.js';
import { BPF_MAP_TYPE_ARRAY } from './map-types.js';
import type { MapDef } from './program.js';

export { ElfError } from './elf-error.js';
export { readElf, type ElfFile, type ElfRel, type ElfSection, type ElfSymbol } from './elf-read.js';
export { progTypeFromSection, type SectionProgType } from './elf-sections.js';
export { programFromObject, programNames } from './elf-program.js';
export { writeBpfObject, type ObjectWriteOptions } from './elf-write.js';

/** Size of the legacy `struct bpf_map_def`. */
export const BPF_MAP_DEF_SIZE = 20;

/** A function (or an unnamed stretch of code) of a code section: a unit of linking. */
export interface BpfFunction {
  readonly name: string;
  /** First slot (8-byte instruction index) in its section. */
  readonly slot: number;
  /** One past the last slot: the next function's start or the section end. */
  readonly end: number;
  /** Global (or weak) symbol: a program entry when outside `.text`. */
  readonly global: boolean;
}

/** An executable section, decoded. */
export interface BpfCodeSection {
  readonly index: number;
  readonly name: string;
  readonly insns: readonly Insn[];
  /** Slot index of each instruction, plus the slot count at the end (`slotIndices`). */
  readonly slots: readonly number[];
  /** Functions in slot order; together they cover the whole section. */
  readonly functions: readonly BpfFunction[];
  /** Other named symbols (local labels) in the section, by slot. */
  readonly labels: readonly { readonly name: string; readonly slot: number }[];
  /** Relocations by byte offset in the section. */
  readonly relocations: ReadonlyMap<number, ElfRel>;
  /** Name of the relocation section (`.relxdp`), for messages. */
  readonly relSection: string | undefined;
}

/** A program the object offers: one entry function of a program section. */
export interface BpfProgramEntry {
  /** Function name (the section name when the section has no symbols). */
  readonly name: string;
  readonly section: string;
  readonly sectionIndex: number;
  /** Entry slot in the section. */
  readonly slot: number;
  readonly progType?: number;
  readonly expectedAttachType?: number;
}

/** A map symbol: legacy (`maps`, struct bpf_map_def) or BTF-defined (`.maps`, read from `.BTF`). */
export interface BpfMapSymbol {
  readonly name: string;
  readonly sectionIndex: number;
  /** Byte offset of the definition in its section. */
  readonly offset: number;
  /** Index in `BpfObject.maps`, when the definition was read. */
  readonly index?: number;
  /** Why a `.maps` symbol has no definition (no `.BTF`, or no BTF variable for it). */
  readonly missing?: string;
}

/** A BPF ELF object, read and checked. */
export interface BpfObject {
  readonly elf: ElfFile;
  /** Every non-empty executable section, `.text` included, in file order. */
  readonly code: readonly BpfCodeSection[];
  /** Program entries, in file order (`.text` only when it is the only code). */
  readonly programs: readonly BpfProgramEntry[];
  /** Map definitions (legacy `maps`, then BTF-defined `.maps`), in section order. */
  readonly maps: readonly MapDef[];
  /** Map symbols of `maps` and `.maps`. */
  readonly mapSymbols: readonly BpfMapSymbol[];
  /** Zero-initialized global data sections (`.bss`), each an array map of one value: section index to map index. */
  readonly dataMaps: ReadonlyMap<number, number>;
  readonly license?: string;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const isGlobal = (s: ElfSymbol): boolean => s.bind === STB_GLOBAL || s.bind === STB_WEAK;
const isNamed = (s: ElfSymbol): boolean => s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE;

function readCode(elf: ElfFile, sec: ElfSection): BpfCodeSection {
  const where = { section: sec.name, fileOffset: sec.offset };
  if (sec.type !== SHT_PROGBITS) throw new ElfError(`section '${sec.name}': executable section of type ${sec.type}, not SHT_PROGBITS`, where);
  if (sec.size % 8 !== 0) throw new ElfError(`section '${sec.name}': size ${sec.size} is not a whole number of 8-byte instructions`, where);
  let insns: Insn[];
  try {
    insns = decode(sec.bytes);
  } catch (e) {
    if (e instanceof IsaError) throw new ElfError(`section '${sec.name}': ${e.message} (file offset ${hex(sec.offset + e.index * 8)})`, { section: sec.name, fileOffset: sec.offset + e.index * 8 });
    throw e;
  }
  const slots = slotIndices(insns);
  const total = sec.size / 8;
  const starts = new Set(slots);
  const at = (s: ElfSymbol, allowEnd: boolean): number => {
    const slot = s.value / 8;
    if (!Number.isInteger(slot) || slot > total || (slot === total && !allowEnd) || !starts.has(slot)) {
      throw new ElfError(`section '${sec.name}': symbol '${s.name}' at offset ${hex(s.value)} is not at an instruction of the section (${sec.size} bytes)`, where);
    }
    return slot;
  };
  const fnStarts = new Map<number, ElfSymbol>();
  const labels: { name: string; slot: number }[] = [];
  for (const s of elf.symbols) {
    if (s.shndx !== sec.index || !isNamed(s)) continue;
    if (s.type === STT_FUNC || (isGlobal(s) && (s.type === STT_NOTYPE || s.type === STT_OBJECT) && s.value !== sec.size)) {
      const slot = at(s, false);
      const prev = fnStarts.get(slot);
      if (prev === undefined || (isGlobal(s) && !isGlobal(prev))) fnStarts.set(slot, s);
      else labels.push({ name: s.name, slot });
    } else {
      labels.push({ name: s.name, slot: at(s, true) });
    }
  }
  const startSlots = [...fnStarts.keys(), 0].sort((a, b) => a - b).filter((v, i, a) => i === 0 || a[i - 1] !== v);
  const functions = startSlots.map((slot, i): BpfFunction => {
    const s = fnStarts.get(slot);
    const name = s?.name ?? labels.find((l) => l.slot === slot)?.name ?? sec.name;
    return { name, slot, end: startSlots[i + 1] ?? total, global: s !== undefined && isGlobal(s) };
  });
  labels.sort((a, b) => a.slot - b.slot);
  // Relocations that patch this section.
  const relocations = new Map<number, ElfRel>();
  let relSection: string | undefined;
  for (const rs of elf.relocations) {
    if (rs.target !== sec.index) continue;
    if (rs.section.type === SHT_RELA) throw new ElfError(`relocation section '${rs.section.name}' for '${sec.name}' is SHT_RELA; BPF objects use SHT_REL`, { section: rs.section.name, fileOffset: rs.section.offset });
    relSection = rs.section.name;
    for (const r of rs.rels) {
      const loc = `section '${sec.name}': relocation ${r.index} (in '${rs.section.name}')`;
      if (r.offset % 8 !== 0 || r.offset >= sec.size || !starts.has(r.offset / 8)) {
        throw new ElfError(`${loc}: offset ${hex(r.offset)} is not at an instruction of the section (${sec.size} bytes)`, { section: sec.name, fileOffset: rs.section.offset + r.index * 16 });
      }
      if (relocations.has(r.offset)) throw new ElfError(`${loc}: a second relocation at offset ${hex(r.offset)}`, { section: sec.name, fileOffset: rs.section.offset + r.index * 16 });
      relocations.set(r.offset, r);
    }
  }
  return { index: sec.index, name: sec.name, insns, slots, functions, labels, relocations, relSection };
}

function readMaps(elf: ElfFile): { maps: MapDef[]; mapSymbols: BpfMapSymbol[] } {
  const maps: MapDef[] = [];
  const mapSymbols: BpfMapSymbol[] = [];
  for (const sec of elf.sections) {
    if (sec.name !== 'maps' && sec.name !== '.maps') continue;
    const syms = elf.symbols.filter((s) => s.shndx === sec.index && isNamed(s)).sort((a, b) => a.value - b.value);
    if (sec.name === '.maps') {
      if (syms.length === 0) continue;
      const btfSec = elf.sections.find((x) => x.name === '.BTF');
      const defs = btfSec === undefined ? undefined : btfMapDefs(readBtf(btfSec.bytes, btfSec.offset));
      for (const s of syms) {
        const def = defs?.get(s.name);
        if (def === undefined) {
          const missing = defs === undefined ? 'the object has no .BTF section to describe it' : 'no variable of the BTF DATASEC \'.maps\' describes it';
          mapSymbols.push({ name: s.name, sectionIndex: sec.index, offset: s.value, missing });
          continue;
        }
        mapSymbols.push({ name: s.name, sectionIndex: sec.index, offset: s.value, index: maps.length });
        maps.push(def);
      }
      continue;
    }
    const where = { section: sec.name, fileOffset: sec.offset };
    if (sec.type === SHT_NOBITS && syms.length > 0) throw new ElfError(`section 'maps' has no contents (SHT_NOBITS): map '${syms[0]!.name}' has type 0`, where);
    if (sec.type !== SHT_PROGBITS && syms.length > 0) throw new ElfError(`section 'maps' has type ${sec.type}, not SHT_PROGBITS`, where);
    for (let i = 0; i < syms.length; i++) {
      const s = syms[i]!;
      const end = syms[i + 1]?.value ?? sec.size;
      if (i + 1 < syms.length && end === s.value) throw new ElfError(`section 'maps': maps '${s.name}' and '${syms[i + 1]!.name}' are at the same offset ${hex(s.value)}`, where);
      if (s.value + BPF_MAP_DEF_SIZE > end || s.value + BPF_MAP_DEF_SIZE > sec.size) {
        throw new ElfError(`section 'maps': map '${s.name}' at offset ${hex(s.value)} has ${Math.max(0, Math.min(end, sec.size) - s.value)} bytes, struct bpf_map_def needs ${BPF_MAP_DEF_SIZE}`, where);
      }
      const b = sec.bytes;
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const u32 = (k: number): number => view.getUint32(s.value + 4 * k, true);
      for (let k = s.value + BPF_MAP_DEF_SIZE; k < end; k++) {
        if (b[k] !== 0) {
          throw new ElfError(`section 'maps': map '${s.name}' has non-zero bytes past struct bpf_map_def (byte ${k - s.value}, e.g. iproute2 pinning or inner-map fields), which are not supported`, { section: sec.name, fileOffset: sec.offset + k });
        }
      }
      const def: MapDef = { name: s.name, type: u32(0), keySize: u32(1), valueSize: u32(2), maxEntries: u32(3), flags: u32(4) };
      if (def.type === 0) throw new ElfError(`section 'maps': map '${s.name}' at offset ${hex(s.value)} has type 0 (BPF_MAP_TYPE_UNSPEC)`, { section: sec.name, fileOffset: sec.offset + s.value });
      mapSymbols.push({ name: s.name, sectionIndex: sec.index, offset: s.value, index: maps.length });
      maps.push(def);
    }
  }
  return { maps, mapSymbols };
}

/**
 * `.bss` (and `.bss.*`) sections become array maps with one value of the section's size,
 * as libbpf makes them (named `bss`, `bss_name`: names an assembler can read back).
 */
function readBss(elf: ElfFile, maps: MapDef[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const sec of elf.sections) {
    if (!/^\.bss(\.|$)/.test(sec.name) || sec.size === 0 || (sec.flags & SHF_EXECINSTR) !== 0) continue;
    if (sec.type !== SHT_NOBITS && sec.bytes.some((b) => b !== 0)) throw new ElfError(`section '${sec.name}' has non-zero contents`, { section: sec.name, fileOffset: sec.offset });
    if (sec.size > 0xffff_ffff) throw new ElfError(`section '${sec.name}' of ${sec.size} bytes is too large for a map value`, { section: sec.name });
    const name = sec.name.slice(1).replace(/\./g, '_');
    if (maps.some((m) => m.name === name)) throw new ElfError(`section '${sec.name}' would be map '${name}', but a map of that name exists`, { section: sec.name });
    out.set(sec.index, maps.length);
    maps.push({ name, type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: sec.size, maxEntries: 1, flags: 0 });
  }
  return out;
}

function readLicense(elf: ElfFile): string | undefined {
  const sec = elf.sections.find((s) => s.name === 'license');
  if (sec === undefined) return undefined;
  const end = sec.bytes.indexOf(0);
  return new TextDecoder().decode(sec.bytes.subarray(0, end < 0 ? sec.bytes.length : end));
}

function listEntries(code: readonly BpfCodeSection[]): BpfProgramEntry[] {
  const onlyText = code.every((c) => c.name === '.text');
  const out: BpfProgramEntry[] = [];
  for (const c of code) {
    if (c.name === '.text' && !onlyText) continue;
    const t = progTypeFromSection(c.name);
    const meta = { section: c.name, sectionIndex: c.index, ...(t ?? {}) };
    const globals = c.functions.filter((f) => f.global);
    const entries = globals.length > 0 ? globals : [c.functions[0]!];
    for (const f of entries) out.push({ name: f.name, slot: f.slot, ...meta });
  }
  return out;
}

/**
 * Read a BPF ELF object: code sections (decoded), program entries, legacy maps and license.
 * Throws `ElfError` naming the file offset, section or relocation on malformed input.
 * @example readBpfObject(readFileSync('prog.o')).programs.map((p) => p.section) // ['xdp']
 */
export function readBpfObject(bytes: Uint8Array): BpfObject {
  const elf = readElf(bytes);
  const code: BpfCodeSection[] = [];
  for (const sec of elf.sections) {
    if ((sec.flags & SHF_EXECINSTR) === 0 || sec.index === 0) continue;
    if (sec.size === 0) continue;
    code.push(readCode(elf, sec));
  }
  const { maps, mapSymbols } = readMaps(elf);
  const dataMaps = readBss(elf, maps);
  const license = readLicense(elf);
  return { elf, code, programs: listEntries(code), maps, mapSymbols, dataMaps, ...(license !== undefined ? { license } : {}) };
}
