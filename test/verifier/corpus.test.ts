import { describe, expect, it } from 'vitest';
import { encode } from '../../src/isa/encode.js';
import { loadCorpus } from './corpus.js';
import { programDigest, readGoldens } from './golden.js';
import { REPO_ROOT } from './corpus.js';

const corpus = loadCorpus();
const goldens = readGoldens(REPO_ROOT);

describe('verifier corpus', () => {
  it('has at least 400 programs with unique names, each encodable and typed', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
    for (const c of corpus) {
      expect(c.program.progType, c.name).toBeTypeOf('number');
      expect(encode(c.program.insns).length, c.name).toBeGreaterThan(0);
    }
  });

  it('has hand-written programs in both dialects', () => {
    const hand = corpus.filter((c) => c.family === 'hand');
    expect(hand.some((c) => c.name.startsWith('hand/pseudo-c/'))).toBe(true);
    expect(hand.some((c) => c.name.startsWith('hand/mnemonic/'))).toBe(true);
  });

  it('has an up-to-date kernel golden for every program (else re-run scripts/record-verifier-goldens.mjs)', () => {
    const missing = corpus.filter((c) => !goldens.has(c.name)).map((c) => c.name);
    const stale = corpus.filter((c) => goldens.has(c.name) && goldens.get(c.name)!.digest !== programDigest(c.program)).map((c) => c.name);
    const extra = [...goldens.keys()].filter((n) => !corpus.some((c) => c.name === n));
    expect({ missing, stale, extra }).toEqual({ missing: [], stale: [], extra: [] });
  });

  it('is a realistic mix: between a third and two thirds accepted by the kernel', () => {
    const accepted = corpus.filter((c) => goldens.get(c.name)?.verdict === 'accepted').length;
    expect(accepted / corpus.length).toBeGreaterThan(1 / 3);
    expect(accepted / corpus.length).toBeLessThan(2 / 3);
  });
});
