import type { Insn } from '../isa/index.js';
import type { ParseState } from './parse-state.js';
export function parsePseudoCInsn(s: ParseState): Insn {
  return s.failHere('todo');
}
