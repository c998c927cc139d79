import { readFileSync } from 'node:fs';

let possible: number | undefined;

/** Parse a kernel CPU list such as `0-3,8-11` into CPU numbers. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map((s) => Number.parseInt(s, 10));
    if (a === undefined || Number.isNaN(a)) continue;
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

/** Number of possible CPUs (the length of per-CPU map values), from sysfs. */
export function possibleCpuCount(): number {
  if (possible === undefined) {
    const list = parseCpuList(readFileSync('/sys/devices/system/cpu/possible', 'utf8'));
    possible = list.length === 0 ? 1 : Math.max(...list) + 1;
  }
  return possible;
}

/** The online CPUs (where perf events are opened), from sysfs. */
export function onlineCpus(): number[] {
  return parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
}
