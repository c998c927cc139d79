/**
 * `verify`: predict BPF_PROG_LOAD's verdict and log for a program, offline.
 */
import { BPF_PROG_TYPE_SOCKET_FILTER, decode, IsaError, programOf, slotIndices, type Insn, type Program } from '../isa/index.js';
import { checkCfg, checkSubprogs, flowSuccessors, liveRegisters, type Slots } from './cfg.js';
import { Explorer } from './check.js';
import { formatInsn, mapRefName } from './disasm.js';
import type { Env } from './env.js';
import { VerifierLog } from './log.js';
import { initialState } from './state.js';
import { Reject, type VerifyOptions, type VerifyResult } from './types.js';
import { BPF_MAXINSNS, SUBPROG_CALLS_PROHIBITED, unprivMapProblem, unprivProgTypeProblem } from './unpriv.js';

function toSlots(insns: readonly Insn[]): Slots {
  const out: (Insn | null)[] = [];
  for (const i of insns) {
    out.push(i);
    if (i.kind === 'lddw') out.push(null);
  }
  return out;
}

/** resolve_pseudo_ldimm64: map references must name a map; direct value pointers need a one-element array. */
function resolveMaps(slots: Slots, program: Program): void {
  for (let pc = 0; pc < slots.length; pc++) {
    const insn = slots[pc];
    if (!insn || insn.kind !== 'lddw' || insn.src === 0 || insn.src === 4) continue;
    const idx = insn.map !== undefined ? program.maps.findIndex((m) => m.name === insn.map) : Number(insn.imm & 0xffffffffn);
    const m = program.maps[idx];
    if (!m) throw new Reject(`fd ${insn.map ?? Number(BigInt.asIntN(32, insn.imm & 0xffffffffn))} is not pointing to valid bpf_map`, pc);
    if (insn.src === 2 || insn.src === 6) {
      const off = Number(insn.imm >> 32n);
      if (off >= 1 << 29) throw new Reject(`direct value offset of ${off} is not allowed`, pc);
      if (m.type !== 2) throw new Reject('no direct value access support for this map type', pc);
      if (m.maxEntries !== 1 || off >= m.valueSize) throw new Reject(`invalid access to map value pointer, value_size=${m.valueSize} off=${off}`, pc);
    }
  }
}

/** check_max_stack_depth: the stack of every call chain, each frame rounded up to 16 bytes, fits in 512. */
function checkStackDepth(slots: Slots, subprogs: number[], depth: Map<number, number>): void {
  const round = (d: number): number => Math.ceil(d / 16) * 16;
  const walk = (s: number, total: number, frames: number, seen: Set<number>): void => {
    const t = total + round(depth.get(s) ?? 0);
    if (t > 512) throw new Reject(`combined stack size of ${frames} calls is ${t}. Too large`, 0);
    const i = subprogs.indexOf(s);
    const end = subprogs[i + 1] ?? slots.length;
    for (let pc = s; pc < end; pc++) {
      const insn = slots[pc];
      if (insn?.kind === 'call' && insn.target === 'local') {
        const callee = pc + insn.imm + 1;
        if (seen.has(callee)) continue;
        walk(callee, t, frames + 1, new Set([...seen, callee]));
      }
    }
  };
  walk(0, 0, 1, new Set([0]));
}

function statsLine(processed: number, s: { maxStatesPerInsn: number; totalStates: number; peakStates: number }, limit: number): string {
  return `processed ${processed} insns (limit ${limit}) max_states_per_insn ${s.maxStatesPerInsn} total_states ${s.totalStates} peak_states ${s.peakStates} mark_read 0\n`;
}

function liveBlock(slots: Slots, live: Uint16Array, scc: Uint32Array, privileged: boolean): string {
  let out = 'Live regs before insn:\n';
  for (let pc = 0; pc < slots.length; pc++) {
    const insn = slots[pc];
    if (!insn) continue;
    let regs = '';
    for (let r = 0; r < 10; r++) regs += (live[pc]! & (1 << r)) ? `${r}` : '.';
    out += `${scc[pc] ? `${String(scc[pc]).padStart(3)} ` : '    '}${String(pc).padStart(3)}: ${regs} ${formatInsn(insn, mapRefName(privileged))}\n`;
  }
  return out;
}

/**
 * Verify a program as the Linux 6.x verifier would, for a privileged loader (default) or, with
 * `privileged: false`, for one without CAP_BPF / CAP_PERFMON.
 * @example verify(programOf([mov64(R0, 0), exit()])).verdict // 'accepted'
 */
