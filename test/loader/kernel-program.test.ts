import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_XDP, R0, R1, R2, R3, R4,
  add64, encode, exit, jgt, ldxw, lddw, mov64, programOf, stb, xor64, mul64, jsgt, callLocal, type Insn,
} from '../../src/isa/index.js';
import { BPF_LOG_LEVEL2, BPF_LOG_STATS, KernelError, loadProgram, parseVerifierStats, returnHighHalf } from '../../src/loader/index.js';
import { kernelAvailable } from './support.js';

const canBpf = kernelAvailable('loader program tests');
const packet = new Uint8Array(64).map((_, i) => i);

describe.skipIf(!canBpf)('loadProgram (real kernel)', () => {
  it('loads a minimal XDP program and returns the log with stats', () => {
    using prog = loadProgram(programOf([mov64(R0, 2), exit()]), { progType: BPF_PROG_TYPE_XDP });
    expect(prog.fd).toBeGreaterThan(0);
    expect(prog.log).toMatch(/processed 2 insns/);
    expect(prog.stats.insnsProcessed).toBe(2);
    expect(prog.stats.verificationTimeUsec).toBeGreaterThanOrEqual(0);
    expect(prog.testRun({ data: packet }).retval).toBe(2);
  });

  it('throws KernelError with errno and the verifier log on rejection', () => {
    let err: unknown;
    try {
      loadProgram(programOf([exit()]), { progType: BPF_PROG_TYPE_XDP });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelError);
    const k = err as KernelError;
    expect(k.syscall).toBe('bpf(BPF_PROG_LOAD)');
    expect(k.errnoName).toBe('EACCES');
    expect(k.log).toMatch(/R0 !read_ok/);
    expect(k.message).toMatch(/R0 !read_ok/);
  });

  it('says EINVAL for a program that falls off the end', () => {
    expect(() => loadProgram(programOf([mov64(R0, 0)]), { progType: BPF_PROG_TYPE_XDP, logLevel: 0 }))
      .toThrow(/BPF_PROG_LOAD.*EINVAL/);
  });

  it('needs a program type', () => {
    expect(() => loadProgram(programOf([mov64(R0, 0), exit()]))).toThrow(/no program type/);
  });

  it('grows the log buffer when the kernel reports ENOSPC', () => {
    const insns: Insn[] = [mov64(R0, 0)];
    for (let i = 0; i < 200; i++) insns.push(add64(R0, i));
    insns.push(exit());
    using prog = loadProgram(programOf(insns), { progType: BPF_PROG_TYPE_XDP, logLevel: BPF_LOG_LEVEL2 | BPF_LOG_STATS, logSize: 256 });
    expect(prog.log.length).toBeGreaterThan(256);
    expect(prog.log).toMatch(/200: \(07\) r0 \+= 199/);
    expect(prog.stats.insnsProcessed).toBe(202);
  });

  it('test-runs with a JS oracle for 64-bit ALU (retval = low 32 bits of r0)', () => {
    const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), i32, i32, (a, b, c) => {
      const insns = [lddw(R0, a), add64(R0, b), mov64(R1, c), mul64(R0, R1), xor64(R0, 0x5a5a), exit()];
      using prog = loadProgram(programOf(insns), { progType: BPF_PROG_TYPE_SOCKET_FILTER, logLevel: 0 });
      const sum = BigInt.asUintN(64, a + BigInt(b));
      const r0 = BigInt.asUintN(64, sum * BigInt.asUintN(64, BigInt(c))) ^ 0x5a5an;
      expect(prog.testRun({ data: packet }).retval).toBe(Number(r0 & 0xffffffffn));
    }), { numRuns: 50 });
  });

  it('recovers all 64 bits of r0 with a second run of returnHighHalf(program) (property)', () => {
    const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), i32, (a, b) => {
      // r0 = a; if (r0 s> b) return r0 (second exit); r0 *= b; return r0 (first exit)
      const p = programOf([lddw(R0, a), jsgt(R0, b, 2), mul64(R0, b), exit(), exit()]);
      using lo = loadProgram(p, { progType: BPF_PROG_TYPE_SOCKET_FILTER, logLevel: 0 });
      using hi = loadProgram(returnHighHalf(p), { progType: BPF_PROG_TYPE_SOCKET_FILTER, logLevel: 0 });
      const r0 = (BigInt(hi.testRun({ data: packet }).retval) << 32n) | BigInt(lo.testRun({ data: packet }).retval);
      const expected = BigInt.asIntN(64, a) > BigInt(b) ? a : BigInt.asUintN(64, a * BigInt(b));
      expect(r0).toBe(expected);
    }), { numRuns: 40 });
    expect(() => returnHighHalf(programOf([callLocal(1), exit(), mov64(R0, 0), exit()]))).toThrow(/insn 0: returnHighHalf/);
  });

  it('returns the packet the program wrote (data out) and a duration with repeat', () => {
    // r2 = data, r3 = data_end; if data + 1 > data_end goto out; *(u8 *)data = 0x5a; out: r0 = XDP_PASS
    const insns = [
      ldxw(R2, R1, 0), ldxw(R3, R1, 4), mov64(R4, R2), add64(R4, 1), jgt(R4, R3, 1), stb(R2, 0, 0x5a),
      mov64(R0, 2), exit(),
    ];
    using prog = loadProgram(programOf(insns), { progType: BPF_PROG_TYPE_XDP });
    const res = prog.testRun({ data: packet, repeat: 100 });
    expect(res.retval).toBe(2);
    expect(res.dataOut.length).toBe(packet.length);
    expect(res.dataOut[0]).toBe(0x5a);
    expect([...res.dataOut.subarray(1)]).toEqual([...packet.subarray(1)]);
    expect(res.duration).toBeGreaterThanOrEqual(0);
  });

  it('passes a context in and reads it back out (__sk_buff mark and cb[0])', () => {
    // r0 = skb->cb[0]; skb->mark = 0x1234
    const insns = [ldxw(R0, R1, 48), mov64(R2, 0x1234), { kind: 'stx', size: 4, dst: 1, src: 2, off: 8 } as Insn, exit()];
    using prog = loadProgram(programOf(insns), { progType: BPF_PROG_TYPE_SCHED_CLS });
    const ctx = Buffer.alloc(192);
    ctx.writeUInt32LE(0xcafe, 48);
    const res = prog.testRun({ data: packet, ctx });
    expect(res.retval).toBe(0xcafe);
    expect(Buffer.from(res.ctxOut).readUInt32LE(8)).toBe(0x1234);
  });

  it('reports the program info: id, tag = hash of the insns, lengths and decoded xlated insns', () => {
    const insns = [mov64(R0, 7), add64(R0, 3), exit()];
    using prog = loadProgram(programOf(insns, { name: 'info_test' }), { progType: BPF_PROG_TYPE_XDP });
    const info = prog.info();
    expect(info.id).toBeGreaterThan(0);
    expect(info.type).toBe(BPF_PROG_TYPE_XDP);
    expect(info.name).toBe('info_test');
    // The tag is the first 8 bytes of SHA-256 of the insns (SHA-1 before Linux 6.18).
    const tags = ['sha256', 'sha1'].map((h) => createHash(h).update(encode(insns)).digest('hex').slice(0, 16));
    expect(tags).toContain(info.tag);
    expect(info.xlatedLen).toBe(24);
    expect(info.jitedLen).toBeGreaterThan(0);
    expect(info.insns).toEqual(insns);
    expect(info.verifiedInsns).toBe(3);
    expect(info.gplCompatible).toBe(true);
  });

  it('reports ENOSPC when the caller gives too little room for the output data', () => {
    using prog = loadProgram(programOf([mov64(R0, 2), exit()]), { progType: BPF_PROG_TYPE_XDP });
    expect(() => prog.testRun({ data: packet, dataSizeOut: 10 })).toThrow(/bpf\(BPF_PROG_TEST_RUN\) of a program of type xdp: ENOSPC/);
    expect(prog.testRun({ data: packet }).dataOut.length).toBe(packet.length);
  });

  it('reports E2BIG for more instructions than the kernel takes', () => {
    const insns: Insn[] = new Array(1_000_001).fill(mov64(R0, 0));
    insns.push(exit());
    let err: unknown;
    try {
      loadProgram(programOf(insns), { progType: BPF_PROG_TYPE_XDP, logLevel: 0 });
    } catch (e) {
      err = e;
    }
    expect((err as KernelError).errnoName).toBe('E2BIG');
  });

  it('closes idempotently and refuses use after close', () => {
    const prog = loadProgram(programOf([mov64(R0, 0), exit()]), { progType: BPF_PROG_TYPE_XDP });
    prog.close();
    prog.close();
    expect(prog.closed).toBe(true);
    expect(() => prog.testRun()).toThrow(/closed/);
  });
});

describe('parseVerifierStats', () => {
  it('reads the stats lines the kernel prints', () => {
    const s = parseVerifierStats('verification time 12 usec\nstack depth 8+0\nprocessed 9 insns (limit 1000000) max_states_per_insn 1 total_states 2 peak_states 3 mark_read 4\n');
    expect(s).toEqual({ verificationTimeUsec: 12, stackDepth: [8, 0], insnsProcessed: 9, insnLimit: 1000000, maxStatesPerInsn: 1, totalStates: 2, peakStates: 3, markRead: 4 });
    expect(parseVerifierStats('')).toEqual({});
  });
});
