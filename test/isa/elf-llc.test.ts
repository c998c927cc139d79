/**
 * BPF objects compiled by llc (BTF-defined maps, static and global callees, .bss), loaded in
 * the kernel, and the system libbpf as the oracle: the same objects loaded by libbpf must give
 * the kernel the same xlated code, and libbpf must guess the same program types.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPF_PROG_TYPE_XDP } from '../../src/isa/index.js';
import { ElfError, programFromObject, readBpfObject } from '../../src/isa/elf.js';
import { loadProgram, progInfo } from '../../src/loader/index.js';
import { kernelAvailable } from '../loader/support.js';
import { LLC_IR, MC_SOURCE } from './elf-global-data.js';
import { normalizeMapIds, openLibbpf, type Libbpf } from './libbpf.js';
import { have } from '../tools.js';

const llc = have('llc') && have('llvm-mc');
if (!llc) console.log('skip: llc or llvm-mc not installed, no objects with BTF-defined maps or for libbpf to load');

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-elf-btf-'));
let nth = 0;

interface BtfMapSpec { type: number; maxEntries: number; keySize: number; valueSize: number; flags: number }

/**
 * LLVM IR for an XDP program that looks up key 0 of BTF-defined maps (one struct per map, as
 * libbpf's __uint/__type macros write them, with typedef'd integer keys and array values),
 * compiled by llc into an object with .BTF.
 */
function llcObject(maps: readonly BtfMapSpec[]): Uint8Array {
  let md = 100;
  const meta: string[] = [];
  const node = (text: string): string => {
    const id = `!${md++}`;
    meta.push(`${id} = ${text}`);
    return id;
  };
  const file = node('!DIFile(filename: "m.c", directory: "/tmp")');
  const int = node('!DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)');
  const u8 = node('!DIBasicType(name: "unsigned char", size: 8, encoding: DW_ATE_unsigned_char)');
  const u32 = node(`!DIDerivedType(tag: DW_TAG_typedef, name: "__u32", file: ${file}, line: 1, baseType: ${node('!DIBasicType(name: "unsigned int", size: 32, encoding: DW_ATE_unsigned)')})`);
  const ptr = (to: string): string => node(`!DIDerivedType(tag: DW_TAG_pointer_type, baseType: ${to}, size: 64)`);
  const arr = (of: string, n: number, bits: number): string => node(`!DICompositeType(tag: DW_TAG_array_type, baseType: ${of}, size: ${bits * n}, elements: ${node(`!{${node(`!DISubrange(count: ${n})`)}}`)})`);
  const globals: string[] = [];
  const decls: string[] = [];
  const cu = `!${md++}`;
  maps.forEach((m, i) => {
    const structId = `!${md++}`;
    const member = (name: string, type: string, k: number): string =>
      node(`!DIDerivedType(tag: DW_TAG_member, name: "${name}", scope: ${structId}, file: ${file}, line: 1, baseType: ${type}, size: 64, offset: ${64 * k})`);
    const fields = [
      member('type', ptr(arr(int, m.type, 32)), 0),
      member('max_entries', ptr(arr(int, m.maxEntries, 32)), 1),
      member('key', ptr(m.keySize === 4 ? u32 : arr(u8, m.keySize, 8)), 2),
      member('value', ptr(arr(u8, m.valueSize, 8)), 3),
      member('map_flags', ptr(arr(int, m.flags, 32)), 4),
    ];
    meta.push(`${structId} = distinct !DICompositeType(tag: DW_TAG_structure_type, file: ${file}, line: 1, size: 320, elements: !{${fields.join(', ')}})`);
    const v = node(`distinct !DIGlobalVariable(name: "map${i}", scope: ${cu}, file: ${file}, line: 1, type: ${structId}, isLocal: false, isDefinition: true)`);
    const e = node(`!DIGlobalVariableExpression(var: ${v}, expr: !DIExpression())`);
    globals.push(e);
    decls.push(`@map${i} = dso_local global { i8*, i8*, i8*, i8*, i8* } zeroinitializer, section ".maps", align 8, !dbg ${e}`);
  });
  const sub = node(`distinct !DISubprogram(name: "prog", scope: ${file}, file: ${file}, line: 2, type: ${node(`!DISubroutineType(types: !{${int}, ${ptr('null')}})`)}, scopeLine: 2, flags: DIFlagPrototyped, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: ${cu}, retainedNodes: !{})`);
  const loc = node(`!DILocation(line: 3, column: 1, scope: ${sub})`);
  meta.push(`${cu} = distinct !DICompileUnit(language: DW_LANG_C99, file: ${file}, producer: "hand", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug, globals: !{${globals.join(', ')}})`);
  const body = maps.map((_, i) => `  %r${i} = call i8* inttoptr (i64 1 to i8* (i8*, i8*)*)(i8* bitcast ({ i8*, i8*, i8*, i8*, i8* }* @map${i} to i8*), i8* %kp)\n`).join('');
  const ir = `target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"
${decls.join('\n')}
@_license = dso_local global [4 x i8] c"GPL\\00", section "license", align 1
define dso_local i32 @prog(i8* %ctx) section "xdp" !dbg ${sub} {
  %k = alloca i32, align 4
  store volatile i32 0, i32* %k
  %kp = bitcast i32* %k to i8*
${body}  ret i32 2, !dbg ${loc}
}
!llvm.dbg.cu = !{${cu}}
!llvm.module.flags = !{!1, !2}
!1 = !{i32 7, !"Dwarf Version", i32 4}
!2 = !{i32 2, !"Debug Info Version", i32 3}
${meta.join('\n')}
`;
  const base = join(dir, `l${nth++}`);
  writeFileSync(`${base}.ll`, ir);
  execFileSync('llc', ['-march=bpfel', '-filetype=obj', '-o', `${base}.o`, `${base}.ll`]);
  return new Uint8Array(readFileSync(`${base}.o`));
}

