/**
 * Link one program of a BPF ELF object into a `Program`, as libbpf does before
 * BPF_PROG_LOAD: the entry function first, then every function it calls (or takes the
 * address of), transitively, each once, from any code section, in libbpf's order (a
 * callee right after the first call to it is met, depth first):
 *
 *     R_BPF_64_64 on lddw   against a map symbol    ─▶ src 1 (BPF_PSEUDO_MAP_FD), map = name, imm = map index
 *                           against global data     ─▶ src 2 (BPF_PSEUDO_MAP_VALUE), imm = index | offset << 32
 *                             (.bss, .data, .rodata, .rodata.str1.1, ...: one array map per section)
 *                           against a function      ─▶ src 4 (BPF_PSEUDO_FUNC), imm = slots to it
 *     R_BPF_64_32 on call   against a function      ─▶ src 1 (BPF_PSEUDO_CALL), imm = slots to it
 *     call with src 1 and no relocation             ─▶ a call within the section, re-aimed
 *
 * The callee of a relocated call is at `symbol value / 8 + imm + 1` (imm is -1 for a
 * function symbol, the slot offset for a section symbol).
 *
 * Global data sections become maps as libbpf makes them (`bpf_object__init_internal_map`):
 * an ARRAY map with key 4, one entry, the section's size as value size, named after the
 * section (`.data` → `data`, `.rodata.str1.1` → `rodata_str1_1`); `.data*` holds its
 * bytes as `initialValue`, `.rodata*` too, with BPF_F_RDONLY_PROG and `frozen` (libbpf
 * freezes it after writing the value, so the kernel's verifier knows its contents).
 */
import { ElfError } from './elf-error.js';
import {
  definedInSection, R_BPF_64_32, R_BPF_64_64, R_BPF_NONE, relocationTypeName, SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, STT_SECTION,
  type ElfRel, type ElfSymbol,
} from './elf-read.js';
import type { BpfCodeSection, BpfFunction, BpfObject, BpfProgramEntry } from './elf.js';
import { progTypeFromSection } from './elf-sections.js';
import type { Insn } from './insn.js';
import { BPF_MAP_TYPE_ARRAY } from './map-types.js';
import type { MapDef, Program, ProgramSymbol } from './program.js';

const hex = (n: number): string => `0x${n.toString(16)}`;
/** uapi BPF_F_RDONLY_PROG, which libbpf sets on `.rodata` maps. */
const BPF_F_RDONLY_PROG = 1 << 7;

/** The object's maps with its initialized global data appended, and each data section's map index. */
interface DataLayout {
  readonly maps: readonly MapDef[];
  readonly dataMaps: ReadonlyMap<number, number>;
}

const layouts = new WeakMap<BpfObject, DataLayout>();

/**
 * `obj.maps` (legacy, BTF-defined and `.bss` maps) plus one map per non-empty `.data*` or
 * `.rodata*` section, in section order. Throws `ElfError` for `.data..percpu` (a per-CPU
 * array in libbpf) and for a name that an existing map already has.
 */
export function globalDataLayout(obj: BpfObject): DataLayout {
  const have = layouts.get(obj);
  if (have !== undefined) return have;
  const maps = [...obj.maps];
  const dataMaps = new Map(obj.dataMaps);
  for (const sec of obj.elf.sections) {
    const m = /^\.(data|rodata)(\.|$)/.exec(sec.name);
    if (m === null || sec.size === 0 || (sec.flags & SHF_EXECINSTR) !== 0 || dataMaps.has(sec.index)) continue;
    const where = { section: sec.name, fileOffset: sec.offset };
    if (sec.name.startsWith('.data..percpu')) throw new ElfError(`section '${sec.name}': per-CPU global data is not supported`, where);
    if (sec.type !== SHT_PROGBITS && sec.type !== SHT_NOBITS) throw new ElfError(`section '${sec.name}' has type ${sec.type}, not SHT_PROGBITS`, where);
    if (sec.size > 0xffff_ffff) throw new ElfError(`section '${sec.name}' of ${sec.size} bytes is too large for a map value`, where);
    const name = sec.name.slice(1).replace(/\./g, '_');
    if (maps.some((x) => x.name === name)) throw new ElfError(`section '${sec.name}' would be map '${name}', but a map of that name exists`, where);
    const readOnly = m[1] === 'rodata';
    dataMaps.set(sec.index, maps.length);
    maps.push({
      name, type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: sec.size, maxEntries: 1, flags: readOnly ? BPF_F_RDONLY_PROG : 0,
      // SHT_NOBITS: zeros, which a new map has anyway (and its size is not backed by the file).
      ...(sec.type === SHT_NOBITS ? {} : { initialValue: Uint8Array.from(sec.bytes) }),
      ...(readOnly ? { frozen: true } : {}),
    });
  }
  const out = { maps, dataMaps };
  layouts.set(obj, out);
  return out;
}

