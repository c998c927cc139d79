/**
 * Acceptance thresholds of the kernel comparison (issue 4) and the ratchet the suite asserts
 * while the engine is still below them.
 */

/** The targets: same verdict, same error message (on kernel-rejected programs), unsafe accepts. */
export const VERIFIER_TARGETS = { sameVerdict: 0.98, sameMessage: 0.9, maxUnsafeAccepts: 0 } as const;

/**
 * What the suite asserts: while the engine was below the targets, the figures it had reached
 * (rounded down), raised as it improved and never lowered (first commit: 0.95 / 0.88 / 13).
 * Since engine commit cce0437 (752/752 verdicts, 376/376 messages) it equals the targets.
 */
export const VERIFIER_RATCHET = { sameVerdict: 0.98, sameMessage: 0.9, maxUnsafeAccepts: 0 } as const;

/**
 * Not in the acceptance list but in its Output: the failing instruction index agrees
 * with the kernel's wherever the kernel's log names it (first measured 471/471).
 */
export const SAME_INSN_RATCHET = 0.98;

/**
 * The live differential (kernel-differential.test.ts): a fixed seed and run count, so its
 * figures are reproducible and can be ratcheted like the goldens' (target: no unsafe accept).
 * Explore other programs with TSBPF_DIFF_SEED=<n> (and TSBPF_DIFF_RUNS=<n>) in the environment.
 */
export const DIFFERENTIAL_RATCHET = { seed: 20261122, runs: 1000, sameVerdict: 0.99, maxUnsafeAccepts: 0 } as const;

/**
 * Time budget of the golden comparison per program: programs whose projected verification
 * time (the kernel's processed count times our measured time per processed instruction)
 * exceeds it are not run and count as disagreements. Keeps the suite within minutes while
 * the engine is slower than the kernel; the target (3x the kernel) fits well inside.
 */
export const PROGRAM_BUDGET_MS = 15_000;

/**
 * Kernel-format logs (kernel-logs.test.ts): share of hand-written programs whose level-1 /
 * level-2 log is identical to the kernel's, and mean share of lines in common. A ratchet:
 * the figures reached when last raised, never lowered.
 */
export const LOG_RATCHET = {
  // First measured (engine at cce0437 + work in progress): level 1 35/40 identical, 95.2% lines;
  // level 2 16/40 identical, 86.8% lines. Asserted with a small margin for the engine's churn.
  // Re-based when the hand corpus grew to 64 programs (15 of them found by the differential
  // because we disagreed): level 1 51/64 identical, 91.5% lines; level 2 30/64, 91.9%.
  // Raised after engine af7b3a7: level 1 56/64 identical, 96.4% lines; level 2 35/64, 94.2%.
  // Re-based for 2 more found programs (66): level 1 56/66 identical, 95.9% lines.
  // Raised when map names (`map_ptr(map=m,ks=4,vs=16)`) and var-offset stack read slots joined
  // the log: level 1 66/66 identical, 100% lines; level 2 49/66, 97.3% (the rest: 6.18's stack
  // liveness and SCC lines).
  level1: { identical: 0.98, lines: 0.99 },
  level2: { identical: 0.7, lines: 0.95 },
} as const;

/**
 * Corpus programs our verifier accepts on which the VM faults, with why; the soundness test
 * skips them (and says when one no longer faults). Each is a bug to fix in the verifier or
 * the VM, not a licence: keep the list short and the reasons precise.
 */
export const KNOWN_VM_FAULTS: Readonly<Record<string, string>> = {
  // Empty. Was: gen/ctx/tp-read-off-8-size8 (a tracepoint context read at off -8), fixed in the
  // VM: the 8 bytes before the record read as zeros.
};

/**
 * Programs the kernel rejects for memory safety that our verifier accepts, known and reported
 * (disagreements.md). The target is none; the goldens suite fails on any other.
 */
export const KNOWN_UNSAFE_ACCEPTS: Readonly<Record<string, string>> = {
  // Empty. Was: hand/pseudo-c/xdp-adjust-head-stale-pointer.s (packet pointers kept after
  // bpf_xdp_adjust_head), fixed by engine commit af7b3a7.
};

/**
 * The unprivileged comparison (kernel-unpriv.test.ts, live as nobody): the random programs'
 * seed and count, and the figures asserted (a ratchet, first measured on Linux 6.18 at
 * 100% verdicts and 99.9% messages on 1,485 programs; 2,970 once cgroup_skb joined).
 */
export const UNPRIV_RATCHET = {
  seed: 20261123, randomRuns: 500, sameVerdict: 0.99, sameMessage: 0.95,
  // Logs of unpriv/*.s identical to the kernel's, first measured 57/57 (level 1) and 50/57 (level 2:
  // the rest are 6.18's stack liveness lines).
  logs: { level1: 0.98, level2: 0.85 },
} as const;
