/**
 * `verify`: predict BPF_PROG_LOAD's verdict and log for a program, offline.
 */
import { BPF_PROG_TYPE_SOCKET_FILTER, decode, IsaError, programOf, slotIndices, type Insn, type Program } from '../isa/index.js';
import { checkCfg, checkSubprogs, liveRegisters, type Slots } from './cfg.js';
import { Explorer } from './check.js';
import { formatInsn } from './disasm.js';
import type { Env } from './env.js';
import { VerifierLog } from './log.js';
import { initialState } from './state.js';
import { Reject, type VerifyOptions, type VerifyResult } from './types.js';

function toSlots(insns: readonly Insn[]): Slots {
  const out: (Insn | null)[] = [];
  for (const i of insns) {
    out.push(i);
    if (i.kind === 'lddw') out.push(null);
  }
  return out;
}

function statsLine(processed: number, s: { maxStatesPerInsn: number; totalStates: number; peakStates: number }, limit: number): string {
  return `processed ${processed} insns (limit ${limit}) max_states_per_insn ${s.maxStatesPerInsn} total_states ${s.totalStates} peak_states ${s.peakStates} mark_read 0\n`;
}

function liveBlock(slots: Slots, live: Uint16Array): string {
  let out = 'Live regs before insn:\n';
  for (let pc = 0; pc < slots.length; pc++) {
    const insn = slots[pc];
    if (!insn) continue;
    let regs = '';
    for (let r = 0; r < 10; r++) regs += (live[pc]! & (1 << r)) ? `${r}` : '.';
    out += `    ${String(pc).padStart(3)}: ${regs} ${formatInsn(insn, (i) => (i.kind === 'lddw' && i.src !== 0 && i.map ? `map[${i.map}]` : undefined))}\n`;
  }
  return out;
}

/**
 * Verify a program as the Linux 6.x verifier would for a privileged loader.
 * @example verify(programOf([mov64(R0, 0), exit()])).verdict // 'accepted'
 */
export function verify(program: Program, options: VerifyOptions = {}): VerifyResult {
  const level = options.logLevel ?? 0;
  const limit = options.maxInsns ?? 1_000_000;
  const log = new VerifierLog(level);
  const slots = toSlots(program.insns);
  const stats = { processed: 0, maxStatesPerInsn: 0, totalStates: 0, peakStates: 0 };
  const reject = (insn: number, message: string): VerifyResult => {
    log.write(`${message}\n`);
    log.write(statsLine(stats.processed, stats, limit));
    return { verdict: 'rejected', error: { insn, message: message.split('\n').pop()! }, processed: stats.processed, log: log.text(), stats };
  };
  if (slots.length === 0) return reject(0, 'empty program');
  if (slots.length > limit) return reject(0, `BPF program is too large. Processed ${slots.length} insn`);
  let env: Env | undefined;
  try {
    const subprogs = checkSubprogs(slots);
    if (level === 2) for (let i = 0; i < subprogs.length; i++) log.write(`func#${i} @${subprogs[i]}\n`);
    const cfg = checkCfg(slots, subprogs, options.privileged ?? true);
    const live = liveRegisters(slots);
    if (level === 2) log.write(liveBlock(slots, live));
    env = {
      program, slots, cfg, maps: program.maps, progType: options.progType ?? program.progType ?? BPF_PROG_TYPE_SOCKET_FILTER,
      privileged: options.privileged ?? true, log, aux: [], live, cur: initialState(), insnIdx: 0, prevInsnIdx: 0, idGen: 0,
      scratch: { regs: new Set(), slots: new Set() }, refInsn: new Map(),
    };
    const ex = new Explorer(env, limit);
    try {
      ex.run();
    } finally {
      Object.assign(stats, { processed: ex.stats.processed, maxStatesPerInsn: ex.stats.maxStatesPerInsn, totalStates: ex.stats.totalStates, peakStates: ex.stats.peakStates });
    }
    let depth = 0;
    for (const d of ex.stats.stackDepth.values()) depth = Math.max(depth, d);
    if (depth > 512) return reject(0, `combined stack size of ${subprogs.length} calls is ${depth}. Too large`);
  } catch (e) {
    if (e instanceof Reject) return reject(e.insn ?? env?.insnIdx ?? 0, e.message);
    throw e;
  }
  if (level === 1) log.reset(0);
  log.write(statsLine(stats.processed, stats, limit));
  return { verdict: 'accepted', error: null, processed: stats.processed, log: log.text(), stats };
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
      const log = level > 0 ? `${message}\n${statsLine(0, stats, limit)}` : '';
      return { verdict: 'rejected', error: { insn: e.index, message }, processed: 0, log, stats };
    }
    throw e;
  }
  return verify(programOf(insns), options);
}

export { slotIndices };
