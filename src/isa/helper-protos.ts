/**
 * Helper prototypes as the kernel's verifier sees them (struct bpf_func_proto): the kind
 * of each argument r1..r5, the kind of the return value, whether the helper is GPL-only,
 * and which program types may call it. Shared by the verifier (argument checks) and
 * anyone who wants to describe a helper.
 */
import * as H from './helpers.js';
import {
  BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_RAW_TRACEPOINT,
  BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_XDP,
} from './prog-types.js';

/** Argument kinds (enum bpf_arg_type, flags folded into the name). */
export type HelperArg =
  | 'ARG_ANYTHING'
  | 'ARG_CONST_MAP_PTR'
  | 'ARG_PTR_TO_MAP_KEY'
  | 'ARG_PTR_TO_MAP_VALUE'
  /** Map value buffer the helper writes (pop/peek): MEM_UNINIT | MEM_WRITE. */
  | 'ARG_PTR_TO_MAP_VALUE_UNINIT'
  /** Readable memory of the size in the next argument: ARG_PTR_TO_MEM | MEM_RDONLY. */
  | 'ARG_PTR_TO_MEM_RDONLY'
  /** The same, or NULL. */
  | 'ARG_PTR_TO_MEM_RDONLY_OR_NULL'
  /** Memory the helper fills (may be uninitialised): ARG_PTR_TO_MEM | MEM_UNINIT | MEM_WRITE. */
  | 'ARG_PTR_TO_UNINIT_MEM'
  /** Writable memory or NULL: ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_WRITE. */
  | 'ARG_PTR_TO_MEM_OR_NULL'
  | 'ARG_CONST_SIZE'
  | 'ARG_CONST_SIZE_OR_ZERO'
  | 'ARG_CONST_ALLOC_SIZE_OR_ZERO'
  | 'ARG_PTR_TO_CTX'
  /** 8 bytes the helper fills, 8-aligned: ARG_PTR_TO_FIXED_SIZE_MEM | MEM_UNINIT | MEM_WRITE | MEM_ALIGNED (strtol's result). */
  | 'ARG_PTR_TO_LONG'
  /** The context or NULL (bpf_get_netns_cookie). */
  | 'ARG_PTR_TO_CTX_OR_NULL'
  | 'ARG_PTR_TO_STACK_OR_NULL'
  | 'ARG_PTR_TO_FUNC'
  | 'ARG_PTR_TO_CONST_STR'
  /** A ringbuf record from bpf_ringbuf_reserve, released by the call (OBJ_RELEASE). */
  | 'ARG_PTR_TO_RINGBUF_MEM_RELEASE';

/** Return kinds (enum bpf_return_type). */
export type HelperRet =
  | 'RET_INTEGER'
  | 'RET_VOID'
  | 'RET_PTR_TO_MAP_VALUE_OR_NULL'
  /** bpf_ringbuf_reserve: PTR_TO_MEM | MEM_RINGBUF | PTR_MAYBE_NULL, sized by the constant r2. */
  | 'RET_PTR_TO_RINGBUF_MEM_OR_NULL';

/** One helper's prototype. */
export interface HelperProto {
  readonly id: number;
  readonly ret: HelperRet;
  readonly args: readonly HelperArg[];
  readonly gplOnly: boolean;
  /** The map type the helper requires for its map argument, when it is fixed. */
  readonly mapTypes?: readonly number[];
  /** Program types that may call it; undefined = every type. */
  readonly progTypes?: readonly number[];
  /** Only for loaders with CAP_PERFMON (bpf_base_func_proto's perfmon section). */
  readonly perfmon?: boolean;
  /** Program types whose func_proto gives the helper other arguments than `args`. */
  readonly argsByType?: Readonly<Record<number, readonly HelperArg[]>>;
}

const SKB = [BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_CGROUP_SKB];
const TC = [BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SCHED_ACT];
const TC_XDP = [BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_XDP];
const XDP = [BPF_PROG_TYPE_XDP];
const TRACING = [BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_RAW_TRACEPOINT];
/** Program types whose func_proto falls back to bpf_base_func_proto (not the tracing ones). */
const NOT_TRACING = [BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SCHED_ACT, BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_CGROUP_SKB];
/** A tc_cls_act_func_proto helper taking the skb (ARG_PTR_TO_CTX) then `more` ARG_ANYTHING arguments. */
const tcCtx = (id: number, more: number): HelperProto => ({
  id, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', ...Array<HelperArg>(more).fill('ARG_ANYTHING')], gplOnly: false, progTypes: TC,
});
const probeRead = (id: number): HelperProto => ({ id, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], gplOnly: true, perfmon: true });
const noArgs = (id: number, gplOnly = false): HelperProto => ({ id, ret: 'RET_INTEGER', args: [], gplOnly });

