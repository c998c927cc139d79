/**
 * Writing a `Program` as a BPF ELF relocatable object, laid out the way clang lays one out
 * so that libbpf (bpftool, ip/tc, your own loader) loads it and llvm-objdump lists it:
 *
 *     <section>     the entry function, named by program type (`xdp`, `socket`, `tc`, ...)
 *     .text         the subprograms (static functions), if there are calls
 *     .rel<sec>     R_BPF_64_64 on map loads, R_BPF_64_32 on calls into .text
 *     license       the license string
 *     .maps + .BTF  BTF-defined maps (`__uint(type, ...)`, `__uint(key_size, ...)`, ...)
 *     .symtab, .strtab
 *
 *     .rodata.NAME  global data (`.rodata`/`.data` maps with contents), map_value loads
 *     .data.NAME    relocated against the section symbol, the offset in the instruction
 *
 * What an object cannot carry yet is an error naming the instruction: `map_value[...]` of
 * maps without contents, and `func[...]` callbacks (they need BTF func_info).
 */
import { encode } from './encode.js';
import { ElfError } from './elf-error.js';
import { EM_BPF, ET_REL, SHT_PROGBITS, SHT_REL, SHT_STRTAB, SHT_SYMTAB } from './elf-read.js';
import { progTypeFromSection } from './elf-sections.js';
import { slotIndices, type Insn } from './insn.js';
import { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_RINGBUF } from './map-types.js';
import type { MapDef, Program } from './program.js';

const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const R_BPF_64_64 = 1;
const R_BPF_64_32 = 10;

/** Section names libbpf knows, in the order we prefer them for a program type. */
const SECTION_NAMES = [
  'xdp', 'socket', 'tc', 'action', 'tracepoint', 'raw_tracepoint', 'kprobe', 'perf_event', 'cgroup_skb/ingress',
  'cgroup_skb/egress', 'cgroup/skb', 'cgroup/sock', 'cgroup/dev', 'cgroup/sysctl', 'sockops', 'sk_skb', 'sk_msg',
  'lwt_in', 'lwt_out', 'lwt_xmit', 'flow_dissector', 'sk_lookup', 'syscall', 'raw_tracepoint.w',
];

/** Options of `writeBpfObject`. */
export interface ObjectWriteOptions {
  /** The program's section name (default: libbpf's name for its program type, e.g. `xdp`). */
  readonly section?: string;
}

/**
 * Write `program` as a BPF ELF object (ELF64, little-endian, EM_BPF, ET_REL).
 * @example writeFileSync('prog.o', writeBpfObject(assemble(source)))
 */
