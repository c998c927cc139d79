/**
 * Global data in the kernel: `.data`/`.rodata` maps (from assembly and from ELF objects)
 * created with their initial value and frozen as libbpf does, then loaded and run with
 * BPF_PROG_TEST_RUN; each program also runs in the VM, whose answers must match.
 */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { programFromObject, readBpfObject } from '../../src/isa/elf.js';
import { BPF_MAP_TYPE_ARRAY } from '../../src/isa/index.js';
import type { Program } from '../../src/isa/program.js';
import { createKernelMap, KernelError, loadProgram, TracePipeReader, type TraceLine } from '../../src/loader/index.js';
import { Vm, VmFault } from '../../src/vm/index.js';
import { EPERM } from '../../src/vm/maps/index.js';
import { have, LLC_IR, llcObject, MC_SOURCE, mcObject } from '../isa/elf-global-data.js';
import { kernelAvailable, readU64, u32 } from './support.js';

const canBpf = kernelAvailable('global data in the kernel');
const llvmMc = have('llvm-mc');
const llc = have('llc');
if (canBpf && !llvmMc) console.log('skip: llvm-mc not installed, no llvm-mc object with global data to load');
if (canBpf && !llc) console.log('skip: llc not installed, no compiled object with global data to load');
const BPF_F_RDONLY_PROG = 1 << 7;
const packet = new Uint8Array(64);

const READER = `
.prog_type socket_filter
.license "GPL"
.rodata msg, "tsbpf", u32 0x01020304
.data cnt, u64 5
  r1 = map_value[msg] + 6 ll
  r0 = *(u32 *)(r1 + 0)
  r2 = map_value[cnt] ll
  r3 = *(u64 *)(r2 + 0)
  r3 += 1
  *(u64 *)(r2 + 0) = r3
  r0 += r3
  exit
`;

const WRITER = `
.prog_type socket_filter
.rodata msg, "tsbpf"
  r1 = map_value[msg] + 1 ll
  r2 = 1
  *(u8 *)(r1 + 0) = r2
  r0 = 0
  exit
`;

/** bpf_trace_printk with its format (and a marker) in .rodata, a counter in .data. */
const printk = (marker: string): string => `
.prog_type socket_filter
.license "GPL"
.rodata fmt, "${marker} %d\\n"
.data cnt, u32 41
  r6 = map_value[cnt] ll
  r3 = *(u32 *)(r6 + 0)
  r3 += 1
  *(u32 *)(r6 + 0) = r3
  r1 = map_value[fmt] ll
  r2 = ${marker.length + 5}
  call bpf_trace_printk
  r0 = 0
  exit
`;

/** Run twice in the kernel and in the VM: both retvals and the maps afterwards. */
function runBoth(p: Program): { kernel: number[]; vm: number[]; kernelMaps: Map<string, Uint8Array>; vmMaps: Map<string, Uint8Array> } {
  using prog = loadProgram(p);
  const vm = new Vm(p);
  const kernel = [prog.testRun({ data: packet }).retval, prog.testRun({ data: packet }).retval];
  const vmR = [Number(vm.run({ packet }).r0 & 0xffffffffn), Number(vm.run({ packet }).r0 & 0xffffffffn)];
  const kernelMaps = new Map(p.maps.map((m) => [m.name, prog.map(m.name).lookup(u32(0))!]));
  const vmMaps = new Map(p.maps.map((m) => [m.name, vm.maps.get(m.name)!.lookup(u32(0))!.slice()]));
  return { kernel, vm: vmR, kernelMaps, vmMaps };
}

