/** Map types (enum bpf_map_type of include/uapi/linux/bpf.h, Linux 6.x). */

export const BPF_MAP_TYPE_UNSPEC = 0;
export const BPF_MAP_TYPE_HASH = 1;
export const BPF_MAP_TYPE_ARRAY = 2;
export const BPF_MAP_TYPE_PROG_ARRAY = 3;
export const BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4;
export const BPF_MAP_TYPE_PERCPU_HASH = 5;
export const BPF_MAP_TYPE_PERCPU_ARRAY = 6;
export const BPF_MAP_TYPE_STACK_TRACE = 7;
export const BPF_MAP_TYPE_CGROUP_ARRAY = 8;
export const BPF_MAP_TYPE_LRU_HASH = 9;
export const BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;
export const BPF_MAP_TYPE_LPM_TRIE = 11;
export const BPF_MAP_TYPE_ARRAY_OF_MAPS = 12;
export const BPF_MAP_TYPE_HASH_OF_MAPS = 13;
export const BPF_MAP_TYPE_DEVMAP = 14;
export const BPF_MAP_TYPE_SOCKMAP = 15;
export const BPF_MAP_TYPE_CPUMAP = 16;
export const BPF_MAP_TYPE_XSKMAP = 17;
export const BPF_MAP_TYPE_SOCKHASH = 18;
export const BPF_MAP_TYPE_CGROUP_STORAGE = 19;
export const BPF_MAP_TYPE_REUSEPORT_SOCKARRAY = 20;
export const BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21;
export const BPF_MAP_TYPE_QUEUE = 22;
export const BPF_MAP_TYPE_STACK = 23;
export const BPF_MAP_TYPE_SK_STORAGE = 24;
export const BPF_MAP_TYPE_DEVMAP_HASH = 25;
export const BPF_MAP_TYPE_STRUCT_OPS = 26;
export const BPF_MAP_TYPE_RINGBUF = 27;
export const BPF_MAP_TYPE_INODE_STORAGE = 28;
export const BPF_MAP_TYPE_TASK_STORAGE = 29;
export const BPF_MAP_TYPE_BLOOM_FILTER = 30;
export const BPF_MAP_TYPE_USER_RINGBUF = 31;
export const BPF_MAP_TYPE_CGRP_STORAGE = 32;
export const BPF_MAP_TYPE_ARENA = 33;

/** Kernel names without the `BPF_MAP_TYPE_` prefix, lower case, by value: `mapTypeNames[6]`. */
export const mapTypeNames: readonly string[] = [
  'unspec',
  'hash',
  'array',
  'prog_array',
  'perf_event_array',
  'percpu_hash',
  'percpu_array',
  'stack_trace',
  'cgroup_array',
  'lru_hash',
  'lru_percpu_hash',
  'lpm_trie',
  'array_of_maps',
  'hash_of_maps',
  'devmap',
  'sockmap',
  'cpumap',
  'xskmap',
  'sockhash',
  'cgroup_storage',
  'reuseport_sockarray',
  'percpu_cgroup_storage',
  'queue',
  'stack',
  'sk_storage',
  'devmap_hash',
  'struct_ops',
  'ringbuf',
  'inode_storage',
  'task_storage',
  'bloom_filter',
  'user_ringbuf',
  'cgrp_storage',
  'arena',
];

/**
 * Look up a map type by name, with or without the prefix, any case.
 * @example parseMapType('array') // BPF_MAP_TYPE_ARRAY
 */
export function parseMapType(name: string): number | undefined {
  const n = name.toLowerCase().replace(/^bpf_map_type_/, '');
  const i = mapTypeNames.indexOf(n);
  return i > 0 ? i : undefined;
}

/** The kernel's name of a value, lower case without prefix, or `#N` if unknown. */
export function mapTypeName(value: number): string {
  return mapTypeNames[value] ?? `#${value}`;
}