describe.skipIf(!llc)('BTF-defined maps (.maps) in objects compiled by llc', () => {
  it('byte flips inside .BTF only ever throw ElfError', () => {
    const seed = llcObject([{ type: 2, maxEntries: 1, keySize: 4, valueSize: 8, flags: 0 }, { type: 1, maxEntries: 9, keySize: 12, valueSize: 3, flags: 1 }]);
    const btf = readBpfObject(seed).elf.sections.find((x) => x.name === '.BTF')!;
    let parsed = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 0xff, 0x80))), { minLength: 1, maxLength: 3 }),
        (flips) => {
          const b = seed.slice();
          for (const [head, at, v] of flips) b[btf.offset + (head ? at % 24 : at % btf.size)] = v;
          try {
            const o = readBpfObject(b);
            programFromObject(o);
            parsed++;
          } catch (e) {
            if (!(e instanceof ElfError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
    expect(parsed).toBeGreaterThan(100);
  });

  it('reads type, sizes, entries and flags from BTF, and references them by name', () => {
    const specArb = fc.record({
      type: fc.integer({ min: 1, max: 33 }), maxEntries: fc.integer({ min: 1, max: 5000 }),
      keySize: fc.integer({ min: 1, max: 64 }), valueSize: fc.integer({ min: 1, max: 300 }), flags: fc.integer({ min: 0, max: 4096 }),
    });
    fc.assert(
      fc.property(fc.array(specArb, { minLength: 1, maxLength: 3 }), (specs) => {
        const obj = readBpfObject(llcObject(specs));
        expect(obj.maps).toEqual(specs.map((m, i) => ({ name: `map${i}`, ...m })));
        const p = programFromObject(obj);
        expect(p.progType).toBe(BPF_PROG_TYPE_XDP);
        expect(p.license).toBe('GPL');
        const refs = p.insns.filter((x) => x.kind === 'lddw');
        expect(refs.map((x) => (x.kind === 'lddw' ? [x.src, x.imm, x.map] : []))).toEqual(specs.map((_, i) => [1, BigInt(i), `map${i}`]));
      }),
      { numRuns: 12 },
    );
  });
});

/** A socket filter calling a static and a global function of .text and reading a .bss global, as clang -O2 compiles it. */
const CALLS_IR = `target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"
@g = dso_local global i64 0, align 8
define internal i32 @sub(i32 %x) noinline {
  %y = mul i32 %x, 3
  ret i32 %y
}
define dso_local i32 @gsub(i32 %x) noinline {
  %y = add i32 %x, 1
  ret i32 %y
}
define dso_local i32 @prog(i8* %ctx) section "socket" {
  %a = call i32 @sub(i32 7)
  %b = call i32 @gsub(i32 %a)
  %v = load volatile i64, i64* @g
  %t = trunc i64 %v to i32
  %c = add i32 %b, %t
  ret i32 %c
}
`;

function mc(source: string): Uint8Array {
  const base = join(dir, `m${nth++}`);
  writeFileSync(`${base}.s`, source);
  execFileSync('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', `${base}.o`, `${base}.s`]);
  return new Uint8Array(readFileSync(`${base}.o`));
}

function llcIr(ir: string): Uint8Array {
  const base = join(dir, `l${nth++}`);
  writeFileSync(`${base}.ll`, ir);
  execFileSync('llc', ['-march=bpfel', '-filetype=obj', '-o', `${base}.o`, `${base}.ll`]);
  return new Uint8Array(readFileSync(`${base}.o`));
}

