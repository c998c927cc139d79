import { describe, expect, it } from 'vitest';
import {
  BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_XDP, R0, R1, R2, R3, R4, R10, add64, and64, call, callLocal,
  exit, ja, jeq, jgt, jlt, ldMapFd, ldxb, ldxdw, ldxw, lsh64, mov64, programOf, stdw, stw, type Insn, type MapDef,
} from '../../../src/isa/index.js';
import { verify, verifyBytes } from '../../../src/verifier/index.js';

const arr: MapDef = { name: 'a', type: 2, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };
const hash: MapDef = { name: 'h', type: 1, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 };
const lookup = (map: string): Insn[] => [stw(R10, -4, 0), mov64(R2, R10), add64(R2, -4), ldMapFd(R1, map), call(1)];

function run(insns: Insn[], progType = BPF_PROG_TYPE_SOCKET_FILTER, maps: MapDef[] = []) {
  return verify(programOf(insns, { maps }), { progType, logLevel: 2 });
}

function rejects(insns: Insn[], message: string, insn: number, progType?: number, maps?: MapDef[]): void {
  const r = run(insns, progType, maps);
  expect(r.verdict).toBe('rejected');
  expect(r.error).toEqual({ insn, message });
}

describe('structure', () => {
  it('unreachable, out of range, fall-off, back-edge (privileged: loop through a dead tail)', () => {
    rejects([mov64(R0, 0), exit(), mov64(R0, 1), exit()], 'unreachable insn 2', 2);
    rejects([mov64(R0, 0), ja(5), exit()], 'jump out of range from insn 1 to 7', 1);
    rejects([mov64(R0, 0)], 'last insn is not an exit or jmp', 0);
    rejects([mov64(R0, 0), ja(-2), exit()], 'unreachable insn 2', 2);
  });
  it('back-edges are rejected for unprivileged loaders', () => {
    const r = verify(programOf([mov64(R0, 0), jeq(R0, 1, -2), exit()]), { privileged: false });
    expect(r.error?.message).toBe('back-edge from insn 1 to 0');
  });
  it('raw bytes: unknown opcode', () => {
    const r = verifyBytes(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0]));
    expect(r.verdict).toBe('rejected');
    expect(r.error?.message).toBe('unknown opcode ff');
  });
});

describe('registers and ALU', () => {
  it('straight-line ALU with the kernel log line', () => {
    const r = run([mov64(R0, 42), exit()]);
    expect(r.verdict).toBe('accepted');
    expect(r.log).toContain('0: (b7) r0 = 42                       ; R0=42\n');
    expect(r.log).toContain('processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0');
  });
  it('uninitialised reads and the frame pointer', () => {
    rejects([mov64(R0, R2), exit()], 'R2 !read_ok', 0);
    rejects([exit()], 'R0 !read_ok', 0);
    rejects([mov64(R10, 0), exit()], 'frame pointer is read only', 0);
    rejects([mov64(R0, 1), { kind: 'alu', width: 64, op: 'div', dst: 0, src: null, imm: 0 }, exit()], 'div by zero', 1);
    rejects([mov64(R0, 1), lsh64(R0, 64), exit()], 'invalid shift 64', 1);
  });
  it('pointer arithmetic rules', () => {
    rejects([and64(R1, 3), mov64(R0, 0), exit()], 'R1 bitwise operator &= on pointer prohibited', 0);
    rejects([mov64(R2, R10), add64(R1, R2), mov64(R0, 0), exit()], 'R1 pointer += pointer prohibited', 1);
    rejects([mov64(R1, 0), ldxdw(R0, R1, 0), exit()], "R1 invalid mem access 'scalar'", 1);
  });
});

describe('stack', () => {
  it('bounds and alignment', () => {
    rejects([mov64(R0, 0), stdw(R10, -520, R0), exit()], 'invalid write to stack R10 off=-520 size=8', 1);
    rejects([mov64(R0, 0), stw(R10, -6, R0), exit()], 'misaligned stack access off 0+0+-6 size 4', 1);
  });
  it('spill keeps the pointer type; narrow fill of a pointer is rejected', () => {
    expect(run([stdw(R10, -8, R1), ldxdw(R0, R10, -8), ldxw(R0, R0, 0), exit()]).verdict).toBe('accepted');
    rejects([stdw(R10, -8, R1), ldxw(R0, R10, -8), exit()], 'invalid size of register fill', 1);
  });
  it('uninitialised stack is readable for privileged loaders only', () => {
    const prog = programOf([stw(R10, -4, 0), ldxdw(R0, R10, -8), exit()]);
    expect(verify(prog).verdict).toBe('accepted');
    expect(verify(prog, { privileged: false }).error?.message).toBe('invalid read from stack off -8+0 size 8');
    expect(verify(programOf([ldxdw(R0, R10, -8), exit()]), { privileged: false }).error?.message).toBe('invalid read from stack R10 off=-8 size=8');
  });
});