const PROTOS: readonly HelperProto[] = [
  { id: H.BPF_FUNC_map_lookup_elem, ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], gplOnly: false },
  { id: H.BPF_FUNC_map_update_elem, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_map_delete_elem, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], gplOnly: false },
  { id: H.BPF_FUNC_map_push_elem, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_map_pop_elem, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_VALUE_UNINIT'], gplOnly: false },
  { id: H.BPF_FUNC_map_peek_elem, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_VALUE_UNINIT'], gplOnly: false },
  { ...probeRead(H.BPF_FUNC_probe_read), progTypes: TRACING },
  { ...probeRead(H.BPF_FUNC_probe_read_str), progTypes: TRACING },
  probeRead(H.BPF_FUNC_probe_read_kernel),
  probeRead(H.BPF_FUNC_probe_read_kernel_str),
  probeRead(H.BPF_FUNC_probe_read_user),
  probeRead(H.BPF_FUNC_probe_read_user_str),
  noArgs(H.BPF_FUNC_ktime_get_ns),
  noArgs(H.BPF_FUNC_ktime_get_boot_ns),
  noArgs(H.BPF_FUNC_get_prandom_u32),
  noArgs(H.BPF_FUNC_get_smp_processor_id),
  noArgs(H.BPF_FUNC_get_current_pid_tgid),
  noArgs(H.BPF_FUNC_get_current_uid_gid),
  { id: H.BPF_FUNC_get_current_comm, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], gplOnly: false },
  { id: H.BPF_FUNC_trace_printk, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE'], gplOnly: true, perfmon: true },
  {
    id: H.BPF_FUNC_snprintf, ret: 'RET_INTEGER', gplOnly: true, perfmon: true,
    args: ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_CONST_STR', 'ARG_PTR_TO_MEM_RDONLY_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO'],
  },
  {
    id: H.BPF_FUNC_trace_vprintk, ret: 'RET_INTEGER', gplOnly: true, perfmon: true,
    args: ['ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE', 'ARG_PTR_TO_MEM_RDONLY_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO'],
  },
  { id: H.BPF_FUNC_tail_call, ret: 'RET_VOID', args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [3] },
  {
    id: H.BPF_FUNC_perf_event_output, ret: 'RET_INTEGER', gplOnly: true, mapTypes: [4],
    args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE_OR_ZERO'],
  },
  { id: H.BPF_FUNC_ringbuf_output, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [27] },
  { id: H.BPF_FUNC_ringbuf_reserve, ret: 'RET_PTR_TO_RINGBUF_MEM_OR_NULL', args: ['ARG_CONST_MAP_PTR', 'ARG_CONST_ALLOC_SIZE_OR_ZERO', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [27] },
  { id: H.BPF_FUNC_ringbuf_submit, ret: 'RET_VOID', args: ['ARG_PTR_TO_RINGBUF_MEM_RELEASE', 'ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_ringbuf_discard, ret: 'RET_VOID', args: ['ARG_PTR_TO_RINGBUF_MEM_RELEASE', 'ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_ringbuf_query, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [27] },
  noArgs(H.BPF_FUNC_jiffies64),
  { ...noArgs(H.BPF_FUNC_ktime_get_coarse_ns), progTypes: NOT_TRACING },
  noArgs(H.BPF_FUNC_ktime_get_tai_ns),
  noArgs(H.BPF_FUNC_get_numa_node_id),
  { ...noArgs(H.BPF_FUNC_get_current_task), perfmon: true },
  { id: H.BPF_FUNC_skb_load_bytes, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], gplOnly: false, progTypes: SKB },
  { id: H.BPF_FUNC_skb_store_bytes, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE', 'ARG_ANYTHING'], gplOnly: false, progTypes: TC },
  { id: H.BPF_FUNC_redirect, ret: 'RET_INTEGER', args: ['ARG_ANYTHING', 'ARG_ANYTHING'], gplOnly: false, progTypes: TC_XDP },
  { id: H.BPF_FUNC_xdp_adjust_head, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], gplOnly: false, progTypes: XDP },
  { id: H.BPF_FUNC_xdp_adjust_tail, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], gplOnly: false, progTypes: XDP },
  { id: H.BPF_FUNC_xdp_adjust_meta, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], gplOnly: false, progTypes: XDP },
  { id: H.BPF_FUNC_get_socket_cookie, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX'], gplOnly: false, progTypes: SKB },
  { id: H.BPF_FUNC_get_socket_uid, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX'], gplOnly: false, progTypes: SKB },
  { id: H.BPF_FUNC_get_hash_recalc, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX'], gplOnly: false, progTypes: TC },
  tcCtx(H.BPF_FUNC_l3_csum_replace, 4),
  tcCtx(H.BPF_FUNC_l4_csum_replace, 4),
  tcCtx(H.BPF_FUNC_clone_redirect, 2),
  tcCtx(H.BPF_FUNC_skb_vlan_push, 2),
  tcCtx(H.BPF_FUNC_skb_vlan_pop, 0),
  tcCtx(H.BPF_FUNC_skb_change_proto, 2),
  tcCtx(H.BPF_FUNC_skb_change_type, 1),
  tcCtx(H.BPF_FUNC_skb_change_tail, 2),
  tcCtx(H.BPF_FUNC_skb_pull_data, 1),
  tcCtx(H.BPF_FUNC_csum_update, 1),
  tcCtx(H.BPF_FUNC_set_hash_invalid, 0),
  tcCtx(H.BPF_FUNC_skb_change_head, 2),
  tcCtx(H.BPF_FUNC_set_hash, 1),
  tcCtx(H.BPF_FUNC_skb_adjust_room, 3),
  tcCtx(H.BPF_FUNC_csum_level, 1),
  tcCtx(H.BPF_FUNC_get_route_realm, 0),
  { ...tcCtx(H.BPF_FUNC_skb_get_tunnel_key, 0), args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE', 'ARG_ANYTHING'] },
  { ...tcCtx(H.BPF_FUNC_skb_set_tunnel_key, 0), args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE', 'ARG_ANYTHING'] },
  { ...tcCtx(H.BPF_FUNC_skb_get_tunnel_opt, 0), args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'] },
  { ...tcCtx(H.BPF_FUNC_skb_set_tunnel_opt, 0), args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE'] },
  { ...tcCtx(H.BPF_FUNC_skb_get_xfrm_state, 0), args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE', 'ARG_ANYTHING'] },
  { ...tcCtx(H.BPF_FUNC_skb_load_bytes_relative, 0), args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE', 'ARG_ANYTHING'], progTypes: SKB },
  { ...tcCtx(H.BPF_FUNC_skb_cgroup_id, 0), progTypes: [...TC, BPF_PROG_TYPE_CGROUP_SKB] },
  { ...tcCtx(H.BPF_FUNC_skb_ancestor_cgroup_id, 1), progTypes: [...TC, BPF_PROG_TYPE_CGROUP_SKB] },
  { ...tcCtx(H.BPF_FUNC_skb_ecn_set_ce, 0), progTypes: [...TC, BPF_PROG_TYPE_CGROUP_SKB] },
  tcCtx(H.BPF_FUNC_skb_cgroup_classid, 0),
  tcCtx(H.BPF_FUNC_skb_set_tstamp, 2),
  { id: H.BPF_FUNC_redirect_neigh, ret: 'RET_INTEGER', args: ['ARG_ANYTHING', 'ARG_PTR_TO_MEM_RDONLY_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], gplOnly: false, progTypes: TC },
  { id: H.BPF_FUNC_redirect_peer, ret: 'RET_INTEGER', args: ['ARG_ANYTHING', 'ARG_ANYTHING'], gplOnly: false, progTypes: TC },
  { id: H.BPF_FUNC_xdp_get_buff_len, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX'], gplOnly: false, progTypes: XDP },
  { id: H.BPF_FUNC_xdp_load_bytes, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], gplOnly: false, progTypes: XDP },
  { id: H.BPF_FUNC_xdp_store_bytes, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE'], gplOnly: false, progTypes: XDP },
  noArgs(H.BPF_FUNC_get_current_cgroup_id),
  { id: H.BPF_FUNC_get_current_ancestor_cgroup_id, ret: 'RET_INTEGER', args: ['ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_send_signal, ret: 'RET_INTEGER', args: ['ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_send_signal_thread, ret: 'RET_INTEGER', args: ['ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_get_ns_current_pid_tgid, ret: 'RET_INTEGER', args: ['ARG_ANYTHING', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], gplOnly: false },
  { id: H.BPF_FUNC_get_branch_snapshot, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], gplOnly: false },
  { id: H.BPF_FUNC_get_attach_cookie, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX'], gplOnly: false, progTypes: [BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_RAW_TRACEPOINT] },
  { id: H.BPF_FUNC_get_func_ip, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX'], gplOnly: false, progTypes: [BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT] },
  { id: H.BPF_FUNC_get_stack, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], gplOnly: true, progTypes: [BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_RAW_TRACEPOINT] },
  { id: H.BPF_FUNC_perf_event_read, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], gplOnly: true, mapTypes: [4] },
  { id: H.BPF_FUNC_perf_event_read_value, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], gplOnly: true, mapTypes: [4] },
  { id: H.BPF_FUNC_current_task_under_cgroup, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [8] },
  { ...tcCtx(H.BPF_FUNC_skb_under_cgroup, 0), args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], mapTypes: [8] },
  { id: H.BPF_FUNC_get_stackid, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], gplOnly: true, mapTypes: [7], progTypes: [BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_PERF_EVENT, BPF_PROG_TYPE_RAW_TRACEPOINT] },
  { id: H.BPF_FUNC_redirect_map, ret: 'RET_INTEGER', args: ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [14, 16, 17, 25], progTypes: XDP },
  { id: H.BPF_FUNC_map_lookup_percpu_elem, ret: 'RET_PTR_TO_MAP_VALUE_OR_NULL', args: ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_ANYTHING'], gplOnly: false, mapTypes: [5, 6, 10] },
  { id: H.BPF_FUNC_strncmp, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE', 'ARG_PTR_TO_CONST_STR'], gplOnly: false },
  { id: H.BPF_FUNC_strtol, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE', 'ARG_ANYTHING', 'ARG_PTR_TO_LONG'], gplOnly: false },
  { id: H.BPF_FUNC_strtoul, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_MEM_RDONLY', 'ARG_CONST_SIZE', 'ARG_ANYTHING', 'ARG_PTR_TO_LONG'], gplOnly: false },
  { id: H.BPF_FUNC_get_netns_cookie, ret: 'RET_INTEGER', args: ['ARG_PTR_TO_CTX_OR_NULL'], gplOnly: false, progTypes: SKB },
  {
    id: H.BPF_FUNC_get_cgroup_classid, ret: 'RET_INTEGER', args: [], gplOnly: false,
    argsByType: { [BPF_PROG_TYPE_SCHED_CLS]: ['ARG_PTR_TO_CTX'], [BPF_PROG_TYPE_SCHED_ACT]: ['ARG_PTR_TO_CTX'] },
  },
  {
    id: H.BPF_FUNC_csum_diff, ret: 'RET_INTEGER', gplOnly: false, progTypes: TC_XDP,
    args: ['ARG_PTR_TO_MEM_RDONLY_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_MEM_RDONLY_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'],
  },
  { id: H.BPF_FUNC_loop, ret: 'RET_INTEGER', args: ['ARG_ANYTHING', 'ARG_PTR_TO_FUNC', 'ARG_PTR_TO_STACK_OR_NULL', 'ARG_ANYTHING'], gplOnly: false },
];

const BY_ID: ReadonlyMap<number, HelperProto> = new Map(PROTOS.map((p) => [p.id, p]));

/**
 * The prototype of a helper, or undefined when this model does not know it.
 * @example helperProto(1)?.ret // 'RET_PTR_TO_MAP_VALUE_OR_NULL'
 */
export function helperProto(id: number): HelperProto | undefined {
  return BY_ID.get(id);
}

/** Every helper with a known prototype. */
export function helperProtos(): readonly HelperProto[] {
  return PROTOS;
}

/**
 * Whether a program type may call the helper (the kernel's get_func_proto returning non-NULL),
 * for a privileged loader.
 */
export function helperAllowed(proto: HelperProto, progType: number, privileged = true): boolean {
  if (proto.perfmon && !privileged) return false;
  return proto.progTypes === undefined || proto.progTypes.includes(progType);
}

/**
 * The helper's arguments as the program type's func_proto declares them.
 * @example helperArgs(helperProto(17)!, BPF_PROG_TYPE_SCHED_CLS) // ['ARG_PTR_TO_CTX']
 */
export function helperArgs(proto: HelperProto, progType: number): readonly HelperArg[] {
  return proto.argsByType?.[progType] ?? proto.args;
}
