// Timing whole processes for the benches: best wall time of a few runs, and their CPU time
// (user + sys, which counts V8's compiler and GC threads) through /usr/bin/time when it is
// there. The machine may be shared, so CPU time is the fairer comparison.
import { spawnSync } from 'node:child_process';

const hasTime = spawnSync('/usr/bin/time', ['-f', '%U %S', 'true'], { stdio: 'ignore' }).status === 0;

/** Run `cmd args` `runs` times; { wall, cpu } in ms (cpu is Infinity without /usr/bin/time). */
export function timeProcess(cmd, args, runs = 5) {
  let best = Infinity;
  let cpu = Infinity;
  for (let k = 0; k < runs; k++) {
    const t = performance.now();
    const r = hasTime
      ? spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    best = Math.min(best, ms);
    if (hasTime) {
      const [user, sys] = String(r.stderr).trim().split('\n').pop().split(' ').map(Number);
      cpu = Math.min(cpu, (user + sys) * 1000);
    }
  }
  return { wall: best, cpu };
}

/** `, cpu (user+sys) N ms` when the CPU time is known. */
export const cpuText = (p) => (Number.isFinite(p.cpu) ? `, cpu (user+sys) ${p.cpu.toFixed(0)} ms` : '');
