import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { verify } from '../../src/verifier/index.js';
import { bpfUnavailableReason } from './kernel/bpf.js';
import { childLoad } from './kernel/unpriv.js';

// Byte swaps on scalars the verifier only partly knows: 6.18 keeps the ranges of `le` (a
// truncation on little-endian) and derives them from the byte-permuted tnum for a swap. Our
// register state after each BPF_END (bounds and var_off, parsed from the level-2 log line) is
// compared with the kernel's, for every operation on inputs of several shapes (small ranges, all
// of u32, signed ranges, mixed bits).
const why = bpfUnavailableReason() ?? (process.getuid?.() === 0 ? null : 'needs root');
if (why) console.log(`skip: byte swap comparison needs bpf(2) as root: ${why}`);

const INPUTS = [
  'call bpf_get_smp_processor_id\nr0 += 3',
  'r0 = *(u32 *)(r1 + 0)',
  'r0 = *(u32 *)(r1 + 0)\nr0 <<= 32\nr0 s>>= 40',
  'r0 = *(u32 *)(r1 + 0)\nr0 &= 0xff00ff',
  'r0 = *(u32 *)(r1 + 0)\nr0 |= 0x10000\nr0 &= 0x1ffff',
  'r0 = *(u32 *)(r1 + 0)\nr0 -= 100',
  'call bpf_get_prandom_u32\nr0 <<= 20',
  'r0 = *(u32 *)(r1 + 0)\nif r0 > 0x1234 goto +1\nr0 = 7',
];
const OPS = ['le16', 'le32', 'le64', 'be16', 'be32', 'be64', 'bswap16', 'bswap32', 'bswap64'];

const FIELDS = ['smin', 'smax', 'umin', 'umax', 'smin32', 'smax32', 'umin32', 'umax32'] as const;
const DEFAULTS: Record<string, bigint> = {
  smin: -(1n << 63n), smax: (1n << 63n) - 1n, umin: 0n, umax: (1n << 64n) - 1n, smin32: -(1n << 31n), smax32: (1n << 31n) - 1n, umin32: 0n, umax32: (1n << 32n) - 1n,
};

/** R0's bounds and var_off from a log line, as numbers (`smin=smin32=0` shares a value; a signed 32-bit hex is a 32-bit image). */
function scalarOf(line: string): Record<string, string> | string {
  const m = /R0=(P?)scalar\(([^)]*(?:\)[^)]*)?)\)|R0=(P?)(-?\w+)/.exec(line);
  if (!m) return line;
  if (m[4] !== undefined) return { const: BigInt(m[4]).toString() };
  const out: Record<string, string> = {};
  for (const f of FIELDS) out[f] = DEFAULTS[f]!.toString();
  const varOff = /var_off=(\([^)]*\))/.exec(m[2]!);
  out['var_off'] = varOff ? varOff[1]! : '(0x0; 0xffffffffffffffff)';
  for (const part of m[2]!.replace(/,?var_off=\([^)]*\)/, '').split(',').filter(Boolean)) {
    const names = part.split('=');
    const text = names.pop()!;
    for (const n of names) {
      let v = BigInt(text);
      if ((n === 'smin32' || n === 'smax32') && text.startsWith('0x')) v = BigInt.asIntN(32, v);
      if ((n === 'smin' || n === 'smax') && text.startsWith('0x')) v = BigInt.asIntN(64, v);
      out[n] = v.toString();
    }
  }
  return out;
}

describe.skipIf(why !== null)('byte swaps on partly known scalars vs the kernel', () => {
  it('every BPF_END leaves the register as the kernel has it', () => {
    const cases = INPUTS.flatMap((input) => OPS.map((op) => ({ op, src: `.prog_type socket_filter\n${input}\nr0 = ${op} r0\nr0 = 0\nexit\n` })));
    const programs = cases.map((c) => assemble(c.src));
    const logs = childLoad(programs, 1, { asNobody: false, logLevel: 2 });
    const lineOf = (log: string, op: string): string => log.split('\n').find((l) => l.includes(`r0 = ${op} r0 `)) ?? '(none)';
    const differ = cases.flatMap((c, i) => {
      const kernel = lineOf(logs[i]!.log ?? '', c.op);
      const ours = lineOf(verify(programs[i]!, { logLevel: 2 }).log, c.op);
      const same = JSON.stringify(scalarOf(kernel)) === JSON.stringify(scalarOf(ours));
      return same ? [] : [`${c.src.split('\n').slice(1, -4).join('; ')} then ${c.op}: kernel ${kernel} / ours ${ours}`];
    });
    const textDiffers = cases.filter((c, i) => lineOf(logs[i]!.log ?? '', c.op) !== lineOf(verify(programs[i]!, { logLevel: 2 }).log, c.op)).length;
    if (textDiffers) console.log(`  (${textDiffers} print the same bounds differently: 6.18 shows a negative smin32/smax32 beyond S16 as a 32-bit image)`);
    console.log(`byte swaps: ${cases.length - differ.length}/${cases.length} register states as the kernel's`);
    expect(differ).toEqual([]);
  });
});