export function writeBpfObject(program: Program, options: ObjectWriteOptions = {}): Uint8Array {
  const section = options.section ?? sectionFor(program);
  const split = splitFunctions(program);
  const strtab = new StringTable();
  const symbols: Symbol[] = [];
  const sections: Section[] = [{ name: '', type: 0, flags: 0, data: new Uint8Array(0), align: 0 }];
  const add = (s: Section): number => sections.push(s) - 1;

  const progIdx = add({ name: section, type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, data: new Uint8Array(0), align: 8 });
  const textIdx = split.subprograms.length > 0 ? add({ name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, data: new Uint8Array(0), align: 8 }) : -1;
  const licenseIdx = program.license !== undefined
    ? add({ name: 'license', type: SHT_PROGBITS, flags: SHF_WRITE | SHF_ALLOC, data: cString(program.license), align: 1 })
    : -1;
  // Global data (maps with contents) become .rodata.NAME / .data.NAME sections, as libbpf reads
  // them; the other maps are BTF-defined in .maps.
  const dataMaps = program.maps.filter(isGlobalData);
  const btfDefined = program.maps.filter((m) => !isGlobalData(m));
  const dataIdx = new Map<string, number>();
  for (const m of dataMaps) {
    const ro = m.frozen === true;
    dataIdx.set(m.name, add({ name: `${ro ? '.rodata' : '.data'}.${m.name}`, type: SHT_PROGBITS, flags: ro ? SHF_ALLOC : SHF_WRITE | SHF_ALLOC, data: m.initialValue!, align: 8 }));
  }
  const mapsIdx = btfDefined.length > 0 ? add({ name: '.maps', type: SHT_PROGBITS, flags: SHF_WRITE | SHF_ALLOC, data: new Uint8Array(0), align: 8 }) : -1;

  // Symbols: locals (the .text section and its functions) first, as ELF wants.
  const funcSym = new Map<number, number>();
  const dataSym = new Map<string, number>();
  for (const [name, idx] of dataIdx) {
    dataSym.set(name, symbols.length + 1);
    symbols.push({ name: '', bind: STB_LOCAL, type: STT_SECTION, shndx: idx, value: 0, size: 0 });
  }
  if (textIdx >= 0) {
    symbols.push({ name: '', bind: STB_LOCAL, type: STT_SECTION, shndx: textIdx, value: 0, size: 0 });
    for (const f of split.subprograms) {
      funcSym.set(f.start, symbols.length + 1); // symtab index: entry 0 is the null symbol
      symbols.push({ name: f.name, bind: STB_LOCAL, type: STT_FUNC, shndx: textIdx, value: (f.start - split.entryEnd) * 8, size: (f.end - f.start) * 8 });
    }
  }
  const firstGlobal = symbols.length + 1;
  symbols.push({ name: entryName(program, section), bind: STB_GLOBAL, type: STT_FUNC, shndx: progIdx, value: 0, size: split.entryEnd * 8 });
  if (licenseIdx >= 0) symbols.push({ name: '_license', bind: STB_GLOBAL, type: STT_OBJECT, shndx: licenseIdx, value: 0, size: sections[licenseIdx]!.data.length });
  const mapSym = new Map<string, number>();
  const btfMaps = mapsIdx >= 0 ? mapBtf(btfDefined) : undefined;
  btfDefined.forEach((m, i) => {
    mapSym.set(m.name, symbols.length + 1);
    symbols.push({ name: m.name, bind: STB_GLOBAL, type: STT_OBJECT, shndx: mapsIdx, value: btfMaps!.offsets[i]!, size: btfMaps!.sizes[i]! });
  });
  if (mapsIdx >= 0) sections[mapsIdx]!.data = new Uint8Array(btfMaps!.sectionSize);

  // Code and relocations of both code sections.
  const code = { [progIdx]: [] as Insn[], [textIdx]: [] as Insn[] };
  const relocs: Record<number, Reloc[]> = { [progIdx]: [], [textIdx]: [] };
  const slots = slotIndices(program.insns);
  program.insns.forEach((insn, i) => {
    const inText = slots[i]! >= split.entryEnd;
    const sec = inText ? textIdx : progIdx;
    const offset = (slots[i]! - (inText ? split.entryEnd : 0)) * 8;
    let out: Insn = insn;
    if (insn.kind === 'lddw' && insn.src === 2 && insn.map !== undefined && dataSym.has(insn.map)) {
      // A section symbol: the offset into the section stays in the instruction's low imm.
      relocs[sec]!.push({ offset, sym: dataSym.get(insn.map)!, type: R_BPF_64_64 });
      out = { kind: 'lddw', dst: insn.dst, src: 0, imm: insn.imm >> 32n };
    } else if (insn.kind === 'lddw' && insn.src === 1 && insn.map !== undefined) {
      if (dataSym.has(insn.map)) throw new ElfError(`instruction ${i}: map[${insn.map}] of global data: an object can only reference it as map_value[${insn.map}]`);
      const sym = mapSym.get(insn.map);
      if (sym === undefined) throw new ElfError(`instruction ${i}: map '${insn.map}' is not defined`);
      relocs[sec]!.push({ offset, sym, type: R_BPF_64_64 });
      out = { kind: 'lddw', dst: insn.dst, src: 0, imm: 0n };
    } else if (insn.kind === 'lddw' && (insn.src === 2 || insn.src === 4)) {
      throw new ElfError(`instruction ${i}: ${insn.src === 2 ? 'map_value[...] of a map without contents (only .data/.rodata global data)' : 'func[...] callbacks (they need BTF func_info)'} cannot be written to an object yet`);
    } else if (insn.kind === 'call' && insn.target === 'local') {
      const target = slots[i]! + 1 + insn.imm;
      if (!inText) {
        // Into .text: imm -1 and a relocation to the callee, as clang emits it.
        relocs[sec]!.push({ offset, sym: funcSym.get(target)!, type: R_BPF_64_32 });
        out = { ...insn, imm: -1 };
      }
    }
    code[sec]!.push(out);
  });
  sections[progIdx]!.data = encode(code[progIdx]!);
  if (textIdx >= 0) sections[textIdx]!.data = encode(code[textIdx]!);
  for (const sec of [progIdx, textIdx]) {
    if (sec < 0 || relocs[sec]!.length === 0) continue;
    add({ name: `.rel${sections[sec]!.name}`, type: SHT_REL, flags: 0, data: relData(relocs[sec]!), align: 8, entsize: 16, info: sec, linkSymtab: true });
  }
  if (btfMaps !== undefined) add({ name: '.BTF', type: SHT_PROGBITS, flags: 0, data: btfMaps.btf, align: 4 });
  const symtabIdx = add({ name: '.symtab', type: SHT_SYMTAB, flags: 0, data: new Uint8Array(0), align: 8, entsize: 24, info: firstGlobal });
  const strtabIdx = add({ name: '.strtab', type: SHT_STRTAB, flags: 0, data: new Uint8Array(0), align: 1 });
  sections[symtabIdx]!.data = symtabData(symbols, strtab);
  sections[symtabIdx]!.link = strtabIdx;
  for (const s of sections) {
    s.nameOff = strtab.add(s.name);
    if (s.linkSymtab === true) s.link = symtabIdx;
  }
  sections[strtabIdx]!.data = strtab.bytes();
  return layout(sections, strtabIdx);
}

