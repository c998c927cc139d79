/**
 * A strict, bounds-checked reader of ELF64 little-endian relocatable files: the header,
 * section headers, section names, the symbol table and `SHT_REL` relocations. Every
 * offset and size is checked against the file before it is used, so malformed input
 * throws `ElfError` (naming the file offset or section) and never a `RangeError`.
 *
 *     ELF header (64 bytes) ─ e_shoff ─▶ section headers (64 bytes each)
 *         sh_name ─▶ .strtab / .shstrtab      SHT_SYMTAB ─ sh_link ─▶ string table
 *         SHT_REL ─ sh_info ─▶ the section it patches, sh_link ─▶ the symbol table
 */
import { ElfError } from './elf-error.js';

export const EM_BPF = 247;
export const ET_REL = 1;
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHF_EXECINSTR = 0x4;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;
export const R_BPF_NONE = 0;
export const R_BPF_64_64 = 1;
export const R_BPF_64_ABS64 = 2;
export const R_BPF_64_ABS32 = 3;
export const R_BPF_64_NODYLD32 = 4;
export const R_BPF_64_32 = 10;

const RELOCATION_NAMES: Record<number, string> = {
  0: 'R_BPF_NONE', 1: 'R_BPF_64_64', 2: 'R_BPF_64_ABS64', 3: 'R_BPF_64_ABS32', 4: 'R_BPF_64_NODYLD32', 10: 'R_BPF_64_32',
};

/** ` (R_BPF_64_ABS64)` for a known relocation type, else the empty string. */
export function relocationTypeName(type: number): string {
  const n = RELOCATION_NAMES[type];
  return n === undefined ? '' : ` (${n})`;
}

/** One section header, with its bytes (empty for `SHT_NOBITS`). */
export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  /** `SHF_*` flags (the low 32 bits). */
  readonly flags: number;
  /** File offset of the section's bytes. */
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
  readonly bytes: Uint8Array;
}

/** One `Elf64_Sym`. */
export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** `STB_*` binding. */
  readonly bind: number;
  /** `STT_*` type. */
  readonly type: number;
  /** Section index, or `SHN_UNDEF` / `SHN_ABS` / `SHN_COMMON`. */
  readonly shndx: number;
}

/** One `Elf64_Rel`: patch the bytes at `offset` of the target section with `sym`. */
export interface ElfRel {
  /** Index of the entry in its relocation section. */
  readonly index: number;
  readonly offset: number;
  /** `R_BPF_*` type: ELF64_R_TYPE(r_info). */
  readonly type: number;
  /** Symbol index: ELF64_R_SYM(r_info). */
  readonly sym: number;
}

/** A relocation section and the section it applies to. */
export interface ElfRelSection {
  readonly section: ElfSection;
  readonly target: number;
  readonly rels: readonly ElfRel[];
}

