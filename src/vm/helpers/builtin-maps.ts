import * as H from '../../isa/helpers.js';
import type { HelperRegistry } from './registry.js';
import type { HelperEnv } from './types.js';

const ret = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

/** bpf_map_lookup_elem, _update_elem, _delete_elem, _push/_pop/_peek_elem, map_lookup_percpu_elem, for_each_map_elem. */
export function registerMapHelpers(reg: HelperRegistry): void {
  reg.register(H.BPF_FUNC_map_lookup_elem, ({ r1, r2 }, env) => lookup(env, r1, r2, env.cpu));
  reg.register(H.BPF_FUNC_map_lookup_percpu_elem, ({ r1, r2, r3 }, env) => {
    const m = env.map(r1);
    const cpu = Number(BigInt.asUintN(32, r3));
    return cpu >= m.nCpus ? 0n : lookup(env, r1, r2, cpu);
  });
  reg.register(H.BPF_FUNC_map_update_elem, ({ r1, r2, r3, r4 }, env) => {
    const m = env.map(r1);
    const key = env.mem.read(r2, m.def.keySize);
    const value = env.mem.read(r3, m.def.valueSize);
    return ret(m.update(key, value, r4, env.cpu));
  });
  reg.register(H.BPF_FUNC_map_delete_elem, ({ r1, r2 }, env) => {
    const m = env.map(r1);
    return ret(m.delete(env.mem.read(r2, m.def.keySize)));
  });
  reg.register(H.BPF_FUNC_map_push_elem, ({ r1, r2, r3 }, env) => {
    const m = env.map(r1);
    return ret(m.push(env.mem.read(r2, m.def.valueSize), r3));
  });
  reg.register(H.BPF_FUNC_for_each_map_elem, ({ r1, r2, r3, r4 }, env) => forEachMapElem(r1, r2, r3, r4, env));
  for (const [id, take] of [[H.BPF_FUNC_map_pop_elem, true], [H.BPF_FUNC_map_peek_elem, false]] as const) {
    reg.register(id, ({ r1, r2 }, env) => {
      const m = env.map(r1);
      const dst = env.mem.view(r2, m.def.valueSize, true);
      const r = take ? m.pop() : m.peek();
      if (r.value !== undefined) dst.set(r.value);
      return ret(r.err);
    });
  }
}

/** bpf_for_each_map_elem(map, callback, ctx, flags): callback(map, &key, &value, ctx) per element; 1 stops. */
function forEachMapElem(r1: bigint, r2: bigint, r3: bigint, r4: bigint, env: HelperEnv): bigint {
  if (r4 !== 0n) return ret(-22);
  const m = env.map(r1);
  let n = 0n;
  for (const [key, value] of m.entries(env.cpu)) {
    n++;
    const k = env.pointerTo(key, 'rodata', `key(${m.def.name})`, false);
    const v = env.pointerTo(value, 'map_value', `map_value(${m.def.name})`, true);
    if (env.callFunction(r2, [r1, k, v, r3]) !== 0n) break;
  }
  return n;
}

function lookup(env: HelperEnv, mapAddr: bigint, keyAddr: bigint, cpu: number): bigint {
  const m = env.map(mapAddr);
  const key = env.mem.read(keyAddr, m.def.keySize);
  const v = m.lookup(key, cpu);
  return v === undefined ? 0n : env.pointerTo(v, 'map_value', `map_value(${m.def.name})`, true);
}