/** Names that select each program of the object uniquely: the section name, or the function name when a section has several. */
export function programNames(obj: BpfObject): string[] {
  return obj.programs.map((p) => (obj.programs.filter((q) => q.section === p.section).length === 1 ? p.section : p.name));
}

function selectEntry(obj: BpfObject, name: string | undefined): BpfProgramEntry {
  if (obj.programs.length === 0) throw new ElfError('no programs: the object has no executable section with instructions');
  const all = programNames(obj).map((n) => `'${n}'`).join(', ');
  if (name === undefined) return obj.programs[0]!;
  const bySection = obj.programs.filter((p) => p.section === name);
  if (bySection.length === 1) return bySection[0]!;
  const byName = obj.programs.filter((p) => p.name === name);
  if (byName.length === 1) return byName[0]!;
  if (bySection.length > 1) {
    throw new ElfError(`section '${name}' has ${bySection.length} programs (${bySection.map((p) => `'${p.name}'`).join(', ')}); choose one by function name`, { section: name });
  }
  if (byName.length > 1) throw new ElfError(`${byName.length} programs are named '${name}' (in sections ${byName.map((p) => `'${p.section}'`).join(', ')}); choose one by section name`);
  // Any other function (a global function of .text, say) can be an entry too.
  for (const c of obj.code) {
    const f = c.functions.find((fn) => fn.name === name);
    if (f !== undefined) return { name: f.name, section: c.name, sectionIndex: c.index, slot: f.slot, ...(progTypeFromSection(c.name) ?? {}) };
  }
  throw new ElfError(`no program section or function named '${name}' (programs: ${all})`);
}

interface Unit {
  readonly code: BpfCodeSection;
  readonly fn: BpfFunction;
  /** The unit's instructions, relocated except for call and function offsets. */
  readonly insns: Insn[];
  /** Calls and function addresses to aim, in instruction order. */
  readonly fixups: Fixup[];
  /** First slot and first instruction index in the linked program. */
  outSlot: number;
  outIndex: number;
}

interface Fixup {
  /** Index of the call or lddw in `Unit.insns`. */
  readonly index: number;
  /** Its slot in the unit's section. */
  readonly slot: number;
  readonly target: Unit;
  /** The target slot in the target unit's section. */
  readonly targetSlot: number;
}

class Linker {
  /** Every unit met so far (in no particular order). */
  private readonly known: Unit[] = [];
  private readonly insnAt = new Map<BpfCodeSection, Map<number, number>>();
  private current: Unit | undefined;
  private readonly data: DataLayout;

  constructor(readonly obj: BpfObject) {
    this.data = globalDataLayout(obj);
  }

  indexOfSlot(code: BpfCodeSection, slot: number): number | undefined {
    let m = this.insnAt.get(code);
    if (m === undefined) {
      m = new Map(code.slots.map((s, i) => [s, i]));
      this.insnAt.set(code, m);
    }
    return m.get(slot);
  }

  /** The unit (function) holding `slot` of `code`, queued for translation when first met. */
  unitAt(code: BpfCodeSection, slot: number, loc: string): Unit {
    const i = this.indexOfSlot(code, slot);
    if (i === undefined || i >= code.insns.length) {
      throw new ElfError(`${loc}: target slot ${slot} is not an instruction of section '${code.name}' (${code.slots[code.insns.length]} slots)`, { section: code.name });
    }
    for (const u of this.known) if (u.code === code && slot >= u.fn.slot && slot < u.fn.end) return u;
    const fn = code.functions.find((f) => slot >= f.slot && slot < f.end)!;
    const u: Unit = { code, fn, insns: [], fixups: [], outSlot: -1, outIndex: -1 };
    this.known.push(u);
    return u;
  }

  /** Translate every unit met, including those met while translating (no recursion: deep call chains are fine). */
  translateAll(): void {
    for (let k = 0; k < this.known.length; k++) {
      this.current = this.known[k]!;
      this.translate(this.current);
    }
  }

  private translate(u: Unit): void {
    const { code, fn } = u;
    const first = this.indexOfSlot(code, fn.slot)!;
    const last = this.indexOfSlot(code, fn.end)!;
    for (let i = first; i < last; i++) {
      const slot = code.slots[i]!;
      const insn = code.insns[i]!;
      const rel = code.relocations.get(slot * 8);
      u.insns.push(rel !== undefined && rel.type !== R_BPF_NONE ? this.relocate(code, slot, insn, rel) : this.plain(code, fn, slot, insn));
    }
  }

