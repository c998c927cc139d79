import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { decode } from '../../src/isa/decode.js';
import { helperProtos } from '../../src/isa/helper-protos.js';
import { programOf, type Program } from '../../src/isa/program.js';
import { verify } from '../../src/verifier/index.js';
import { compareCorpus, disagreementReport, figuresOf, formatFigures, type ComparisonRow } from './compare.js';
import { REPO_ROOT, loadCorpus, type CorpusProgram } from './corpus.js';
import { buildProgram, genProgramArb } from './gen/arbitrary.js';
import type { Golden } from './golden.js';
import { allowUnprivilegedBpf, childLoad, unprivilegedLoad, unprivUnavailableReason, type UnprivAnswer } from './kernel/unpriv.js';
import { UNPRIV_RATCHET } from './thresholds.js';

// Our verifier with `privileged: false` against Linux loading the same programs as nobody
// (kernel.unprivileged_bpf_disabled lowered to 0 for the loads, then restored). Only socket
// filters and cgroup_skb programs load without capabilities, so every program is loaded as each:
// the hand-written unprivileged corpus (`unpriv/`), the whole verifier corpus retyped, and random programs.
// Rewrites unpriv-disagreements.md.
const SOCKET_FILTER = 1;
const CGROUP_SKB = 8;
const why = unprivUnavailableReason();
if (why) console.log(`skip: unprivileged verifier comparison: ${why}`);

function unprivCorpus(): CorpusProgram[] {
  const dir = join(REPO_ROOT, 'test', 'verifier', 'unpriv');
  return readdirSync(dir).filter((f) => f.endsWith('.s')).sort().map((f) => ({
    name: `unpriv/${f}`, family: 'unpriv', program: assemble(readFileSync(join(dir, f), 'utf8'), { file: f }),
  }));
}

const asSocketFilter = (c: CorpusProgram): CorpusProgram => ({ ...c, program: { ...c.program, progType: SOCKET_FILTER } });

/** `call id; r0 = 0; exit`. */
function callOnly(id: number, progType = SOCKET_FILTER): Program {
  const b = new Uint8Array(24);
  b[0] = 0x85;
  new DataView(b.buffer).setInt32(4, id, true);
  b[8] = 0xb7;
  b[16] = 0x95;
  return programOf(decode(b), { progType });
}

const runs = Number(process.env['TSBPF_UNPRIV_RUNS'] ?? UNPRIV_RATCHET.randomRuns);
const seed = Number(process.env['TSBPF_UNPRIV_SEED'] ?? UNPRIV_RATCHET.seed);
const ours = (p: Program) => verify(p, { progType: p.progType ?? SOCKET_FILTER, privileged: false, logLevel: 0 });