describe.skipIf(!llc)('calls and .bss in an object compiled by llc', () => {
  it('links the entry, then the static and the global callee, with .bss as a map value', () => {
    const p = programFromObject(readBpfObject(llcIr(CALLS_IR)));
    expect(p.symbols.filter((x) => ['prog', 'sub', 'gsub'].includes(x.name))).toEqual([
      { name: 'prog', insn: 0 }, { name: 'sub', insn: 8 }, { name: 'gsub', insn: 11 },
    ]);
    const calls = p.insns.filter((x) => x.kind === 'call');
    expect(calls).toEqual([{ kind: 'call', target: 'local', imm: 7, off: 0 }, { kind: 'call', target: 'local', imm: 8, off: 0 }]);
    expect(p.maps).toEqual([{ name: 'bss', type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0 }]);
  });
});

const canBpf = llc && kernelAvailable('llc-compiled objects loaded in the kernel');
describe.skipIf(!canBpf)('an llc object in the kernel', () => {
  it('runs the linked calls: (7 * 3 + 1) + g = 22', () => {
    const prog = loadProgram(programFromObject(readBpfObject(llcIr(CALLS_IR))));
    try {
      expect(prog.testRun({ data: new Uint8Array(64) }).retval).toBe(22);
    } finally {
      prog.close();
    }
  });

  it('loads an llc object with BTF-defined maps', () => {
    const p = programFromObject(readBpfObject(llcObject([{ type: 2, maxEntries: 4, keySize: 4, valueSize: 16, flags: 0 }, { type: 1, maxEntries: 8, keySize: 4, valueSize: 8, flags: 1 }])));
    const prog = loadProgram(p);
    try {
      expect(prog.testRun({ data: new Uint8Array(64) }).retval).toBe(2);
      expect([...prog.maps.keys()]).toEqual(['map0', 'map1']);
    } finally {
      prog.close();
    }
  });
});


const libbpf = canBpf ? openLibbpf() : 'no bpf(2)';
if (canBpf && typeof libbpf === 'string') console.log(`skip: libbpf oracle: ${libbpf}`);

