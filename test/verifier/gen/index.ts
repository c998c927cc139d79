/**
 * The deterministic generator of the verifier corpus: every family, in a fixed order.
 * Same code, same programs: goldens recorded from the kernel stay valid until a family changes
 * (each golden carries a digest of its program, so a change shows up as a stale golden).
 */
import { aluFamily, divFamily, jumpsFamily, r10Family, stackFamily, uninitFamily } from './families-basic.js';
import { atomicFamily, callsFamily, helpersFamily, largeFamily, loopsFamily, retvalFamily } from './families-flow.js';
import { ctxFamily, mapValueFamily, nullCheckFamily, packetFamily } from './families-mem.js';
import { randomFamily } from './families-random.js';
import type { CorpusProgram } from './snippets.js';

export type { CorpusProgram } from './snippets.js';

/** Every generated corpus program. @example generateCorpus().length // > 400 */
export function generateCorpus(): CorpusProgram[] {
  const families = [
    uninitFamily(), stackFamily(), r10Family(), divFamily(), aluFamily(), jumpsFamily(),
    mapValueFamily(), nullCheckFamily(), packetFamily(), ctxFamily(),
    loopsFamily(), callsFamily(), helpersFamily(), retvalFamily(), atomicFamily(), largeFamily(),
    randomFamily(),
  ];
  return families.flatMap((f) => f.programs);
}
