/**
 * Kernel verifier logs (levels 1 and 2) of the hand-written corpus, recorded as text under
 * `goldens/logs/`, and the line-level comparison of our logs with them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { goldenDir } from './golden.js';

/** Log levels recorded. */
export const LOG_LEVELS = [1, 2] as const;

/** Directory of the log goldens. */
export function logGoldenDir(root: string): string {
  return join(goldenDir(root), 'logs');
}

/** File name of a program's log golden: `hand/pseudo-c/x.s` at level 2 -> `pseudo-c__x.s.l2.log`. */
export function logGoldenFile(name: string, level: number): string {
  return `${name.replace(/^hand\//, '').replace(/\//g, '__')}.l${level}.log`;
}

/**
 * Normalise what differs between loads of the same program: the kernel prints a map's kernel
 * address where we print its name (`(18) r1 = 0xffff888... ` / `map[counts]`), and the
 * statistics lines carry timings.
 * @example normalizeLog('4: (18) r1 = 0xffff888273d8fc00 ; R1=map_ptr()') // '4: (18) r1 = <map> ; R1=map_ptr()'
 */
export function normalizeLog(log: string): string {
  return log
    .split('\n')
    .map((l) => l.trimEnd().replace(/(\(18\) r\d+ = )(0x[0-9a-f]{16}|map\[[^\]]*\]|map_value\[[^\]]*\]( \+ \d+)?)/g, '$1<map>'))
    .filter((l) => !/^verification time \d+ usec$/.test(l) && !/^stack depth [\d+]+$/.test(l))
    .join('\n')
    .replace(/\n+$/, '')
    .concat('\n');
}

/** Every recorded log golden: file name -> normalised kernel log. */
export function readLogGoldens(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const dir = logGoldenDir(root);
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.log')) out.set(f, readFileSync(join(dir, f), 'utf8'));
  return out;
}

/** Lines of `a` and `b` in common, in order (longest common subsequence length). */
export function commonLines(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** The first line where two logs differ, with its number (1-based), or null when they are equal. */
export function firstDifference(kernel: string, ours: string): { line: number; kernel: string; ours: string } | null {
  const k = kernel.split('\n');
  const o = ours.split('\n');
  for (let i = 0; i < Math.max(k.length, o.length); i++) {
    if (k[i] !== o[i]) return { line: i + 1, kernel: k[i] ?? '(end of log)', ours: o[i] ?? '(end of log)' };
  }
  return null;
}
