/**
 * Generated family: 150 programs drawn with a fixed seed from the differential test's
 * arbitrary (ALU, stack, branches, map lookups and value accesses, packet checks, loops),
 * so machines without bpf(2) still check the same kind of programs against recorded answers.
 */
import fc from 'fast-check';
import { buildProgram, genProgramArb } from './arbitrary.js';
import { Family } from './snippets.js';

const SEED = 0xc0ffee;
const COUNT = 150;

/** The seeded random family (`gen/random/r000` ...). */
export function randomFamily(): Family {
  const f = new Family('random');
  fc.sample(genProgramArb(10), { seed: SEED, numRuns: COUNT }).forEach((g, i) => {
    const p = buildProgram(g);
    f.add(`r${String(i).padStart(3, '0')}`, g.progType, p.insns, p.maps);
  });
  return f;
}
