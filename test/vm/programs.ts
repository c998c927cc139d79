/**
 * Programs that both the helper tests (test/vm/helpers.test.ts) and the compiled-tier
 * comparison (test/vm/compiled/programs.test.ts) run: one copy, two oracles.
 */

/** bpf_loop over a callback that sums the indices into a stack slot and stops after index 4; r0 = (5 << 16) + 10 + 77 + r5. */
export const BPF_LOOP_SRC = `r1 = 10
r2 = func[cb] ll
r3 = r10
r3 += -8
*(u64 *)(r10 - 8) = 0
r4 = 0
r6 = 77
call bpf_loop
r0 <<= 16
r1 = *(u64 *)(r10 - 8)
r0 |= r1
r0 += r6
r0 += r5
exit
cb:
r3 = *(u64 *)(r2 + 0)
r3 += r1
*(u64 *)(r2 + 0) = r3
r0 = 0
if r1 != 4 goto +1
r0 = 1
exit`;

/** A bpf-to-bpf call: the callee reads the caller's stack through r1 and gets a fresh stack of its own; r0 = 12. */
export const BPF_TO_BPF_SRC = `*(u64 *)(r10 - 8) = 5
r6 = 6
r1 = r10
r1 += -8
call f
r0 += r6
r1 = *(u64 *)(r10 - 8)
r0 += r1
exit
f:
r6 = 100
r0 = *(u64 *)(r1 + 0)
r2 = *(u64 *)(r10 - 8)
r0 += r2
*(u64 *)(r1 + 0) = 1
exit`;

/** A program that tail-calls slot 0 of `jt` (itself, once set up), counting its runs in map `n`; r0 = 1000. */
export const TAIL_CALL_COUNTER_SRC = `.map jt, prog_array, key=4, value=4, entries=2
.map n, array, key=4, value=8, entries=1
r6 = r1
r1 = map_value[n] ll
r2 = *(u64 *)(r1 + 0)
r2 += 1
*(u64 *)(r1 + 0) = r2
r1 = r6
r2 = map[jt] ll
r3 = 0
call bpf_tail_call
r0 = 1000
exit`;