describe('maps, helpers, context, packets', () => {
  it('map value bounds and null checks', () => {
    rejects([...lookup('a'), jeq(R0, 0, 1), ldxdw(R0, R0, 8), mov64(R0, 0), exit()], 'R0 min value is outside of the allowed memory range', 7, BPF_PROG_TYPE_SOCKET_FILTER, [arr]);
    rejects([...lookup('h'), ldxdw(R0, R0, 0), mov64(R0, 0), exit()], "R0 invalid mem access 'map_value_or_null'", 6, BPF_PROG_TYPE_SOCKET_FILTER, [hash]);
    expect(run([...lookup('h'), jeq(R0, 0, 1), ldxdw(R0, R0, 0), mov64(R0, 0), exit()], BPF_PROG_TYPE_SOCKET_FILTER, [hash]).verdict).toBe('accepted');
  });
  it('helper argument types and availability', () => {
    rejects([mov64(R1, 0), call(1), exit()], 'R1 type=scalar expected=map_ptr', 1);
    rejects([call(4), exit()], 'program of this type cannot use helper bpf_probe_read#4', 0);
  });
  it('context access per program type', () => {
    rejects([ldxw(R0, R1, 76), exit()], 'invalid bpf_context access off=76 size=4', 0);
    rejects([ldxdw(R0, R1, 4), exit()], 'invalid bpf_context access off=4 size=8', 0, BPF_PROG_TYPE_TRACEPOINT);
    expect(run([ldxdw(R0, R1, 8), exit()], BPF_PROG_TYPE_TRACEPOINT).verdict).toBe('accepted');
  });
  it('packet access needs a data_end comparison', () => {
    const head = [ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 14), jgt(R4, R3, 2)];
    expect(run([...head, ldxb(R0, R2, 13), exit(), mov64(R0, 1), exit()], BPF_PROG_TYPE_XDP).verdict).toBe('accepted');
    rejects([...head, ldxb(R0, R2, 14), exit(), mov64(R0, 1), exit()], 'R2 offset is outside of the packet', 5, BPF_PROG_TYPE_XDP);
  });
});

describe('loops, calls and limits', () => {
  it('a bounded loop is explored; an unbounded one hits the limit', () => {
    expect(run([mov64(R0, 0), add64(R0, 1), jlt(R0, 10, -2), exit()]).verdict).toBe('accepted');
    const r = verify(programOf([mov64(R0, 0), add64(R0, 1), jlt(R0, 100000, -2), exit()]), { maxInsns: 1000 });
    expect(r.error?.message).toBe('BPF program is too large. Processed 1001 insn');
  });
  it('may_goto loops are bounded by the verifier', () => {
    const r = run([mov64(R0, 0), { kind: 'may_goto', off: 2 }, add64(R0, 1), ja(-3), exit()]);
    expect(r.verdict).toBe('accepted');
    expect(r.processed).toBe(14);
  });
  it('precision: a decided branch marks its register precise back to its constant', () => {
    const r = run([mov64(R1, 7), mov64(R0, 0), jgt(R1, 3, 1), mov64(R0, 1), exit()]);
    expect(r.verdict).toBe('accepted');
    expect(r.log).toContain('mark_precise: frame0: last_idx 2 first_idx 0 subseq_idx -1 \n');
    expect(r.log).toContain('mark_precise: frame0: regs=r1 stack= before 1: (b7) r0 = 0\n');
    expect(r.log).toContain('mark_precise: frame0: regs=r1 stack= before 0: (b7) r1 = 7\n');
  });
  it('bpf-to-bpf call', () => {
    expect(run([mov64(R1, 1), callLocal(1), exit(), mov64(R0, R1), exit()]).verdict).toBe('accepted');
  });
});