describe.skipIf(!canBpf)('global data in the kernel and the VM', () => {
  it('createKernelMap writes the initial value and freezes: updates then fail with EPERM, as in the VM', () => {
    const def = { name: 'ro', type: BPF_MAP_TYPE_ARRAY, keySize: 4, valueSize: 3, maxEntries: 1, flags: BPF_F_RDONLY_PROG, initialValue: new Uint8Array([1, 2, 3]), frozen: true };
    using m = createKernelMap(def);
    expect([...m.lookup(u32(0))!]).toEqual([1, 2, 3]);
    let err: unknown;
    try {
      m.update(u32(0), new Uint8Array(3));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).errnoName).toBe('EPERM');
    expect(() => m.freeze()).toThrow(/EPERM/);
    expect(() => m.delete(u32(0))).toThrow(/EPERM/);
    const vm = new Vm(assemble('.rodata ro, 1, 2, 3\nr0 = 0\nexit'));
    expect(vm.maps.get('ro')!.update(u32(0), new Uint8Array(3))).toBe(-EPERM);
    expect(vm.maps.get('ro')!.freeze()).toBe(-EPERM);
    expect(vm.maps.get('ro')!.delete(u32(0))).toBe(-EPERM);
    // Unfrozen with a value: writable from user space.
    using w = createKernelMap({ ...def, flags: 0, frozen: false });
    w.update(u32(0), new Uint8Array([9, 9, 9]));
    expect([...w.lookup(u32(0))!]).toEqual([9, 9, 9]);
    expect(() => createKernelMap({ ...def, initialValue: new Uint8Array(2) })).toThrow(/initial value of 2 bytes, the map's value_size is 3/);
  });

  it('a program reading .rodata and counting in .data: same retvals and .data afterwards', () => {
    const r = runBoth(assemble(READER));
    expect(r.kernel).toEqual([0x01020304 + 6, 0x01020304 + 7]);
    expect(r.vm).toEqual(r.kernel);
    expect(readU64(r.kernelMaps.get('cnt')!)).toBe(7n);
    expect(r.vmMaps).toEqual(r.kernelMaps);
  });

  it('a store into .rodata: the kernel refuses the program, the VM faults', () => {
    const p = assemble(WRITER);
    let err: unknown;
    try {
      loadProgram(p).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelError);
    expect((err as KernelError).log).toMatch(/write into map forbidden, value_size=6 off=1 size=1/);
    expect(() => new Vm(p).run({ packet })).toThrow(VmFault);
    expect(() => new Vm(p).run({ packet })).toThrow(/write of 1 bytes at map_value\(msg\)\+1: map_value\(msg\) is read-only/);
  });

  it('bpf_trace_printk with its format in .rodata prints the same line from the kernel and the VM', async () => {
    const marker = `tsbpf-gd-${process.pid}`;
    const p = assemble(printk(marker));
    using prog = loadProgram(p);
    using reader = TracePipeReader.privatePrintk(20);
    prog.testRun({ data: packet });
    prog.testRun({ data: packet });
    const seen: TraceLine[] = [];
    const deadline = Date.now() + 3000;
    while (seen.length < 2 && Date.now() < deadline) {
      reader.drain((l) => {
        if (l.message?.startsWith(marker) === true) seen.push(l);
      });
      await new Promise((res) => setTimeout(res, 20));
    }
    const vmLines: string[] = [];
    const vm = new Vm(p, { printk: (l) => vmLines.push(l) });
    vm.run({ packet });
    vm.run({ packet });
    expect(seen.map((l) => l.message)).toEqual([`${marker} 42`, `${marker} 43`]);
    expect(vmLines.map((l) => l.trimEnd())).toEqual(seen.map((l) => l.message));
  });

  it('the kernel sees .rodata frozen before the load: it knows its contents, unlike .data', () => {
    const verdict = (src: string): string => {
      try {
        loadProgram(assemble(`.prog_type socket_filter\n.license "GPL"\n${src}`)).close();
        return 'accepted';
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        return e.log.split('\n').filter((l) => !/^(processed|verification time|stack depth|\d+: |;|$)/.test(l)).pop() ?? '';
      }
    };
    // A branch on a constant of .rodata is decided at load time: the dead branch is not checked.
    const branch = (dir: string): string => `${dir} cfg, u32 0\nr1 = map_value[cfg] ll\nr2 = *(u32 *)(r1 + 0)\nif r2 == 0 goto ok\nr0 = *(u64 *)(r10 + 8)\nok:\nr0 = 0\nexit`;
    expect(verdict(branch('.rodata'))).toBe('accepted');
    expect(verdict(branch('.data'))).toBe('invalid read from stack R10 off=8 size=8');
    // bpf_snprintf wants its format in a frozen read-only map, zero-terminated and valid.
    const snprintf = (fmt: string): string => `${fmt}\nr1 = 7\n*(u64 *)(r10 - 8) = r1\nr1 = r10\nr1 += -40\nr2 = 32\nr3 = map_value[fmt] ll\nr4 = r10\nr4 += -8\nr5 = 8\ncall bpf_snprintf\nr0 = 0\nexit`;
    expect(verdict(snprintf('.rodata fmt, "v=%d"'))).toBe('accepted');
    expect(verdict(snprintf('.data fmt, "v=%d"'))).toBe("R3 does not point to a readonly map'");
    expect(verdict(snprintf('.rodata fmt, ascii "v=%d"'))).toBe('string is not zero-terminated');
    expect(verdict(snprintf('.rodata fmt, "v=%q"'))).toBe('Invalid format string');
  });

  it.skipIf(!llvmMc)('an llvm-mc object with .rodata, .rodata.str1.1 and .data: same retvals and .data as the VM', () => {
    const r = runBoth(programFromObject(readBpfObject(mcObject(MC_SOURCE))));
    expect(r.kernel).toEqual([0x25 + 0x6c + 8, 0x25 + 0x6c + 9]);
    expect(r.vm).toEqual(r.kernel);
    expect(r.vmMaps).toEqual(r.kernelMaps);
  });

  it.skipIf(!llc)('an llc object (printk string in .rodata.str1.1, counter in .data, const table in .rodata) loads and runs', () => {
    const r = runBoth(programFromObject(readBpfObject(llcObject(LLC_IR))));
    expect(r.kernel).toEqual([6 + 3, 7 + 3]);
    expect(r.vm).toEqual(r.kernel);
    expect(r.vmMaps).toEqual(r.kernelMaps);
  });
});
