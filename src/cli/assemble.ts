/**
 * `tsbpf-asm assemble FILE [-o OUT] [--format bin|hex|json|c|elf] [--syntax pseudo-c|mnemonic]`:
 * assemble a source file (either dialect) to raw `struct bpf_insn[]` bytes, hex text,
 * JSON, a C initializer or a BPF ELF object.
 */
import { writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Dialect } from '../asm/dialect.js';
import { printInsn } from '../asm/printer.js';
import { helperName } from '../isa/helpers.js';
import { ElfError } from '../isa/elf-error.js';
import { writeBpfObject } from '../isa/elf-write.js';
import { encode, toRaw } from '../isa/encode.js';
import { slotIndices, type AtomicOp, type Insn } from '../isa/insn.js';
import type { Program } from '../isa/program.js';
import * as K from '../isa/opcodes.js';
import { InputError, UsageError } from './errors.js';
import { loadProgramFile } from './input.js';
import { registerCommand } from './main.js';

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/** Hex text, one slot per line, the instruction as a `#` comment (reads back with `disasm`). */
export function formatHex(insns: readonly Insn[]): string {
  const bytes = encode(insns);
  const slots = slotIndices(insns);
  const out: string[] = [];
  for (let i = 0; i < insns.length; i++) {
    for (let pc = slots[i]!; pc < slots[i + 1]!; pc++) {
      const b = Array.from(bytes.subarray(pc * 8, pc * 8 + 8), hex2).join(' ');
      out.push(pc === slots[i] ? `${b}  # ${pc}: ${printInsn(insns[i]!)}` : b);
    }
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** JSON: one object per instruction with its slot `pc`, bytes as `hex`, text and fields. */
export function formatJson(insns: readonly Insn[]): string {
  const bytes = encode(insns);
  const slots = slotIndices(insns);
  const rows = insns.map((insn, i) => ({
    pc: slots[i]!,
    hex: Array.from(bytes.subarray(slots[i]! * 8, slots[i + 1]! * 8), hex2).join(''),
    text: printInsn(insn),
    insn,
  }));
  return `${JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2)}\n`;
}

const CLASS = ['BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_JMP32', 'BPF_ALU64'];
const ALU_OP = ['BPF_ADD', 'BPF_SUB', 'BPF_MUL', 'BPF_DIV', 'BPF_OR', 'BPF_AND', 'BPF_LSH', 'BPF_RSH', 'BPF_NEG', 'BPF_MOD', 'BPF_XOR', 'BPF_MOV', 'BPF_ARSH', 'BPF_END'];
const JMP_OP = ['BPF_JA', 'BPF_JEQ', 'BPF_JGT', 'BPF_JGE', 'BPF_JSET', 'BPF_JNE', 'BPF_JSGT', 'BPF_JSGE', 'BPF_CALL', 'BPF_EXIT', 'BPF_JLT', 'BPF_JLE', 'BPF_JSLT', 'BPF_JSLE', 'BPF_JCOND'];
const SIZE = ['BPF_W', 'BPF_H', 'BPF_B', 'BPF_DW'];
const MODE = ['BPF_IMM', 'BPF_ABS', 'BPF_IND', 'BPF_MEM', 'BPF_MODE(0x80)', 'BPF_MODE(0xa0)', 'BPF_ATOMIC'];

/** The opcode byte as the kernel's macros spell it: `BPF_ALU64 | BPF_MOV | BPF_K`. */
export function opcodeExpr(code: number): string {
  const cls = K.BPF_CLASS(code);
  if (cls === K.BPF_ALU || cls === K.BPF_ALU64 || cls === K.BPF_JMP || cls === K.BPF_JMP32) {
    const op = K.BPF_OP(code) >> 4;
    const isAlu = cls === K.BPF_ALU || cls === K.BPF_ALU64;
    const name = (isAlu ? ALU_OP : JMP_OP)[op] ?? `0x${hex2(op << 4)}`;
    if (isAlu && op === K.BPF_END >> 4) return `${CLASS[cls]} | BPF_END | ${K.BPF_SRC(code) ? 'BPF_TO_BE' : 'BPF_TO_LE'}`;
    return `${CLASS[cls]} | ${name} | ${K.BPF_SRC(code) ? 'BPF_X' : 'BPF_K'}`;
  }
  if (code === 0) return '0';
  const mode = K.BPF_MODE(code) === K.BPF_MEMSX ? 'BPF_MEMSX' : MODE[K.BPF_MODE(code) >> 5]!;
  return `${CLASS[cls]} | ${SIZE[K.BPF_SIZE(code) >> 3]} | ${mode}`;
}

const ATOMIC_IMM: Readonly<Record<AtomicOp, string>> = {
  add: 'BPF_ADD', or: 'BPF_OR', and: 'BPF_AND', xor: 'BPF_XOR', xchg: 'BPF_XCHG', cmpxchg: 'BPF_CMPXCHG',
  load_acq: 'BPF_LOAD_ACQ', store_rel: 'BPF_STORE_REL',
};

/** The immediate as the kernel spells it where it has names: helpers, atomic operations. */
function immExpr(insn: Insn, imm: number): string {
  if (insn.kind === 'call' && insn.target === 'helper') {
    const n = helperName(insn.imm);
    return n !== undefined ? `${imm} /* BPF_FUNC_${n.replace(/^bpf_/, '')} */` : `${imm}`;
  }
  if (insn.kind === 'atomic') {
    const rmw = insn.op === 'add' || insn.op === 'or' || insn.op === 'and' || insn.op === 'xor';
    return `${ATOMIC_IMM[insn.op]}${rmw && insn.fetch ? ' | BPF_FETCH' : ''}`;
  }
  return `${imm}`;
}

const NEWER_MACROS: Readonly<Record<string, string>> = {
  BPF_JMP32: '0x06', BPF_MEMSX: '0x80', BPF_ATOMIC: '0xc0', BPF_JCOND: '0xe0', BPF_FETCH: '0x01',
  BPF_XCHG: '(0xe0 | BPF_FETCH)', BPF_CMPXCHG: '(0xf0 | BPF_FETCH)', BPF_LOAD_ACQ: '0x100', BPF_STORE_REL: '0x110',
  BPF_PSEUDO_MAP_FD: '1', BPF_PSEUDO_MAP_VALUE: '2', BPF_PSEUDO_BTF_ID: '3', BPF_PSEUDO_FUNC: '4',
  BPF_PSEUDO_MAP_IDX: '5', BPF_PSEUDO_MAP_IDX_VALUE: '6', BPF_PSEUDO_CALL: '1', BPF_PSEUDO_KFUNC_CALL: '2',
};

/** A C initializer of `struct bpf_insn` with the kernel's BPF_* constants. */
export function formatC(program: Program, name = 'prog'): string {
  const out = [`/* ${program.insns.length} instructions; needs <linux/bpf.h> */`, `struct bpf_insn ${name}[] = {`];
  program.insns.forEach((insn, i) => {
    toRaw(insn, i).forEach((r, k) => {
      const src = insn.kind === 'lddw' && k === 0 && insn.src !== 0
        ? ['', 'BPF_PSEUDO_MAP_FD', 'BPF_PSEUDO_MAP_VALUE', 'BPF_PSEUDO_BTF_ID', 'BPF_PSEUDO_FUNC', 'BPF_PSEUDO_MAP_IDX', 'BPF_PSEUDO_MAP_IDX_VALUE'][insn.src]!
        : insn.kind === 'call' && insn.target !== 'helper' ? (insn.target === 'local' ? 'BPF_PSEUDO_CALL' : 'BPF_PSEUDO_KFUNC_CALL')
          : r.src === 0 ? '0' : `BPF_REG_${r.src}`;
      const dst = r.dst === 0 && (k === 1 || insn.kind === 'exit' || insn.kind === 'ja' || insn.kind === 'call') ? '0' : `BPF_REG_${r.dst}`;
      const comment = k === 0 ? ` /* ${printInsn(insn)} */` : '';
      out.push(`\t{ .code = ${opcodeExpr(r.code)}, .dst_reg = ${dst}, .src_reg = ${src}, .off = ${r.off}, .imm = ${k === 0 ? immExpr(insn, r.imm) : r.imm} },${comment}`);
    });
  });
  out.push('};');
  // Constants newer than some installed <linux/bpf.h>: define them when missing.
  const body = out.join('\n');
  const fallbacks = Object.entries(NEWER_MACROS)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(body))
    .map(([name, value]) => `#ifndef ${name}\n#define ${name} ${value}\n#endif`);
  return `${[...fallbacks, body].join('\n')}\n`;
}

/** The program as a BPF ELF object; what cannot go into one is bad input (exit 1). */
function objectOf(prog: Program, section: string | undefined): Uint8Array {
  try {
    return writeBpfObject(prog, section !== undefined ? { section } : {});
  } catch (e) {
    if (e instanceof ElfError) throw new InputError(`cannot write an object: ${e.message}`);
    throw e;
  }
}

registerCommand((program, io) => {
  program
    .command('assemble')
    .description('assemble a source file (pseudo-C or mnemonic dialect, detected) to eBPF bytecode')
    .argument('<file>', 'assembly source (.s); .data, hex text and raw .bin are read too')
    .option('-o, --output <out>', 'write the result to this file (default: stdout)')
    .addOption(new Option('-f, --format <format>', 'output format (default: bin with -o, else hex); elf: a BPF object for libbpf, bpftool, ip/tc').choices(['bin', 'hex', 'json', 'c', 'elf']))
    .option('--section <name>', "with --format elf: the program's section name (default: libbpf's name for its type, e.g. xdp)")
    .addOption(new Option('--syntax <dialect>', 'input dialect (default: detected)').choices(['pseudo-c', 'mnemonic']))
    .addHelpText('after', '\nExamples:\n  tsbpf-asm assemble prog.s -o prog.bin\n  tsbpf-asm assemble prog.s --format c\n  tsbpf-asm assemble prog.s --format elf -o prog.o\n')
    .action(async (file: string, opts: { output?: string; format?: string; syntax?: Dialect; section?: string }) => {
      const format = opts.format ?? (opts.output !== undefined ? 'bin' : 'hex');
      if ((format === 'bin' || format === 'elf') && opts.output === undefined) throw new UsageError(`--format ${format} writes binary: give -o FILE (or use --format hex)`);
      if (opts.section !== undefined && format !== 'elf') throw new UsageError('--section goes with --format elf');
      const { program: prog } = await loadProgramFile(file, opts.syntax !== undefined ? { dialect: opts.syntax } : {});
      let data: string | Uint8Array;
      switch (format) {
        case 'bin': data = encode(prog.insns); break;
        case 'elf': data = objectOf(prog, opts.section); break;
        case 'json': data = formatJson(prog.insns); break;
        case 'c': data = formatC(prog, prog.name ?? 'prog'); break;
        default: data = formatHex(prog.insns); break;
      }
      if (opts.output !== undefined) {
        try {
          await writeFile(opts.output, data);
        } catch (e) {
          throw new Error(`cannot write '${opts.output}': ${(e as Error).message}`);
        }
      } else {
        io.stdout(data as string);
      }
    });
});