/** A one-value array map with contents: written as a .data/.rodata section. */
const isGlobalData = (m: MapDef): boolean =>
  m.initialValue !== undefined && m.type === BPF_MAP_TYPE_ARRAY && m.keySize === 4 && m.maxEntries === 1 && m.initialValue.length === m.valueSize;

/** libbpf's section name for the program's type (and expected attach type). */
function sectionFor(program: Program): string {
  if (program.progType === undefined) throw new ElfError('the program has no type (.prog_type): give a section name');
  for (const name of SECTION_NAMES) {
    const t = progTypeFromSection(name);
    if (t?.progType !== program.progType) continue;
    if (program.expectedAttachType !== undefined && t.expectedAttachType !== undefined && t.expectedAttachType !== program.expectedAttachType) continue;
    return name;
  }
  throw new ElfError(`no libbpf section name known for program type ${program.progType}: give one`);
}

/** The entry function's symbol name: the program's name, else one made from the section. */
function entryName(program: Program, section: string): string {
  const n = program.name ?? program.symbols.find((s) => s.insn === 0)?.name;
  return n !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `${section.replace(/[^A-Za-z0-9_]/g, '_')}_prog`;
}

interface Subprogram {
  readonly name: string;
  /** First and one-past-last slot. */
  readonly start: number;
  readonly end: number;
}

/**
 * Split at the first call target: slots before it are the entry function, the rest are
 * subprograms (each up to the next call target). Jumps may not cross a function boundary.
 */
