import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/vm/interpreter.js';

describe('interpreter opcode table', () => {
  it('every literal case label carries the name OPS gives its number, and every op has a case', () => {
    const src = readFileSync(join(import.meta.dirname, '../../src/vm/interpreter.ts'), 'utf8');
    const labels = [...src.matchAll(/case (\d+): \/\* (\w+) \*\//g)].map((m) => [Number(m[1]), `OP_${m[2]}`] as const);
    expect(labels.length).toBeGreaterThan(130);
    const table = OPS as Readonly<Record<string, number>>;
    for (const [n, name] of labels) expect(table[name], name).toBe(n);
    const covered = new Set(labels.map(([n]) => n));
    for (const [name, n] of Object.entries(table)) expect(covered.has(n), name).toBe(true);
    expect(new Set(Object.values(table)).size).toBe(Object.keys(table).length);
  });
});
