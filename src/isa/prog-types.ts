/** Program types (enum bpf_prog_type of include/uapi/linux/bpf.h, Linux 6.x). */

export const BPF_PROG_TYPE_UNSPEC = 0;
export const BPF_PROG_TYPE_SOCKET_FILTER = 1;
export const BPF_PROG_TYPE_KPROBE = 2;
export const BPF_PROG_TYPE_SCHED_CLS = 3;
export const BPF_PROG_TYPE_SCHED_ACT = 4;
export const BPF_PROG_TYPE_TRACEPOINT = 5;
export const BPF_PROG_TYPE_XDP = 6;
export const BPF_PROG_TYPE_PERF_EVENT = 7;
export const BPF_PROG_TYPE_CGROUP_SKB = 8;
export const BPF_PROG_TYPE_CGROUP_SOCK = 9;
export const BPF_PROG_TYPE_LWT_IN = 10;
export const BPF_PROG_TYPE_LWT_OUT = 11;
export const BPF_PROG_TYPE_LWT_XMIT = 12;
export const BPF_PROG_TYPE_SOCK_OPS = 13;
export const BPF_PROG_TYPE_SK_SKB = 14;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_PROG_TYPE_SK_MSG = 16;
export const BPF_PROG_TYPE_RAW_TRACEPOINT = 17;
export const BPF_PROG_TYPE_CGROUP_SOCK_ADDR = 18;
export const BPF_PROG_TYPE_LWT_SEG6LOCAL = 19;
export const BPF_PROG_TYPE_LIRC_MODE2 = 20;
export const BPF_PROG_TYPE_SK_REUSEPORT = 21;
export const BPF_PROG_TYPE_FLOW_DISSECTOR = 22;
export const BPF_PROG_TYPE_CGROUP_SYSCTL = 23;
export const BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE = 24;
export const BPF_PROG_TYPE_CGROUP_SOCKOPT = 25;
export const BPF_PROG_TYPE_TRACING = 26;
export const BPF_PROG_TYPE_STRUCT_OPS = 27;
export const BPF_PROG_TYPE_EXT = 28;
export const BPF_PROG_TYPE_LSM = 29;
export const BPF_PROG_TYPE_SK_LOOKUP = 30;
export const BPF_PROG_TYPE_SYSCALL = 31;
export const BPF_PROG_TYPE_NETFILTER = 32;

/** Kernel names without the `BPF_PROG_TYPE_` prefix, lower case, by value: `progTypeNames[6]`. */
export const progTypeNames: readonly string[] = [
  'unspec',
  'socket_filter',
  'kprobe',
  'sched_cls',
  'sched_act',
  'tracepoint',
  'xdp',
  'perf_event',
  'cgroup_skb',
  'cgroup_sock',
  'lwt_in',
  'lwt_out',
  'lwt_xmit',
  'sock_ops',
  'sk_skb',
  'cgroup_device',
  'sk_msg',
  'raw_tracepoint',
  'cgroup_sock_addr',
  'lwt_seg6local',
  'lirc_mode2',
  'sk_reuseport',
  'flow_dissector',
  'cgroup_sysctl',
  'raw_tracepoint_writable',
  'cgroup_sockopt',
  'tracing',
  'struct_ops',
  'ext',
  'lsm',
  'sk_lookup',
  'syscall',
  'netfilter',
];

/**
 * Look up a program type by name, with or without the prefix, any case.
 * @example parseProgType('xdp') // BPF_PROG_TYPE_XDP
 */
export function parseProgType(name: string): number | undefined {
  const n = name.toLowerCase().replace(/^bpf_prog_type_/, '');
  const i = progTypeNames.indexOf(n);
  return i > 0 ? i : undefined;
}

/** The kernel's name of a value, lower case without prefix, or `#N` if unknown. */
export function progTypeName(value: number): string {
  return progTypeNames[value] ?? `#${value}`;
}
