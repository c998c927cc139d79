/** Objects with global data for the ELF and loader tests: llvm-mc and llc sources, and their builders. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a tool answers `--version`. */
export function have(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-elf-data-'));
let nth = 0;

/** Assemble `source` with llvm-mc into an object. */
export function mcObject(source: string): Uint8Array {
  const base = join(dir, `m${nth++}`);
  writeFileSync(`${base}.s`, source);
  execFileSync('llvm-mc', ['-triple', 'bpfel', '-filetype=obj', '-o', `${base}.o`, `${base}.s`]);
  return new Uint8Array(readFileSync(`${base}.o`));
}

/** Compile LLVM IR with llc into an object. */
export function llcObject(ir: string): Uint8Array {
  const base = join(dir, `l${nth++}`);
  writeFileSync(`${base}.ll`, ir);
  execFileSync('llc', ['-march=bpf', '-filetype=obj', '-o', `${base}.o`, `${base}.ll`]);
  return new Uint8Array(readFileSync(`${base}.o`));
}

/** A socket filter reading .rodata (a global and a .L string of .rodata.str1.1) and counting in .data. */
export const MC_SOURCE = `
	.section socket,"ax",@progbits
	.globl prog
	.type prog,@function
prog:
	r1 = fmt ll
	r0 = *(u8 *)(r1 + 4)
	r1 = .L.str + 2 ll
	r2 = *(u8 *)(r1 + 0)
	r0 += r2
	r1 = counter ll
	r2 = *(u32 *)(r1 + 4)
	r2 += 1
	*(u32 *)(r1 + 4) = r2
	r0 += r2
	exit
	.size prog, .-prog
	.section .rodata,"a",@progbits
	.globl fmt
fmt:
	.asciz "pid %d\\n"
	.section .rodata.str1.1,"aMS",@progbits,1
.L.str:
	.asciz "hello"
	.data
	.globl counter
	.p2align 2
counter:
	.long 5
	.long 7
	.section license,"aw",@progbits
	.asciz "GPL"
`;

/**
 * LLVM IR as clang emits it for `bpf_trace_printk("count %d\\n", 10, ++counter)` with
 * `int counter = 5` and `const int table[4]`: the string lands in .rodata.str1.1, the
 * counter in .data, the table in .rodata. Returns counter + table[2].
 */
export const LLC_IR = `target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"
@.str = private unnamed_addr constant [10 x i8] c"count %d\\0A\\00", align 1
@counter = dso_local global i32 5, align 4
@table = dso_local constant [4 x i32] [i32 1, i32 2, i32 3, i32 4], align 4
@_license = dso_local global [4 x i8] c"GPL\\00", section "license", align 1
define dso_local i32 @prog(i8* %ctx) section "socket" {
  %v = load volatile i32, i32* @counter
  %n = add i32 %v, 1
  store volatile i32 %n, i32* @counter
  %p = getelementptr [4 x i32], [4 x i32]* @table, i64 0, i64 2
  %t = load volatile i32, i32* %p
  %r = call i64 (i8*, i32, ...) inttoptr (i64 6 to i64 (i8*, i32, ...)*)(i8* getelementptr ([10 x i8], [10 x i8]* @.str, i64 0, i64 0), i32 10, i32 %n)
  %s = add i32 %n, %t
  ret i32 %s
}
`;