describe.skipIf(why !== null)('verifier vs kernel, unprivileged loader (live, as nobody)', () => {
  let rows: ComparisonRow[] = [];
  let corpus: CorpusProgram[] = [];
  let helperRows: { id: number; type: number; kernel: boolean; ours: boolean }[] = [];
  let tracepoint: UnprivAnswer | undefined;
  let mapRows: { type: number; kernelEperm: boolean; oursRefuses: boolean }[] = [];
  let typeRows: { type: number; kernelEperm: boolean; oursRefuses: boolean }[] = [];
  let logRows: { name: string; level: 1 | 2; same: boolean; firstDiff: string }[] = [];

  beforeAll(() => {
    const hand = unprivCorpus();
    const random = fc.sample(genProgramArb(8), { numRuns: runs, seed })
      .map((g, i): CorpusProgram => ({ name: `random/u${String(i).padStart(3, '0')}`, family: 'random', program: buildProgram(g) }));
    const all = [...hand, ...loadCorpus(), ...random];
    const asCgroupSkb = (c: CorpusProgram): CorpusProgram => ({ ...c, name: `cgroup_skb:${c.name}`, program: { ...c.program, progType: CGROUP_SKB } });
    corpus = [...all.map(asSocketFilter), ...all.map(asCgroupSkb)];
    const helpers = helperProtos().map((p) => p.id);
    const restore = allowUnprivilegedBpf();
    let answers: UnprivAnswer[];
    let helperAnswers: UnprivAnswer[];
    let mapAnswers: UnprivAnswer[];
    // One map of each type with attributes its map_alloc_check accepts (which runs before the capability check).
    const mapSpecs: [number, number, number, number][] = [
      [1, 4, 8, 4], [2, 4, 8, 4], [3, 4, 4, 4], [4, 4, 4, 4], [5, 4, 8, 4], [6, 4, 8, 4], [7, 4, 64, 4], [8, 4, 4, 4], [9, 4, 8, 4],
      [10, 4, 8, 4], [14, 4, 4, 4], [15, 4, 4, 4], [16, 4, 4, 4], [17, 4, 4, 4], [18, 4, 4, 4], [20, 4, 4, 4], [22, 0, 8, 4],
      [23, 0, 8, 4], [25, 4, 4, 4], [27, 0, 0, 4096], [30, 0, 8, 4], [31, 0, 0, 4096],
    ];
    const mapProgs = mapSpecs.map(([type, keySize, valueSize, maxEntries]) => ({
      ...callOnly(7), maps: [{ name: 'm', type, keySize, valueSize, maxEntries, flags: 0 }],
    }));
    try {
      answers = [
        ...unprivilegedLoad(corpus.filter((c) => c.program.progType === SOCKET_FILTER).map((c) => c.program), SOCKET_FILTER),
        ...unprivilegedLoad(corpus.filter((c) => c.program.progType === CGROUP_SKB).map((c) => c.program), CGROUP_SKB),
      ];
      helperAnswers = [
        ...unprivilegedLoad(helpers.map((id) => callOnly(id)), SOCKET_FILTER),
        ...unprivilegedLoad(helpers.map((id) => callOnly(id, CGROUP_SKB)), CGROUP_SKB),
      ];
      mapAnswers = unprivilegedLoad(mapProgs, SOCKET_FILTER);
      // Logs of the hand-written corpus at levels 1 and 2 (map addresses print as 0x0 for nobody).
      for (const level of [1, 2] as const) {
        const logs = childLoad(hand.map((c) => ({ ...c.program, progType: SOCKET_FILTER })), SOCKET_FILTER, { logLevel: level });
        logRows.push(...hand.map((c, i) => {
          const kernel = (logs[i]!.log ?? '').split('\n');
          const mine = verify(c.program, { progType: SOCKET_FILTER, privileged: false, logLevel: level }).log.split('\n');
          const k = kernel.findIndex((line, j) => line !== mine[j]);
          const diff = k < 0 && kernel.length === mine.length ? '' : `line ${k + 1}: kernel \`${kernel[k] ?? ''}\`, ours \`${mine[k] ?? ''}\``;
          return { name: c.name, level, same: diff === '', firstDiff: diff };
        }));
      }
      const ret0 = programOf(decode(new Uint8Array([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0])));
      [tracepoint] = unprivilegedLoad([ret0], 5);
      // `r0 = 0; exit` as every program type our model knows (BPF_PROG_TYPE_* 1..32).
      typeRows = Array.from({ length: 32 }, (_, i) => i + 1).map((type) => {
        const [a] = unprivilegedLoad([ret0], type);
        const r = verify({ ...ret0, progType: type }, { progType: type, privileged: false });
        return { type, kernelEperm: a!.kind === 'load' && a!.golden.errno === 1 && a!.golden.errorLines.length === 0, oursRefuses: /^EPERM/.test(r.error?.message ?? '') };
      });
    } finally {
      restore();
    }
    const goldens = new Map<string, Golden>();
    corpus.forEach((c, i) => {
      const a = answers[i]!;
      if (a.kind === 'load') goldens.set(c.name, a.golden);
      else throw new Error(`${c.name}: map ${a.mapIndex} could not be created as nobody (errno ${a.errno})`);
    });
    rows = compareCorpus(corpus, goldens, ours);
    const cannot = (log: string): boolean => /cannot use helper/.test(log);
    helperRows = [SOCKET_FILTER, CGROUP_SKB].flatMap((type, t) => helpers.map((id, i) => {
      const a = helperAnswers[t * helpers.length + i]!;
      const r = ours(callOnly(id, type));
      return { id, type, kernel: a.kind === 'load' && !cannot(a.golden.errorLines.join('\n')), ours: !cannot(r.error?.message ?? '') };
    }));
    mapRows = mapSpecs.map(([type], i) => {
      const a = mapAnswers[i]!;
      return { type, kernelEperm: a.kind === 'map' && a.errno === 1, oursRefuses: /needs CAP_BPF/.test(ours(mapProgs[i]!).error?.message ?? '') };
    });
    const f = figuresOf(rows);
    const title = 'unprivileged verifier vs kernel (as nobody)';
    console.log(formatFigures(f, title));
    const helperDiff = helperRows.filter((h) => h.kernel !== h.ours);
    console.log(`  helper availability    ${helperRows.length - helperDiff.length}/${helperRows.length} (helper, type) pairs of our model agree`);
    console.log(`  map types              ${mapRows.filter((m) => m.kernelEperm === m.oursRefuses).length}/${mapRows.length} agree (${mapRows.filter((m) => m.kernelEperm).length} refused with EPERM)`);
    const report = `${disagreementReport(rows, corpus, title, [
      '# Unprivileged verifier disagreements with the Linux kernel', '',
      'Regenerated by `npx vitest run test/verifier/kernel-unpriv.test.ts` (root: it lowers `kernel.unprivileged_bpf_disabled`',
      'to 0 for the loads and restores it). The kernel side is BPF_PROG_LOAD as nobody (uid 65534) through',
      '`kernel/unpriv-child.mjs`; ours is `verify(program, { privileged: false })`. Every program is loaded as a socket',
      'filter and (names prefixed `cgroup_skb:`) as a cgroup_skb program, the two types that load without capabilities:',
      '`unpriv/...` are `test/verifier/unpriv/*.s`, `hand/` and `gen/` the verifier corpus retyped, `random/` the',
      `generator's arbitrary (seed ${seed}, ${runs} programs; explore others with TSBPF_UNPRIV_SEED / TSBPF_UNPRIV_RUNS).`,
      ...(helperDiff.length ? ['', `Helper availability differs for: ${helperDiff.map((h) => `#${h.id} in type ${h.type} (kernel ${h.kernel ? 'allows' : 'refuses'})`).join(', ')}`] : []),
    ])}`;
    const logSame = (level: number): string => `${logRows.filter((l) => l.level === level && l.same).length}/${logRows.filter((l) => l.level === level).length}`;
    console.log(`  logs of unpriv/*.s     identical to the kernel's: level 1 ${logSame(1)}, level 2 ${logSame(2)}`);
    const handRows = rows.filter((r) => r.name.includes('unpriv/'));
    const answer = (g: Golden): string => (g.verdict === 'accepted' ? 'accepted' : `rejected${g.insn !== null ? ` at ${g.insn}` : ''}: ${g.message ?? '(no message)'}`);
    const table = [
      '', `## The hand-written unprivileged corpus: the kernel's answers (${handRows.length})`, '',
      '| program | kernel as nobody | ours agrees |', '|---|---|---|',
      ...handRows.map((r) => `| ${r.name} | ${answer(r.kernel).replace(/\|/g, '\\|')} | ${r.sameVerdict && (r.kernel.verdict === 'accepted' || r.sameMessage) ? 'yes' : 'NO'} |`),
      '',
      `## Logs of the hand-written corpus that differ from the kernel's (level 1 ${logSame(1)}, level 2 ${logSame(2)} identical)`, '',
      '| program | level | first difference |', '|---|---|---|',
      ...logRows.filter((l) => !l.same).map((l) => `| ${l.name} | ${l.level} | ${l.firstDiff.replace(/\|/g, '\\|')} |`),
      '',
    ].join('\n');
    const file = join(REPO_ROOT, 'test', 'verifier', 'unpriv-disagreements.md');
    const text = `${report}${table}`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  }, 600_000);

  it('the child really is unprivileged: a tracepoint program is refused with EPERM', () => {
    expect(tracepoint?.kind === 'load' && tracepoint.golden.errno).toBe(1);
  });

  it(`same verdict on at least ${UNPRIV_RATCHET.sameVerdict * 100}% and no unsafe accepts`, () => {
    const f = figuresOf(rows);
    expect(f.total).toBe(corpus.length);
    expect(f.sameVerdictRate).toBeGreaterThanOrEqual(UNPRIV_RATCHET.sameVerdict);
    expect(f.unsafeAccepts).toEqual([]);
  });

  it(`same first error message on at least ${UNPRIV_RATCHET.sameMessage * 100}% of kernel-rejected programs`, () => {
    expect(figuresOf(rows).sameMessageOfKernelRejected).toBeGreaterThanOrEqual(UNPRIV_RATCHET.sameMessage);
  });

  it('the hand-written unprivileged corpus: every verdict and message as the kernel', () => {
    const hand = rows.filter((r) => r.name.includes('unpriv/'));
    expect(hand.length).toBeGreaterThan(80);
    expect(hand.filter((r) => !r.sameVerdict || (r.kernel.verdict === 'rejected' && !r.sameMessage)).map((r) => r.name)).toEqual([]);
  });

  it(`logs of the hand-written corpus: level 1 identical on at least ${UNPRIV_RATCHET.logs.level1 * 100}%, level 2 on ${UNPRIV_RATCHET.logs.level2 * 100}%`, () => {
    const share = (level: number): number => logRows.filter((l) => l.level === level && l.same).length / logRows.filter((l) => l.level === level).length;
    expect(share(1)).toBeGreaterThanOrEqual(UNPRIV_RATCHET.logs.level1);
    expect(share(2)).toBeGreaterThanOrEqual(UNPRIV_RATCHET.logs.level2);
  });

  it('program types: only those BPF_PROG_LOAD refuses to nobody (EPERM, no log) are refused by us as such', () => {
    expect(typeRows.filter((t) => !t.kernelEperm).map((t) => t.type)).toEqual([SOCKET_FILTER, CGROUP_SKB]);
    expect(typeRows.filter((t) => t.kernelEperm !== t.oursRefuses).map((t) => t.type)).toEqual([]);
  });

  it('map types an unprivileged loader cannot create: refused by us exactly where BPF_MAP_CREATE says EPERM', () => {
    expect(mapRows.filter((m) => m.kernelEperm).length).toBeGreaterThan(5);
    expect(mapRows.filter((m) => m.kernelEperm !== m.oursRefuses).map((m) => m.type)).toEqual([]);
  });

  it('helper availability without CAP_BPF / CAP_PERFMON matches the kernel for every helper we model', () => {
    expect(helperRows.filter((h) => h.kernel !== h.ours).map((h) => `${h.id}/${h.type}`)).toEqual([]);
  });
});