function splitFunctions(program: Program): { entryEnd: number; subprograms: Subprogram[] } {
  const slots = slotIndices(program.insns);
  const total = slots[program.insns.length]!;
  const starts = new Set<number>();
  program.insns.forEach((insn, i) => {
    if (insn.kind === 'call' && insn.target === 'local') {
      const t = slots[i]! + 1 + insn.imm;
      if (t <= 0 || t >= total) throw new ElfError(`instruction ${i}: call to slot ${t}, which is not a subprogram`);
      starts.add(t);
    }
  });
  if (starts.size === 0) return { entryEnd: total, subprograms: [] };
  const sorted = [...starts].sort((a, b) => a - b);
  const bounds = [0, ...sorted, total];
  const fnOf = (slot: number): number => {
    let k = 0;
    while (bounds[k + 1]! <= slot) k++;
    return k;
  };
  program.insns.forEach((insn, i) => {
    if (insn.kind !== 'jmp' && insn.kind !== 'ja' && insn.kind !== 'gotol') return;
    const target = slots[i]! + 1 + (insn.kind === 'gotol' ? insn.imm : insn.off);
    if (fnOf(target) !== fnOf(slots[i]!)) throw new ElfError(`instruction ${i}: jumps out of its function (to slot ${target})`);
  });
  const names = new Map<number, string>();
  for (const s of program.symbols) {
    const slot = slots[s.insn];
    if (slot !== undefined && starts.has(slot) && !names.has(slot) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name)) names.set(slot, s.name);
  }
  return {
    entryEnd: sorted[0]!,
    subprograms: sorted.map((start, k) => ({ name: names.get(start) ?? `sub_${start}`, start, end: bounds[k + 2]! })),
  };
}

interface Section {
  name: string;
  type: number;
  flags: number;
  data: Uint8Array;
  align: number;
  entsize?: number;
  info?: number;
  link?: number;
  linkSymtab?: boolean;
  nameOff?: number;
}

interface Symbol {
  readonly name: string;
  readonly bind: number;
  readonly type: number;
  readonly shndx: number;
  readonly value: number;
  readonly size: number;
}

interface Reloc {
  readonly offset: number;
  readonly sym: number;
  readonly type: number;
}

class StringTable {
  private readonly parts: string[] = [''];
  private readonly at = new Map<string, number>([['', 0]]);
  private size = 1;

  add(s: string): number {
    const known = this.at.get(s);
    if (known !== undefined) return known;
    const off = this.size;
    this.at.set(s, off);
    this.parts.push(s);
    this.size += new TextEncoder().encode(s).length + 1;
    return off;
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(`${this.parts.join('\0')}\0`);
  }
}

const cString = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

function relData(relocs: readonly Reloc[]): Uint8Array {
  const out = new Uint8Array(relocs.length * 16);
  const v = new DataView(out.buffer);
  relocs.forEach((r, k) => {
    v.setBigUint64(k * 16, BigInt(r.offset), true);
    v.setBigUint64(k * 16 + 8, (BigInt(r.sym) << 32n) | BigInt(r.type), true);
  });
  return out;
}

function symtabData(symbols: readonly Symbol[], strtab: StringTable): Uint8Array {
  const out = new Uint8Array((symbols.length + 1) * 24);
  const v = new DataView(out.buffer);
  symbols.forEach((s, k) => {
    const o = (k + 1) * 24;
    v.setUint32(o, s.name === '' ? 0 : strtab.add(s.name), true);
    out[o + 4] = (s.bind << 4) | s.type;
    v.setUint16(o + 6, s.shndx, true);
    v.setBigUint64(o + 8, BigInt(s.value), true);
    v.setBigUint64(o + 16, BigInt(s.size), true);
  });
  return out;
}

/** The ELF header, the section contents (aligned), then the section header table. */
function layout(sections: readonly Section[], shstrndx: number): Uint8Array {
  let at = 64;
  const offsets = sections.map((s) => {
    if (s.type === 0) return 0;
    at = align(at, Math.max(s.align, 1));
    const o = at;
    at += s.data.length;
    return o;
  });
  const shoff = align(at, 8);
  const out = new Uint8Array(shoff + sections.length * 64);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  v.setUint16(16, ET_REL, true);
  v.setUint16(18, EM_BPF, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, sections.length, true);
  v.setUint16(62, shstrndx, true);
  sections.forEach((s, k) => {
    out.set(s.data, offsets[k]!);
    const h = shoff + k * 64;
    v.setUint32(h, s.nameOff ?? 0, true);
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 8, BigInt(s.flags), true);
    v.setBigUint64(h + 24, BigInt(offsets[k]!), true);
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setUint32(h + 40, s.link ?? 0, true);
    v.setUint32(h + 44, s.info ?? 0, true);
    v.setBigUint64(h + 48, BigInt(s.align), true);
    v.setBigUint64(h + 56, BigInt(s.entsize ?? 0), true);
  });
  return out;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