/** A parsed ELF64 file. */
export interface ElfFile {
  readonly machine: number;
  readonly type: number;
  readonly sections: readonly ElfSection[];
  /** The symbol table (index 0 is the null symbol); empty when the file has none. */
  readonly symbols: readonly ElfSymbol[];
  /** `SHT_REL` and `SHT_RELA` sections (RELA entries are not parsed: `rels` is empty). */
  readonly relocations: readonly ElfRelSection[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(off: number): number {
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(off, true);
  }
  /** A 64-bit field as a number: exact below 2^53, and past the end of any file above. */
  u64(off: number): number {
    return this.view.getUint32(off + 4, true) * 0x1_0000_0000 + this.view.getUint32(off, true);
  }
}

/** A NUL-terminated string at `off` of a string table section. */
function stringAt(table: ElfSection, off: number, what: string): string {
  if (off >= table.bytes.length) {
    throw new ElfError(`${what}: string offset ${hex(off)} is outside '${table.name}' (${table.bytes.length} bytes)`, { section: table.name, fileOffset: table.offset });
  }
  const end = table.bytes.indexOf(0, off);
  if (end < 0) {
    throw new ElfError(`${what}: string at offset ${hex(off)} of '${table.name}' has no terminating NUL`, { section: table.name, fileOffset: table.offset + off });
  }
  return new TextDecoder().decode(table.bytes.subarray(off, end));
}

function readHeader(r: Reader): { type: number; machine: number; shoff: number; shnum: number; shstrndx: number } {
  const b = r.bytes;
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) {
    throw new ElfError('not an ELF file (no \\x7fELF magic at offset 0)', { fileOffset: 0 });
  }
  if (b.length < 64) throw new ElfError(`truncated ELF header: the file has ${b.length} bytes, the ELF64 header needs 64`, { fileOffset: b.length });
  if (b[4] !== 2) throw new ElfError(`e_ident[EI_CLASS] at offset 0x4 is ${b[4]}, not ELFCLASS64 (2): BPF objects are 64-bit ELF`, { fileOffset: 4 });
  if (b[5] === 2) {
    throw new ElfError('big-endian ELF (bpfeb) is not supported: the VM and this kernel are little-endian; build with -target bpfel (or bpf on a little-endian host)', { fileOffset: 5 });
  }
  if (b[5] !== 1) throw new ElfError(`e_ident[EI_DATA] at offset 0x5 is ${b[5]}, not ELFDATA2LSB (1)`, { fileOffset: 5 });
  if (b[6] !== 1) throw new ElfError(`e_ident[EI_VERSION] at offset 0x6 is ${b[6]}, not EV_CURRENT (1)`, { fileOffset: 6 });
  const type = r.u16(16);
  const machine = r.u16(18);
  if (machine !== EM_BPF) {
    const known: Record<number, string> = { 3: 'i386', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V' };
    const what = known[machine] !== undefined ? ` (${known[machine]})` : '';
    throw new ElfError(`e_machine at offset 0x12 is ${machine}${what}, not EM_BPF (247): not a BPF object`, { fileOffset: 18 });
  }
  if (type !== ET_REL) throw new ElfError(`e_type at offset 0x10 is ${type}, not ET_REL (1): only relocatable BPF objects (clang -c, llvm-mc -filetype=obj) are read`, { fileOffset: 16 });
  const shoff = r.u64(40);
  const shentsize = r.u16(58);
  const shnum = r.u16(60);
  const shstrndx = r.u16(62);
  if (shnum === 0 && shoff !== 0) throw new ElfError('extended section numbering (e_shnum 0 with a section header table) is not supported', { fileOffset: 60 });
  if (shnum !== 0 && shentsize !== 64) throw new ElfError(`e_shentsize at offset 0x3a is ${shentsize}, not 64`, { fileOffset: 58 });
  if (shnum !== 0 && shoff + shnum * 64 > b.length) {
    throw new ElfError(`section header table at offset ${hex(shoff)} (${shnum} headers of 64 bytes) runs past the end of the file (${b.length} bytes)`, { fileOffset: 40 });
  }
  if (shnum !== 0 && shstrndx >= shnum) throw new ElfError(`e_shstrndx at offset 0x3e is ${shstrndx}, but there are ${shnum} sections`, { fileOffset: 62 });
  return { type, machine, shoff, shnum, shstrndx };
}

interface RawSection {
  nameOff: number;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  headerAt: number;
}

function readSections(r: Reader, shoff: number, shnum: number, shstrndx: number): ElfSection[] {
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const s: RawSection = {
      nameOff: r.u32(h), type: r.u32(h + 4), flags: r.u32(h + 8), offset: r.u64(h + 24), size: r.u64(h + 32),
      link: r.u32(h + 40), info: r.u32(h + 44), entsize: r.u64(h + 56), headerAt: h,
    };
    if (s.type !== SHT_NOBITS && s.type !== SHT_NULL && s.offset + s.size > r.bytes.length) {
      throw new ElfError(`section ${i} (header at offset ${hex(h)}): data at offset ${hex(s.offset)} of ${s.size} bytes runs past the end of the file (${r.bytes.length} bytes)`, { fileOffset: h + 24 });
    }
    raw.push(s);
  }
  const bytesOf = (s: RawSection): Uint8Array => (s.type === SHT_NOBITS || s.type === SHT_NULL ? new Uint8Array(0) : r.bytes.subarray(s.offset, s.offset + s.size));
  let names: ElfSection | undefined;
  if (shnum > 0) {
    const n = raw[shstrndx]!;
    if (n.type !== SHT_STRTAB) throw new ElfError(`section name table (section ${shstrndx}, header at offset ${hex(n.headerAt)}) has type ${n.type}, not SHT_STRTAB (3)`, { fileOffset: n.headerAt + 4 });
    names = { index: shstrndx, name: '.shstrtab', type: n.type, flags: n.flags, offset: n.offset, size: n.size, link: n.link, info: n.info, entsize: n.entsize, bytes: bytesOf(n) };
  }
  return raw.map((s, index) => ({
    index,
    name: index === 0 ? '' : stringAt(names!, s.nameOff, `section ${index} (header at offset ${hex(s.headerAt)}) name`),
    type: s.type, flags: s.flags, offset: s.offset, size: s.size, link: s.link, info: s.info, entsize: s.entsize,
    bytes: bytesOf(s),
  }));
}

