import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assemble.js';
import { programOf } from '../../src/isa/program.js';
import { BPF_MAX_LOOPS, Vm, VmFault, type RunInput } from '../../src/vm/index.js';

function fault(src: string, input: RunInput = {}, maxInsns?: number): VmFault {
  try {
    new Vm(assemble(src), maxInsns === undefined ? {} : { maxInsns }).run(input);
  } catch (e) {
    if (e instanceof VmFault) return e;
    throw e;
  }
  throw new Error('no fault');
}

describe('VmFault', () => {
  it('names pc, instruction, size and region for an out-of-bounds stack read', () => {
    const f = fault('r0 = 1\nr0 = *(u64 *)(r10 + 0)\nexit');
    expect(f.message).toBe('pc 1 (r0 = *(u64 *)(r10 + 0)): out-of-bounds read of 8 bytes at stack+512');
    expect(f.pc).toBe(1);
    expect(f.kind).toBe('memory');
    expect(f.access).toMatchObject({ size: 8, write: false, where: 'stack+512' });
  });

  it('reports below-the-region writes with a negative offset', () => {
    expect(fault('*(u32 *)(r10 - 516) = 1\nexit').message).toBe('pc 0 (*(u32 *)(r10 - 516) = 0x1): out-of-bounds write of 4 bytes at stack-4');
  });

  it('reports the end of caller memory', () => {
    const f = fault('r0 = *(u16 *)(r1 + 3)\nexit', { mem: new Uint8Array(4) });
    expect(f.message).toBe('pc 0 (r0 = *(u16 *)(r1 + 3)): out-of-bounds read of 2 bytes at mem+3');
  });

  it('reports unmapped addresses (NULL, forged pointers)', () => {
    expect(fault('r1 = 0\nr0 = *(u8 *)(r1 + 0)\nexit').message).toBe('pc 1 (r0 = *(u8 *)(r1 + 0)): invalid read of 1 bytes at 0x0 (not mapped)');
    expect(fault('r1 = 0x12345678 ll\n*(u64 *)(r1 + 0) = r1\nexit').reason).toMatch(/^invalid write of 8 bytes at 0x12345678/);
  });

  it('refuses writes to read-only memory', () => {
    const p = { ...assemble('*(u8 *)(r1 + 0) = 1\nexit'), progType: 2 };
    let f: unknown;
    try {
      new Vm(p).run({ ctx: new Uint8Array(8) });
    } catch (e) {
      f = e;
    }
    expect((f as VmFault).message).toBe('pc 0 (*(u8 *)(r1 + 0) = 0x1): write of 1 bytes at ctx+0: ctx is read-only'); // kprobe context: plain read-only bytes
  });

  it('stops runaway programs at the budget', () => {
    const f = fault('l: r0 += 1\ngoto l', {}, 1000);
    expect(f.message).toBe('pc 0 (r0 += 0x1): instruction budget of 1000 exhausted');
    expect(f.kind).toBe('budget');
  });

  it('counts across interpreter slices exactly', () => {
    const vm = new Vm(assemble('r0 = 0\nr1 = 40000\nl: r0 += r1\nr1 -= 1\nif r1 != 0 goto l\nexit'), { maxInsns: 120_003 });
    const r = vm.run();
    expect(r.insns).toBe(120_003);
    expect(r.r0).toBe(40000n * 40001n / 2n);
    expect(() => vm.run({ maxInsns: 120_002 })).toThrow('pc 5 (exit): instruction budget of 120002 exhausted');
    expect(() => vm.run({ maxInsns: 50_001 })).toThrow('pc 3 (r1 -= 0x1): instruction budget of 50001 exhausted');
  });

  it('may_goto falls through BPF_MAX_LOOPS times, then jumps', () => {
    const p = programOf([{ kind: 'alu', width: 64, op: 'add', dst: 0, src: null, imm: 1 }, { kind: 'may_goto', off: 1 }, { kind: 'ja', off: -3 }, { kind: 'exit' }]);
    const r = new Vm(p, { maxInsns: 40_000_000 }).run();
    expect(r.r0).toBe(BigInt(BPF_MAX_LOOPS) + 1n);
    expect(r.insns).toBe(3 * BPF_MAX_LOOPS + 3);
  });

  it('runs exactly the budget', () => {
    const vm = new Vm(assemble('r0 = 1\nr0 += 1\nexit'), { maxInsns: 3 });
    expect(vm.run().insns).toBe(3);
    expect(() => vm.run({ maxInsns: 2 })).toThrow('instruction budget of 2 exhausted');
  });

  it('limits bpf-to-bpf call depth to 8 frames', () => {
    const f = fault('call f\nexit\nf:\ncall f\nexit');
    expect(f.message).toBe('pc 2 (call pc-1): call depth limit of 8 frames exceeded');
  });

  it('faults on falling off the end and on jumps out of range', () => {
    expect(fault('r0 = 0').message).toBe('pc 1: fell off the end of the program');
    expect(() => new Vm(programOf([{ kind: 'ja', off: 5 }, { kind: 'exit' }])).run()).toThrow('pc 0 (goto +5): jump to pc 6 out of range (0..1)');
  });

  it('faults on a jump into the middle of lddw', () => {
    const p = programOf([{ kind: 'ja', off: 1 }, { kind: 'lddw', dst: 0, src: 0, imm: 1n }, { kind: 'exit' }]);
    expect(() => new Vm(p).run()).toThrow('pc 0 (goto +1): jump into the middle of lddw at pc 1');
  });

  it('faults on unknown helpers and bad callx targets', () => {
    expect(fault('call 999\nexit').message).toBe('pc 0 (call 999): unknown helper helper#999 (id 999)');
    expect(fault('r2 = 0x1234 ll\ncallx r2\nexit').reason).toBe('callx to 0x1234: not a helper id or function address');
  });

  it('is an Error with a stable name', () => {
    const f = fault('r0 = 0\nexit', {}, 1);
    expect(f).toBeInstanceOf(Error);
    expect(f.name).toBe('VmFault');
  });

  it('leaves the VM usable after a fault', () => {
    const vm = new Vm(assemble('if r2 == 0 goto bad\nr0 = 7\nexit\nbad: r0 = *(u64 *)(r10 + 8)\nexit'));
    expect(() => vm.run()).toThrow(VmFault);
    expect(vm.run({ mem: new Uint8Array(1) }).r0).toBe(7n);
  });
});