const BTF_KIND_INT = 1;
const BTF_KIND_PTR = 2;
const BTF_KIND_ARRAY = 3;
const BTF_KIND_STRUCT = 4;
const BTF_KIND_VAR = 14;
const BTF_KIND_DATASEC = 15;
const BTF_VAR_GLOBAL_ALLOCATED = 1;

/**
 * `.BTF` describing each map as libbpf's `__uint()` macros do: a struct of pointers to
 * arrays whose element count is the value (`int (*max_entries)[16]`), one VAR per map and
 * a DATASEC `.maps` placing them.
 */
function mapBtf(maps: readonly MapDef[]): { btf: Uint8Array; offsets: number[]; sizes: number[]; sectionSize: number } {
  const strings = new StringTable();
  const words: number[] = [];
  let nextId = 1;
  const type = (nameOff: number, kind: number, vlen: number, sizeOrType: number, tail: number[]): number => {
    words.push(nameOff, ((kind << 24) | vlen) >>> 0, sizeOrType, ...tail);
    return nextId++;
  };
  const int = type(strings.add('int'), BTF_KIND_INT, 0, 4, [(1 << 24) | 32]);
  const ptrOf = new Map<number, number>();
  const uintField = (value: number): number => {
    let p = ptrOf.get(value);
    if (p === undefined) {
      const arr = type(0, BTF_KIND_ARRAY, 0, 0, [int, int, value]);
      p = type(0, BTF_KIND_PTR, 0, arr, []);
      ptrOf.set(value, p);
    }
    return p;
  };
  const offsets: number[] = [];
  const sizes: number[] = [];
  const vars: number[] = [];
  let at = 0;
  for (const m of maps) {
    const fields: [string, number][] = [['type', m.type]];
    // A ring buffer has no key or value size.
    if (m.type !== BPF_MAP_TYPE_RINGBUF || m.keySize !== 0) fields.push(['key_size', m.keySize]);
    if (m.type !== BPF_MAP_TYPE_RINGBUF || m.valueSize !== 0) fields.push(['value_size', m.valueSize]);
    fields.push(['max_entries', m.maxEntries]);
    if (m.flags !== 0) fields.push(['map_flags', m.flags]);
    const members = fields.flatMap(([name, value], k) => [strings.add(name), uintField(value), k * 64]);
    const struct = type(0, BTF_KIND_STRUCT, fields.length, fields.length * 8, members);
    vars.push(type(strings.add(m.name), BTF_KIND_VAR, 0, struct, [BTF_VAR_GLOBAL_ALLOCATED]));
    offsets.push(at);
    sizes.push(fields.length * 8);
    at += fields.length * 8;
  }
  type(strings.add('.maps'), BTF_KIND_DATASEC, maps.length, at, vars.flatMap((v, k) => [v, offsets[k]!, sizes[k]!]));
  const typeBytes = new Uint8Array(words.length * 4);
  const tv = new DataView(typeBytes.buffer);
  words.forEach((w, k) => tv.setUint32(k * 4, w >>> 0, true));
  const strBytes = strings.bytes();
  const btf = new Uint8Array(24 + typeBytes.length + strBytes.length);
  const v = new DataView(btf.buffer);
  v.setUint16(0, 0xeb9f, true);
  btf[2] = 1;
  v.setUint32(4, 24, true);
  v.setUint32(8, 0, true);
  v.setUint32(12, typeBytes.length, true);
  v.setUint32(16, typeBytes.length, true);
  v.setUint32(20, strBytes.length, true);
  btf.set(typeBytes, 24);
  btf.set(strBytes, 24 + typeBytes.length);
  return { btf, offsets, sizes, sectionSize: at };
}