describe.skipIf(!canBpf || typeof libbpf === 'string')('programFromObject against libbpf (the kernel\'s xlated code of both loads)', () => {
  const compare = (bytes: Uint8Array): void => {
    const theirs = (libbpf as Libbpf).load(bytes);
    try {
      const obj = readBpfObject(bytes);
      expect([...theirs.programs.keys()]).toEqual(obj.programs.map((p) => p.section));
      for (const [section, fd] of theirs.programs) {
        const ours = loadProgram(programFromObject(obj, section));
        try {
          expect(normalizeMapIds(progInfo(ours.fd).xlated)).toEqual(normalizeMapIds(progInfo(fd).xlated));
        } finally {
          ours.close();
        }
      }
    } finally {
      theirs.close();
    }
  };

  it('links static and global .text callees and a .bss global as libbpf does', () => {
    compare(llcIr(CALLS_IR));
  });

  it('lays out any acyclic .text call graph as libbpf does', () => {
    const graphArb = fc.integer({ min: 1, max: 5 }).chain((n) => fc.record({
      global: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      // f_k calls only f_j with j > k: no recursion, which the kernel would reject.
      calls: fc.tuple(...Array.from({ length: n }, (_, k) => fc.array(fc.integer({ min: k + 1, max: n }), { maxLength: 2 }).map((cs) => cs.filter((j) => j < n)))),
      entry: fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 3 }),
    }));
    fc.assert(
      fc.property(graphArb, ({ global, calls, entry }) => {
        const body = (k: number, callees: readonly number[]): string => `\tr0 = ${k}\n${callees.map((c) => `\tcall f${c}\n`).join('')}\texit\n`;
        let src = '\t.section socket,"ax",@progbits\n\t.globl p\n\t.type p,@function\np:\n' + body(99, entry) + '\t.size p, .-p\n\t.text\n';
        calls.forEach((cs, k) => {
          src += `${global[k] ? `\t.globl f${k}\n` : ''}\t.type f${k},@function\nf${k}:\n${body(k, cs)}\t.size f${k}, .-f${k}\n`;
        });
        compare(mc(src));
      }),
      { numRuns: 15, examples: [[{ global: [true, false, true], calls: [[2], [], []], entry: [0, 1] }]] },
    );
  });

  it('reads BTF-defined maps as libbpf does', () => {
    const specArb = fc.record({
      type: fc.constantFrom(1, 2, 5, 6, 9, 10), maxEntries: fc.integer({ min: 1, max: 5000 }),
      keySize: fc.integer({ min: 1, max: 64 }), valueSize: fc.integer({ min: 1, max: 300 }), flags: fc.constantFrom(0, 1, 0x400),
    });
    fc.assert(
      fc.property(fc.array(specArb, { minLength: 1, maxLength: 3 }), (specs) => {
        const bytes = llcObject(specs);
        const theirs = (libbpf as Libbpf).maps(bytes);
        expect(readBpfObject(bytes).maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags])).toEqual(theirs);
      }),
      { numRuns: 10 },
    );
  });

  it('guesses program types from section names as libbpf does', () => {
    const names = [
      'socket', 'sk_reuseport', 'sk_reuseport/migrate', 'kprobe/do_unlinkat', 'kretprobe/do_unlinkat', 'uprobe/bin:f', 'uretprobe',
      'ksyscall/openat', 'usdt/x', 'kprobe.multi/do_*', 'tc', 'classifier', 'action', 'tracepoint/syscalls/sys_enter_execve',
      'tp/sched/sched_switch', 'raw_tracepoint/sys_enter', 'raw_tp/sys_enter', 'raw_tp.w/x', 'tp_btf/sched_switch',
      'fentry/do_sys_open', 'fexit/do_sys_open', 'fmod_ret/x', 'fentry.s/x', 'iter/task', 'freplace/x', 'lsm/file_open', 'lsm_cgroup/x',
      'syscall', 'xdp', 'xdp.frags', 'xdp/devmap', 'xdp/cpumap', 'xdp.frags/devmap', 'perf_event', 'lwt_in', 'lwt_out', 'lwt_xmit',
      'lwt_seg6local', 'sockops', 'sk_skb/stream_parser', 'sk_skb/stream_verdict', 'sk_skb/verdict', 'sk_skb', 'sk_msg', 'lirc_mode2',
      'flow_dissector', 'cgroup_skb/ingress', 'cgroup_skb/egress', 'cgroup/skb', 'cgroup/sock_create', 'cgroup/sock_release', 'cgroup/sock',
      'cgroup/post_bind4', 'cgroup/post_bind6', 'cgroup/bind4', 'cgroup/bind6', 'cgroup/connect4', 'cgroup/connect6', 'cgroup/sendmsg4',
      'cgroup/sendmsg6', 'cgroup/recvmsg4', 'cgroup/recvmsg6', 'cgroup/getpeername4', 'cgroup/getpeername6', 'cgroup/getsockname4',
      'cgroup/getsockname6', 'cgroup/sysctl', 'cgroup/getsockopt', 'cgroup/setsockopt', 'cgroup/dev', 'struct_ops/x', 'sk_lookup', 'netfilter',
    ];
    const src = names.map((n, i) => `\t.section "${n}","ax",@progbits\n\t.globl p${i}\n\t.type p${i},@function\np${i}:\n\tr0 = 0\n\texit\n\t.size p${i}, .-p${i}\n`).join('');
    const bytes = mc(src);
    const theirs = (libbpf as Libbpf).types(bytes);
    const ours = new Map(readBpfObject(bytes).programs.map((p) => [p.section, p]));
    let compared = 0;
    for (const [section, [type, attach]] of theirs) {
      if (type === 0) continue; // a name this libbpf does not know
      const p = ours.get(section)!;
      expect([section, p.progType]).toEqual([section, type]);
      expect([section, p.expectedAttachType ?? 0]).toEqual([section, attach]);
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('links .data, .rodata and .rodata.str1.1 globals (llvm-mc and llc objects) as libbpf does', () => {
    compare(mc(MC_SOURCE));
    compare(llcIr(LLC_IR));
  });

  it('makes global data maps of the sizes and flags libbpf gives them, .rodata with BPF_F_RDONLY_PROG', () => {
    for (const bytes of [mc(MC_SOURCE), llcIr(LLC_IR)]) {
      // libbpf names `.data`/`.rodata` after the object (`<obj>.rodata`, 15 characters) and others by section (`.rodata.str1.1`).
      const theirs = (libbpf as Libbpf).maps(bytes).map(([name, ...rest]) => [name.replace(/^[^.]*\./, '').replace(/\./g, '_'), ...rest]);
      const ours = programFromObject(readBpfObject(bytes)).maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags]);
      expect(ours).toEqual(theirs);
    }
  });

  it('links BTF-defined maps as libbpf does', () => {
    // Keys of 4 bytes: the program looks both maps up with a u32 on the stack.
    compare(llcObject([{ type: 2, maxEntries: 4, keySize: 4, valueSize: 16, flags: 0 }, { type: 1, maxEntries: 8, keySize: 4, valueSize: 8, flags: 1 }]));
  });
});