  /** Record a call or function address in the current unit, aimed at `target` (a slot of `code`). */
  private fixup(code: BpfCodeSection, slot: number, target: number, loc: string): void {
    const u = this.current!;
    const t = this.unitAt(code, target, loc);
    u.fixups.push({ index: u.insns.length, slot, target: t, targetSlot: target });
  }

  private plain(code: BpfCodeSection, fn: BpfFunction, slot: number, insn: Insn): Insn {
    const loc = `section '${code.name}': insn ${slot}`;
    switch (insn.kind) {
      case 'call':
        if (insn.target !== 'local') return insn;
        this.fixup(code, slot, slot + 1 + insn.imm, loc);
        return { ...insn };
      case 'lddw':
        if (insn.src !== 4) return insn;
        this.fixup(code, slot, slot + 1 + Number(BigInt.asIntN(32, insn.imm)), loc);
        return { ...insn };
      case 'jmp': case 'ja': case 'may_goto': case 'gotol': {
        const target = slot + 1 + (insn.kind === 'gotol' ? insn.imm : insn.off);
        if (target < fn.slot || target >= fn.end) {
          throw new ElfError(`${loc}: jump to slot ${target} leaves function '${fn.name}' (slots ${fn.slot}..${fn.end - 1})`, { section: code.name });
        }
        return insn;
      }
      default:
        return insn;
    }
  }

  private relocate(code: BpfCodeSection, slot: number, insn: Insn, rel: ElfRel): Insn {
    const { elf } = this.obj;
    const loc = `section '${code.name}': relocation ${rel.index}${code.relSection !== undefined ? ` (in '${code.relSection}')` : ''} at insn ${slot}`;
    const sym = elf.symbols[rel.sym]!;
    const symText = (s: ElfSymbol): string => (s.type === STT_SECTION ? `section '${elf.sections[s.shndx]?.name ?? s.shndx}'` : `'${s.name}'`);
    const target = definedInSection(sym) ? elf.sections[sym.shndx]! : undefined;
    const targetCode = target === undefined ? undefined : this.obj.code.find((c) => c.index === target.index);
    if (rel.type === R_BPF_64_64) {
      if (insn.kind !== 'lddw') throw new ElfError(`${loc}: R_BPF_64_64 against ${symText(sym)} on a non-lddw instruction (${insn.kind})`, { section: code.name });
      if (insn.src !== 0) throw new ElfError(`${loc}: lddw patched by R_BPF_64_64 already has src ${insn.src}`, { section: code.name });
      if (target === undefined) {
        throw new ElfError(`${loc}: lddw refers to undefined symbol '${sym.name}' (extern variables such as __ksym and __kconfig need BTF, which is not read)`, { section: code.name });
      }
      const addend = Number(BigInt.asIntN(32, insn.imm));
      if (target.name === 'maps' || target.name === '.maps') {
        const at = sym.value + addend;
        const m = this.obj.mapSymbols.find((x) => x.sectionIndex === target.index && x.offset === at);
        if (m === undefined) throw new ElfError(`${loc}: lddw refers to ${symText(sym)} + ${addend}, which is not the start of a map in section '${target.name}'`, { section: code.name });
        if (m.index === undefined) throw new ElfError(`${loc}: map '${m.name}' is a BTF-defined map (section '.maps'), but ${m.missing ?? 'it has no definition'}`, { section: code.name });
        return { kind: 'lddw', dst: insn.dst, src: 1, imm: BigInt(m.index), map: m.name };
      }
      if (targetCode !== undefined) {
        const at = sym.value + addend;
        if (at % 8 !== 0) throw new ElfError(`${loc}: lddw refers to ${symText(sym)} + ${addend}, not an instruction boundary`, { section: code.name });
        this.fixup(targetCode, slot, at / 8, loc);
        return { kind: 'lddw', dst: insn.dst, src: 4, imm: 0n };
      }
      const dataMap = this.data.dataMaps.get(target.index);
      if (dataMap !== undefined) {
        const at = sym.value + addend;
        if (at < 0 || at >= target.size) throw new ElfError(`${loc}: lddw refers to ${symText(sym)} + ${addend}, outside '${target.name}' (${target.size} bytes)`, { section: code.name });
        return { kind: 'lddw', dst: insn.dst, src: 2, imm: (BigInt(at) << 32n) | BigInt(dataMap), map: this.data.maps[dataMap]!.name };
      }
      throw new ElfError(`${loc}: lddw refers to ${symText(sym)} in section '${target.name}', which holds neither maps nor code`, { section: code.name });
    }
    if (rel.type === R_BPF_64_32) {
      if (insn.kind !== 'call' || insn.target === 'kfunc') throw new ElfError(`${loc}: R_BPF_64_32 against ${symText(sym)} on a non-call instruction (${insn.kind})`, { section: code.name });
      if (target === undefined) {
        throw new ElfError(`${loc}: call to undefined function '${sym.name}' (kfuncs and extern functions need BTF, which is not read)`, { section: code.name });
      }
      if (targetCode === undefined) throw new ElfError(`${loc}: call to ${symText(sym)} in section '${target.name}', which is not code`, { section: code.name });
      if (sym.value % 8 !== 0) throw new ElfError(`${loc}: call to ${symText(sym)} at offset ${hex(sym.value)}, not an instruction boundary`, { section: code.name });
      this.fixup(targetCode, slot, sym.value / 8 + insn.imm + 1, loc);
      return { kind: 'call', target: 'local', imm: 0, off: 0 };
    }
    throw new ElfError(`${loc}: relocation type ${rel.type}${relocationTypeName(rel.type)} is not understood in code (only R_BPF_64_64 on lddw and R_BPF_64_32 on call)`, { section: code.name });
  }