function readSymbols(r: Reader, sections: readonly ElfSection[]): ElfSymbol[] {
  const tables = sections.filter((s) => s.type === SHT_SYMTAB);
  if (tables.length === 0) return [];
  if (tables.length > 1) throw new ElfError(`${tables.length} symbol tables (sections ${tables.map((t) => `'${t.name}'`).join(', ')}); a relocatable object has one`, { section: tables[1]!.name });
  const tab = tables[0]!;
  if (tab.entsize !== 24) throw new ElfError(`symbol table '${tab.name}': sh_entsize is ${tab.entsize}, not 24`, { section: tab.name });
  if (tab.size % 24 !== 0) throw new ElfError(`symbol table '${tab.name}': size ${tab.size} is not a multiple of 24`, { section: tab.name });
  const strtab = sections[tab.link];
  if (strtab === undefined || strtab.type !== SHT_STRTAB) {
    throw new ElfError(`symbol table '${tab.name}': sh_link ${tab.link} is not a string table`, { section: tab.name });
  }
  const out: ElfSymbol[] = [];
  for (let i = 0; i * 24 < tab.size; i++) {
    const at = tab.offset + i * 24;
    const info = r.bytes[at + 4]!;
    const shndx = r.u16(at + 6);
    const sym: ElfSymbol = {
      index: i,
      name: stringAt(strtab, r.u32(at), `symbol ${i} (at offset ${hex(at)}) name`),
      value: r.u64(at + 8), size: r.u64(at + 16), bind: info >> 4, type: info & 0xf, shndx,
    };
    if (shndx === SHN_XINDEX) throw new ElfError(`symbol ${i} '${sym.name}' (at offset ${hex(at)}): extended section indices (SHN_XINDEX) are not supported`, { section: tab.name, fileOffset: at + 6 });
    if (shndx >= sections.length && shndx < SHN_LORESERVE) {
      throw new ElfError(`symbol ${i} '${sym.name}' (at offset ${hex(at)}): section index ${shndx} out of range (${sections.length} sections)`, { section: tab.name, fileOffset: at + 6 });
    }
    out.push(sym);
  }
  return out;
}

function readRelocations(r: Reader, sections: readonly ElfSection[], nsyms: number): ElfRelSection[] {
  const out: ElfRelSection[] = [];
  for (const s of sections) {
    if (s.type !== SHT_REL && s.type !== SHT_RELA) continue;
    if (s.info === 0 || s.info >= sections.length) {
      throw new ElfError(`relocation section '${s.name}': sh_info ${s.info} is not a section index (${sections.length} sections)`, { section: s.name });
    }
    if (s.type === SHT_RELA) {
      out.push({ section: s, target: s.info, rels: [] });
      continue;
    }
    if (s.entsize !== 16) throw new ElfError(`relocation section '${s.name}': sh_entsize is ${s.entsize}, not 16 (Elf64_Rel)`, { section: s.name });
    if (s.size % 16 !== 0) throw new ElfError(`relocation section '${s.name}': size ${s.size} is not a multiple of 16`, { section: s.name });
    const rels: ElfRel[] = [];
    for (let i = 0; i * 16 < s.size; i++) {
      const at = s.offset + i * 16;
      const rel: ElfRel = { index: i, offset: r.u64(at), type: r.u32(at + 8), sym: r.u32(at + 12) };
      if (rel.sym >= nsyms) {
        throw new ElfError(`relocation section '${s.name}': relocation ${i} (at offset ${hex(at)}): symbol index ${rel.sym} out of range (${nsyms} symbols)`, { section: s.name, fileOffset: at + 12 });
      }
      rels.push(rel);
    }
    out.push({ section: s, target: s.info, rels });
  }
  return out;
}

/**
 * Parse an ELF64 little-endian EM_BPF relocatable object (headers, sections, symbols, relocations).
 * @example readElf(readFileSync('prog.o')).sections.map((s) => s.name)
 */
export function readElf(bytes: Uint8Array): ElfFile {
  const r = new Reader(bytes);
  const h = readHeader(r);
  const sections = readSections(r, h.shoff, h.shnum, h.shstrndx);
  const symbols = readSymbols(r, sections);
  const relocations = readRelocations(r, sections, symbols.length);
  return { machine: h.machine, type: h.type, sections, symbols, relocations };
}

/** Is this symbol defined in a section of the object (not undefined, absolute or common)? */
export function definedInSection(sym: ElfSymbol): boolean {
  return sym.shndx !== SHN_UNDEF && sym.shndx < SHN_LORESERVE;
}
