import * as H from '../../isa/helpers.js';
import type { HelperRegistry } from './registry.js';

const ret = (n: number): bigint => BigInt.asUintN(64, BigInt(n));
const EINVAL = -22;

/** bpf_perf_event_output and the ring buffer helpers (output, reserve, submit, discard, query). */
export function registerOutputHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_perf_event_output, ({ r2, r3, r4, r5 }, env) => {
    const m = env.map(r2);
    if (m.kind !== 'perf_event_array') return ret(EINVAL);
    const data = env.mem.read(r4, Number(BigInt.asUintN(32, r5)));
    const err = m.output(r3, env.cpu, data);
    if (err === 0) env.perfOutput({ map: m.def.name, cpu: env.cpu, data });
    return ret(err);
  });
  reg.register(H.BPF_FUNC_ringbuf_output, ({ r1, r2, r3, r4 }, env) => {
    const m = env.map(r1);
    if (m.kind !== 'ringbuf') return ret(EINVAL);
    const data = env.mem.read(r2, Number(BigInt.asUintN(32, r3)));
    const err = m.output(data, r4);
    if (err === 0) env.ringbufOutput({ map: m.def.name, data });
    return ret(err);
  });
  reg.register(H.BPF_FUNC_ringbuf_reserve, ({ r1, r2, r3 }, env) => {
    const m = env.map(r1);
    if (m.kind !== 'ringbuf') return 0;
    const s = m.reserve(r2, r3);
    return s === undefined ? 0 : env.addReservation(m, s.id, s.data);
  });
  for (const [id, commit] of [[H.BPF_FUNC_ringbuf_submit, true], [H.BPF_FUNC_ringbuf_discard, false]] as const) {
    reg.register(id, ({ r1, r2 }, env) => {
      const r = env.takeReservation(r1);
      if (r === undefined || r.map.kind !== 'ringbuf') {
        throw new Error(`${commit ? 'bpf_ringbuf_submit' : 'bpf_ringbuf_discard'}: 0x${r1.toString(16)} is not a live ring buffer reservation`);
      }
      const data = r.data.slice();
      const err = commit ? r.map.submit(r.id, r2) : r.map.discard(r.id, r2);
      if (commit && err === 0) env.ringbufOutput({ map: r.map.def.name, data });
      return 0;
    });
  }
  reg.register(H.BPF_FUNC_ringbuf_query, ({ r1, r2 }, env) => {
    const m = env.map(r1);
    return m.kind === 'ringbuf' ? m.query(r2) : 0n;
  });
}
