/**
 * Program type (and expected attach type) from an ELF section name, the way libbpf's
 * `SEC("...")` table reads them: `xdp`, `socket`, `tracepoint/syscalls/sys_enter_execve`,
 * `kprobe/do_unlinkat`, `cgroup_skb/ingress`, `tc`, ...
 */
import * as A from './attach-types.js';
import * as P from './prog-types.js';

/** What a section name says about the program in it. */
export interface SectionProgType {
  readonly progType: number;
  /** Set where the kernel needs (or libbpf passes) an `expected_attach_type`. */
  readonly expectedAttachType?: number;
}

// [name, prog type, attach type]. A name matches the section exactly or as `name/...`.
type Def = readonly [string, number, number?];
const DEFS: readonly Def[] = [
  ['socket', P.BPF_PROG_TYPE_SOCKET_FILTER],
  ['sk_reuseport/migrate', P.BPF_PROG_TYPE_SK_REUSEPORT, A.BPF_SK_REUSEPORT_SELECT_OR_MIGRATE],
  ['sk_reuseport', P.BPF_PROG_TYPE_SK_REUSEPORT, A.BPF_SK_REUSEPORT_SELECT],
  ['kprobe', P.BPF_PROG_TYPE_KPROBE], ['kretprobe', P.BPF_PROG_TYPE_KPROBE],
  ['uprobe', P.BPF_PROG_TYPE_KPROBE], ['uretprobe', P.BPF_PROG_TYPE_KPROBE],
  ['uprobe.s', P.BPF_PROG_TYPE_KPROBE], ['uretprobe.s', P.BPF_PROG_TYPE_KPROBE],
  ['ksyscall', P.BPF_PROG_TYPE_KPROBE], ['kretsyscall', P.BPF_PROG_TYPE_KPROBE],
  ['usdt', P.BPF_PROG_TYPE_KPROBE], ['usdt.s', P.BPF_PROG_TYPE_KPROBE],
  ['kprobe.multi', P.BPF_PROG_TYPE_KPROBE, A.BPF_TRACE_KPROBE_MULTI],
  ['kretprobe.multi', P.BPF_PROG_TYPE_KPROBE, A.BPF_TRACE_KPROBE_MULTI],
  ['uprobe.multi', P.BPF_PROG_TYPE_KPROBE, A.BPF_TRACE_UPROBE_MULTI],
  ['uretprobe.multi', P.BPF_PROG_TYPE_KPROBE, A.BPF_TRACE_UPROBE_MULTI],
  ['kprobe.session', P.BPF_PROG_TYPE_KPROBE, A.BPF_TRACE_KPROBE_SESSION],
  ['tc/ingress', P.BPF_PROG_TYPE_SCHED_CLS, A.BPF_TCX_INGRESS], ['tc/egress', P.BPF_PROG_TYPE_SCHED_CLS, A.BPF_TCX_EGRESS],
  ['tcx/ingress', P.BPF_PROG_TYPE_SCHED_CLS, A.BPF_TCX_INGRESS], ['tcx/egress', P.BPF_PROG_TYPE_SCHED_CLS, A.BPF_TCX_EGRESS],
  ['netkit/primary', P.BPF_PROG_TYPE_SCHED_CLS, A.BPF_NETKIT_PRIMARY], ['netkit/peer', P.BPF_PROG_TYPE_SCHED_CLS, A.BPF_NETKIT_PEER],
  ['tc', P.BPF_PROG_TYPE_SCHED_CLS], ['classifier', P.BPF_PROG_TYPE_SCHED_CLS], ['action', P.BPF_PROG_TYPE_SCHED_ACT],
  ['tracepoint', P.BPF_PROG_TYPE_TRACEPOINT], ['tp', P.BPF_PROG_TYPE_TRACEPOINT],
  ['raw_tracepoint', P.BPF_PROG_TYPE_RAW_TRACEPOINT], ['raw_tp', P.BPF_PROG_TYPE_RAW_TRACEPOINT],
  ['raw_tracepoint.w', P.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE], ['raw_tp.w', P.BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE],
  ['tp_btf', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_RAW_TP],
  ['fentry', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_FENTRY], ['fentry.s', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_FENTRY],
  ['fmod_ret', P.BPF_PROG_TYPE_TRACING, A.BPF_MODIFY_RETURN], ['fmod_ret.s', P.BPF_PROG_TYPE_TRACING, A.BPF_MODIFY_RETURN],
  ['fexit', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_FEXIT], ['fexit.s', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_FEXIT],
  ['iter', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_ITER], ['iter.s', P.BPF_PROG_TYPE_TRACING, A.BPF_TRACE_ITER],
  ['freplace', P.BPF_PROG_TYPE_EXT],
  ['lsm', P.BPF_PROG_TYPE_LSM, A.BPF_LSM_MAC], ['lsm.s', P.BPF_PROG_TYPE_LSM, A.BPF_LSM_MAC],
  ['lsm_cgroup', P.BPF_PROG_TYPE_LSM, A.BPF_LSM_CGROUP],
  ['syscall', P.BPF_PROG_TYPE_SYSCALL],
  ['xdp.frags/devmap', P.BPF_PROG_TYPE_XDP, A.BPF_XDP_DEVMAP], ['xdp/devmap', P.BPF_PROG_TYPE_XDP, A.BPF_XDP_DEVMAP],
  ['xdp.frags/cpumap', P.BPF_PROG_TYPE_XDP, A.BPF_XDP_CPUMAP], ['xdp/cpumap', P.BPF_PROG_TYPE_XDP, A.BPF_XDP_CPUMAP],
  ['xdp.frags', P.BPF_PROG_TYPE_XDP, A.BPF_XDP], ['xdp', P.BPF_PROG_TYPE_XDP, A.BPF_XDP],
  ['perf_event', P.BPF_PROG_TYPE_PERF_EVENT],
  ['lwt_in', P.BPF_PROG_TYPE_LWT_IN], ['lwt_out', P.BPF_PROG_TYPE_LWT_OUT],
  ['lwt_xmit', P.BPF_PROG_TYPE_LWT_XMIT], ['lwt_seg6local', P.BPF_PROG_TYPE_LWT_SEG6LOCAL],
  ['sockops', P.BPF_PROG_TYPE_SOCK_OPS, A.BPF_CGROUP_SOCK_OPS],
  ['sk_skb/stream_parser', P.BPF_PROG_TYPE_SK_SKB, A.BPF_SK_SKB_STREAM_PARSER],
  ['sk_skb/stream_verdict', P.BPF_PROG_TYPE_SK_SKB, A.BPF_SK_SKB_STREAM_VERDICT],
  ['sk_skb/verdict', P.BPF_PROG_TYPE_SK_SKB, A.BPF_SK_SKB_VERDICT],
  ['sk_skb', P.BPF_PROG_TYPE_SK_SKB],
  ['sk_msg', P.BPF_PROG_TYPE_SK_MSG, A.BPF_SK_MSG_VERDICT],
  ['lirc_mode2', P.BPF_PROG_TYPE_LIRC_MODE2, A.BPF_LIRC_MODE2],
  ['flow_dissector', P.BPF_PROG_TYPE_FLOW_DISSECTOR, A.BPF_FLOW_DISSECTOR],
  ['cgroup_skb/ingress', P.BPF_PROG_TYPE_CGROUP_SKB, A.BPF_CGROUP_INET_INGRESS],
  ['cgroup_skb/egress', P.BPF_PROG_TYPE_CGROUP_SKB, A.BPF_CGROUP_INET_EGRESS],
  ['cgroup/skb', P.BPF_PROG_TYPE_CGROUP_SKB],
  ['cgroup/sock_create', P.BPF_PROG_TYPE_CGROUP_SOCK, A.BPF_CGROUP_INET_SOCK_CREATE],
  ['cgroup/sock_release', P.BPF_PROG_TYPE_CGROUP_SOCK, A.BPF_CGROUP_INET_SOCK_RELEASE],
  ['cgroup/sock', P.BPF_PROG_TYPE_CGROUP_SOCK, A.BPF_CGROUP_INET_SOCK_CREATE],
  ['cgroup/post_bind4', P.BPF_PROG_TYPE_CGROUP_SOCK, A.BPF_CGROUP_INET4_POST_BIND],
  ['cgroup/post_bind6', P.BPF_PROG_TYPE_CGROUP_SOCK, A.BPF_CGROUP_INET6_POST_BIND],
  ['cgroup/bind4', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET4_BIND],
  ['cgroup/bind6', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET6_BIND],
  ['cgroup/connect4', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET4_CONNECT],
  ['cgroup/connect6', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET6_CONNECT],
  ['cgroup/connect_unix', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UNIX_CONNECT],
  ['cgroup/sendmsg4', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UDP4_SENDMSG],
  ['cgroup/sendmsg6', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UDP6_SENDMSG],
  ['cgroup/sendmsg_unix', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UNIX_SENDMSG],
  ['cgroup/recvmsg4', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UDP4_RECVMSG],
  ['cgroup/recvmsg6', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UDP6_RECVMSG],
  ['cgroup/recvmsg_unix', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UNIX_RECVMSG],
  ['cgroup/getpeername4', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET4_GETPEERNAME],
  ['cgroup/getpeername6', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET6_GETPEERNAME],
  ['cgroup/getpeername_unix', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UNIX_GETPEERNAME],
  ['cgroup/getsockname4', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET4_GETSOCKNAME],
  ['cgroup/getsockname6', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_INET6_GETSOCKNAME],
  ['cgroup/getsockname_unix', P.BPF_PROG_TYPE_CGROUP_SOCK_ADDR, A.BPF_CGROUP_UNIX_GETSOCKNAME],
  ['cgroup/sysctl', P.BPF_PROG_TYPE_CGROUP_SYSCTL, A.BPF_CGROUP_SYSCTL],
  ['cgroup/getsockopt', P.BPF_PROG_TYPE_CGROUP_SOCKOPT, A.BPF_CGROUP_GETSOCKOPT],
  ['cgroup/setsockopt', P.BPF_PROG_TYPE_CGROUP_SOCKOPT, A.BPF_CGROUP_SETSOCKOPT],
  ['cgroup/dev', P.BPF_PROG_TYPE_CGROUP_DEVICE, A.BPF_CGROUP_DEVICE],
  ['struct_ops', P.BPF_PROG_TYPE_STRUCT_OPS], ['struct_ops.s', P.BPF_PROG_TYPE_STRUCT_OPS],
  ['sk_lookup', P.BPF_PROG_TYPE_SK_LOOKUP, A.BPF_SK_LOOKUP],
  ['netfilter', P.BPF_PROG_TYPE_NETFILTER, A.BPF_NETFILTER],
];

const result = (d: Def): SectionProgType => (d[2] === undefined ? { progType: d[1] } : { progType: d[1], expectedAttachType: d[2] });

/**
 * The program type a section name implies, as libbpf reads `SEC()` names: an exact
 * name or `name/...` first, then (old libbpf's habit) the longest name the section
 * starts with (`xdp_prog` is XDP). Undefined for `.text` and unknown names.
 * @example progTypeFromSection('tracepoint/syscalls/sys_enter_execve') // { progType: BPF_PROG_TYPE_TRACEPOINT }
 */
export function progTypeFromSection(section: string): SectionProgType | undefined {
  let best: Def | undefined;
  for (const d of DEFS) {
    if (section === d[0] || section.startsWith(`${d[0]}/`)) {
      if (best === undefined || d[0].length > best[0].length) best = d;
    }
  }
  if (best !== undefined) return result(best);
  for (const d of DEFS) {
    if (section.startsWith(d[0]) && (best === undefined || d[0].length > best[0].length)) best = d;
  }
  return best === undefined ? undefined : result(best);
}