  /**
   * libbpf's layout: the entry, then each callee appended when first called, its own
   * callees right after it (depth first, in instruction order).
   */
  layout(entry: Unit): Unit[] {
    const order = [entry];
    const seen = new Set(order);
    const stack: { u: Unit; k: number }[] = [{ u: entry, k: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const f = top.u.fixups[top.k++];
      if (f === undefined) {
        stack.pop();
        continue;
      }
      if (seen.has(f.target)) continue;
      seen.add(f.target);
      order.push(f.target);
      stack.push({ u: f.target, k: 0 });
    }
    return order;
  }

  /** Concatenate the units and aim every call and function address. */
  emit(order: readonly Unit[]): Insn[] {
    const out: Insn[] = [];
    let slots = 0;
    for (const u of order) {
      u.outSlot = slots;
      u.outIndex = out.length;
      for (const insn of u.insns) {
        out.push(insn);
        slots += insn.kind === 'lddw' ? 2 : 1;
      }
    }
    for (const u of order) {
      for (const f of u.fixups) {
        const from = u.outSlot + (f.slot - u.fn.slot);
        const to = f.target.outSlot + (f.targetSlot - f.target.fn.slot);
        const rel = to - from - 1;
        const at = u.outIndex + f.index;
        const insn = out[at]!;
        if (insn.kind === 'call') out[at] = { ...insn, imm: rel };
        else if (insn.kind === 'lddw') out[at] = { ...insn, imm: BigInt(rel >>> 0) };
      }
    }
    return out;
  }

  symbols(order: readonly Unit[]): ProgramSymbol[] {
    const out: ProgramSymbol[] = [];
    for (const u of order) {
      const seen = new Set<string>([u.fn.name]);
      out.push({ name: u.fn.name, insn: u.outIndex });
      const first = this.indexOfSlot(u.code, u.fn.slot)!;
      for (const l of u.code.labels) {
        if (l.slot < u.fn.slot || l.slot >= u.fn.end || seen.has(l.name)) continue;
        seen.add(l.name);
        out.push({ name: l.name, insn: u.outIndex + this.indexOfSlot(u.code, l.slot)! - first });
      }
    }
    return out.sort((a, b) => a.insn - b.insn);
  }
}

/**
 * Link one program of an object into a `Program` (maps, license and program type included).
 * `name` selects a section (`xdp`, `tracepoint/syscalls/sys_enter_execve`) or a function;
 * without it, the first program. Throws `ElfError` with the section and relocation.
 * @example programFromObject(readBpfObject(readFileSync('prog.o')), 'xdp').insns.length
 */
export function programFromObject(obj: BpfObject, name?: string): Program {
  const entry = selectEntry(obj, name);
  const code = obj.code.find((c) => c.index === entry.sectionIndex)!;
  const linker = new Linker(obj);
  const main = linker.unitAt(code, entry.slot, `section '${code.name}'`);
  linker.translateAll();
  const order = linker.layout(main);
  const insns = linker.emit(order);
  const { maps } = globalDataLayout(obj);
  return {
    insns,
    ...(entry.progType !== undefined ? { progType: entry.progType } : {}),
    ...(entry.expectedAttachType !== undefined ? { expectedAttachType: entry.expectedAttachType } : {}),
    ...(obj.license !== undefined ? { license: obj.license } : {}),
    name: entry.name.slice(0, 15),
    maps,
    symbols: linker.symbols(order),
  };
}