export function verify(program: Program, options: VerifyOptions = {}): VerifyResult {
  const level = options.logLevel ?? 0;
  const limit = options.maxInsns ?? 1_000_000;
  const log = options.logSize === undefined ? new VerifierLog(level) : new VerifierLog(level, options.logSize, options.logFixed ? 'fixed' : 'rotating');
  const truncation = (): { logTruncated?: true; logTrueSize: number } => ({ ...(log.truncated || log.enospc ? { logTruncated: true } : {}), logTrueSize: log.trueSize });
  const slots = toSlots(program.insns);
  const stats = { processed: 0, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0 };
  const reject = (insn: number, message: string, main?: string): VerifyResult => {
    // The kernel prints this one without a newline, gluing it to the statistics line.
    log.writeFinal(message === 'expected prog array map for tail call' ? message : `${message}\n`);
    log.writeFinal(statsLine(stats.processed, stats, limit));
    return { verdict: 'rejected', error: { insn, message: main ?? message.split('\n').pop()! }, processed: stats.processed, log: log.text(), stats, ...truncation() };
  };
  if (slots.length === 0) return reject(0, 'empty program');
  if (slots.length > limit) return reject(0, `BPF program is too large. Processed ${slots.length} insn`);
  const privileged = options.privileged ?? true;
  const mapProblem = privileged ? null : unprivMapProblem(program.maps);
  if (mapProblem) return reject(0, mapProblem);
  if (!privileged && slots.length > BPF_MAXINSNS) {
    return reject(0, `E2BIG: ${slots.length} insns exceed BPF_MAXINSNS (${BPF_MAXINSNS}) for an unprivileged loader (the kernel writes no log)`);
  }
  const progTypeOf = options.progType ?? program.progType ?? BPF_PROG_TYPE_SOCKET_FILTER;
  const typeProblem = privileged ? null : unprivProgTypeProblem(progTypeOf);
  if (typeProblem) return reject(0, typeProblem);
  let env: Env | undefined;
  try {
    if (!privileged) {
      const pc = slots.findIndex((i) => i !== null && ((i.kind === 'call' && i.target !== 'helper') || (i.kind === 'lddw' && i.src === 4)));
      if (pc >= 0) throw new Reject(SUBPROG_CALLS_PROHIBITED, pc);
    }
    const subprogs = checkSubprogs(slots, (s) => {
      if (level === 2) for (let i = 0; i < s.length; i++) log.write(`func#${i} @${s[i]}\n`);
    });
    resolveMaps(slots, program);
    const flow = flowSuccessors(slots);
    const cfg = checkCfg(slots, subprogs, privileged, flow);
    const progType = options.progType ?? program.progType ?? BPF_PROG_TYPE_SOCKET_FILTER;
    const live = liveRegisters(slots, progType, flow, privileged);
    if (level === 2) log.write(liveBlock(slots, live, cfg.scc, privileged));
    env = {
      program, slots, cfg, maps: program.maps, progType: options.progType ?? program.progType ?? BPF_PROG_TYPE_SOCKET_FILTER,
      privileged, nrCpus: options.nrCpus ?? 2, log, aux: [], live, cur: initialState(), insnIdx: 0, prevInsnIdx: 0, idGen: 0,
      scratch: { regs: new Set(), slots: new Set() }, refInsn: new Map(), stackAccess: 0, pushBranch: () => undefined,
    };
    const ex = new Explorer(env, limit);
    try {
      ex.run();
    } finally {
      Object.assign(stats, { processed: ex.stats.processed, maxStatesPerInsn: ex.stats.maxStatesPerInsn, totalStates: ex.stats.totalStates, peakStates: ex.stats.peakStates });
    }
    const pt = env.progType;
    if (pt !== 2 && pt !== 5 && pt !== 7 && pt !== 17) {
      try {
        checkStackDepth(slots, subprogs, ex.stats.stackDepth);
      } catch (e) {
        if (level === 1) log.reset(0);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof Reject) return reject(e.insn ?? env?.insnIdx ?? 0, e.message, e.main);
    throw e;
  }
  if (level === 1) log.reset(0);
  log.writeFinal(statsLine(stats.processed, stats, limit));
  return { verdict: 'accepted', error: null, processed: stats.processed, log: log.text(), stats, ...truncation() };
}

/**
 * Verify raw `struct bpf_insn[]` bytes: decode errors become rejections with the kernel's message.
 * @example verifyBytes(new Uint8Array([0x95, 0, 0, 0, 0, 0, 0, 0])).error?.message // 'R0 !read_ok'
 */
export function verifyBytes(bytes: Uint8Array, options: VerifyOptions = {}): VerifyResult {
  let insns: Insn[];
  try {
    insns = decode(bytes);
  } catch (e) {
    if (e instanceof IsaError) {
      const message = e.kernelMessage ?? e.message;
      const level = options.logLevel ?? 0;
      const limit = options.maxInsns ?? 1_000_000;
      const stats = { processed: 0, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0 };
      const log = options.logSize === undefined ? new VerifierLog(level) : new VerifierLog(level, options.logSize, options.logFixed ? 'fixed' : 'rotating');
      log.writeFinal(`${message}\n`);
      log.writeFinal(statsLine(0, stats, limit));
      return {
        verdict: 'rejected', error: { insn: e.index, message }, processed: 0, log: log.text(), stats,
        ...(log.truncated || log.enospc ? { logTruncated: true } : {}), logTrueSize: log.trueSize,
      };
    }
    throw e;
  }
  return verify(programOf(insns), options);
}

export { slotIndices };
