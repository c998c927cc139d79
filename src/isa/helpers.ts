/**
 * Helper function ids: `enum bpf_func_id` of include/uapi/linux/bpf.h, Linux 6.x
 * (the `___BPF_FUNC_MAPPER` list, 0 `unspec` through 211 `cgrp_storage_delete`).
 *
 * A `call` instruction with src 0 carries one of these ids in its imm field.
 * The numbering is kernel ABI: never reorder, only append.
 */

export const BPF_FUNC_unspec = 0;
export const BPF_FUNC_map_lookup_elem = 1;
export const BPF_FUNC_map_update_elem = 2;
export const BPF_FUNC_map_delete_elem = 3;
export const BPF_FUNC_probe_read = 4;
export const BPF_FUNC_ktime_get_ns = 5;
export const BPF_FUNC_trace_printk = 6;
export const BPF_FUNC_get_prandom_u32 = 7;
export const BPF_FUNC_get_smp_processor_id = 8;
export const BPF_FUNC_skb_store_bytes = 9;
export const BPF_FUNC_l3_csum_replace = 10;
export const BPF_FUNC_l4_csum_replace = 11;
export const BPF_FUNC_tail_call = 12;
export const BPF_FUNC_clone_redirect = 13;
export const BPF_FUNC_get_current_pid_tgid = 14;
export const BPF_FUNC_get_current_uid_gid = 15;
export const BPF_FUNC_get_current_comm = 16;
export const BPF_FUNC_get_cgroup_classid = 17;
export const BPF_FUNC_skb_vlan_push = 18;
export const BPF_FUNC_skb_vlan_pop = 19;
export const BPF_FUNC_skb_get_tunnel_key = 20;
export const BPF_FUNC_skb_set_tunnel_key = 21;
export const BPF_FUNC_perf_event_read = 22;
export const BPF_FUNC_redirect = 23;
export const BPF_FUNC_get_route_realm = 24;
export const BPF_FUNC_perf_event_output = 25;
export const BPF_FUNC_skb_load_bytes = 26;
export const BPF_FUNC_get_stackid = 27;
export const BPF_FUNC_csum_diff = 28;
export const BPF_FUNC_skb_get_tunnel_opt = 29;
export const BPF_FUNC_skb_set_tunnel_opt = 30;
export const BPF_FUNC_skb_change_proto = 31;
export const BPF_FUNC_skb_change_type = 32;
export const BPF_FUNC_skb_under_cgroup = 33;
export const BPF_FUNC_get_hash_recalc = 34;
export const BPF_FUNC_get_current_task = 35;
export const BPF_FUNC_probe_write_user = 36;
export const BPF_FUNC_current_task_under_cgroup = 37;
export const BPF_FUNC_skb_change_tail = 38;
export const BPF_FUNC_skb_pull_data = 39;
export const BPF_FUNC_csum_update = 40;
export const BPF_FUNC_set_hash_invalid = 41;
export const BPF_FUNC_get_numa_node_id = 42;
export const BPF_FUNC_skb_change_head = 43;
export const BPF_FUNC_xdp_adjust_head = 44;
export const BPF_FUNC_probe_read_str = 45;
export const BPF_FUNC_get_socket_cookie = 46;
export const BPF_FUNC_get_socket_uid = 47;
export const BPF_FUNC_set_hash = 48;
export const BPF_FUNC_setsockopt = 49;
export const BPF_FUNC_skb_adjust_room = 50;
export const BPF_FUNC_redirect_map = 51;
export const BPF_FUNC_sk_redirect_map = 52;
export const BPF_FUNC_sock_map_update = 53;
export const BPF_FUNC_xdp_adjust_meta = 54;
export const BPF_FUNC_perf_event_read_value = 55;
export const BPF_FUNC_perf_prog_read_value = 56;
export const BPF_FUNC_getsockopt = 57;
export const BPF_FUNC_override_return = 58;
export const BPF_FUNC_sock_ops_cb_flags_set = 59;
export const BPF_FUNC_msg_redirect_map = 60;
export const BPF_FUNC_msg_apply_bytes = 61;
export const BPF_FUNC_msg_cork_bytes = 62;
export const BPF_FUNC_msg_pull_data = 63;
export const BPF_FUNC_bind = 64;
export const BPF_FUNC_xdp_adjust_tail = 65;
export const BPF_FUNC_skb_get_xfrm_state = 66;
export const BPF_FUNC_get_stack = 67;
export const BPF_FUNC_skb_load_bytes_relative = 68;
export const BPF_FUNC_fib_lookup = 69;
export const BPF_FUNC_sock_hash_update = 70;
export const BPF_FUNC_msg_redirect_hash = 71;
export const BPF_FUNC_sk_redirect_hash = 72;
export const BPF_FUNC_lwt_push_encap = 73;
export const BPF_FUNC_lwt_seg6_store_bytes = 74;
export const BPF_FUNC_lwt_seg6_adjust_srh = 75;
export const BPF_FUNC_lwt_seg6_action = 76;
export const BPF_FUNC_rc_repeat = 77;
export const BPF_FUNC_rc_keydown = 78;
export const BPF_FUNC_skb_cgroup_id = 79;
export const BPF_FUNC_get_current_cgroup_id = 80;
export const BPF_FUNC_get_local_storage = 81;
export const BPF_FUNC_sk_select_reuseport = 82;
export const BPF_FUNC_skb_ancestor_cgroup_id = 83;
export const BPF_FUNC_sk_lookup_tcp = 84;
export const BPF_FUNC_sk_lookup_udp = 85;
export const BPF_FUNC_sk_release = 86;
export const BPF_FUNC_map_push_elem = 87;
export const BPF_FUNC_map_pop_elem = 88;
export const BPF_FUNC_map_peek_elem = 89;
export const BPF_FUNC_msg_push_data = 90;
export const BPF_FUNC_msg_pop_data = 91;
export const BPF_FUNC_rc_pointer_rel = 92;
export const BPF_FUNC_spin_lock = 93;
export const BPF_FUNC_spin_unlock = 94;
export const BPF_FUNC_sk_fullsock = 95;
export const BPF_FUNC_tcp_sock = 96;
export const BPF_FUNC_skb_ecn_set_ce = 97;
export const BPF_FUNC_get_listener_sock = 98;
export const BPF_FUNC_skc_lookup_tcp = 99;
export const BPF_FUNC_tcp_check_syncookie = 100;
export const BPF_FUNC_sysctl_get_name = 101;
export const BPF_FUNC_sysctl_get_current_value = 102;
export const BPF_FUNC_sysctl_get_new_value = 103;
export const BPF_FUNC_sysctl_set_new_value = 104;
export const BPF_FUNC_strtol = 105;
export const BPF_FUNC_strtoul = 106;
export const BPF_FUNC_sk_storage_get = 107;
export const BPF_FUNC_sk_storage_delete = 108;
export const BPF_FUNC_send_signal = 109;
export const BPF_FUNC_tcp_gen_syncookie = 110;
export const BPF_FUNC_skb_output = 111;
export const BPF_FUNC_probe_read_user = 112;
export const BPF_FUNC_probe_read_kernel = 113;
export const BPF_FUNC_probe_read_user_str = 114;
export const BPF_FUNC_probe_read_kernel_str = 115;
export const BPF_FUNC_tcp_send_ack = 116;
export const BPF_FUNC_send_signal_thread = 117;
export const BPF_FUNC_jiffies64 = 118;
export const BPF_FUNC_read_branch_records = 119;
export const BPF_FUNC_get_ns_current_pid_tgid = 120;
export const BPF_FUNC_xdp_output = 121;
export const BPF_FUNC_get_netns_cookie = 122;
export const BPF_FUNC_get_current_ancestor_cgroup_id = 123;
export const BPF_FUNC_sk_assign = 124;
export const BPF_FUNC_ktime_get_boot_ns = 125;
export const BPF_FUNC_seq_printf = 126;
export const BPF_FUNC_seq_write = 127;
export const BPF_FUNC_sk_cgroup_id = 128;
export const BPF_FUNC_sk_ancestor_cgroup_id = 129;
export const BPF_FUNC_ringbuf_output = 130;
export const BPF_FUNC_ringbuf_reserve = 131;
export const BPF_FUNC_ringbuf_submit = 132;
export const BPF_FUNC_ringbuf_discard = 133;
export const BPF_FUNC_ringbuf_query = 134;
export const BPF_FUNC_csum_level = 135;
export const BPF_FUNC_skc_to_tcp6_sock = 136;
export const BPF_FUNC_skc_to_tcp_sock = 137;
export const BPF_FUNC_skc_to_tcp_timewait_sock = 138;
export const BPF_FUNC_skc_to_tcp_request_sock = 139;
export const BPF_FUNC_skc_to_udp6_sock = 140;
export const BPF_FUNC_get_task_stack = 141;
export const BPF_FUNC_load_hdr_opt = 142;
export const BPF_FUNC_store_hdr_opt = 143;
export const BPF_FUNC_reserve_hdr_opt = 144;
export const BPF_FUNC_inode_storage_get = 145;
export const BPF_FUNC_inode_storage_delete = 146;
export const BPF_FUNC_d_path = 147;
export const BPF_FUNC_copy_from_user = 148;
export const BPF_FUNC_snprintf_btf = 149;
export const BPF_FUNC_seq_printf_btf = 150;
export const BPF_FUNC_skb_cgroup_classid = 151;
export const BPF_FUNC_redirect_neigh = 152;
export const BPF_FUNC_per_cpu_ptr = 153;
export const BPF_FUNC_this_cpu_ptr = 154;
export const BPF_FUNC_redirect_peer = 155;
export const BPF_FUNC_task_storage_get = 156;
export const BPF_FUNC_task_storage_delete = 157;
export const BPF_FUNC_get_current_task_btf = 158;
export const BPF_FUNC_bprm_opts_set = 159;
export const BPF_FUNC_ktime_get_coarse_ns = 160;
export const BPF_FUNC_ima_inode_hash = 161;
export const BPF_FUNC_sock_from_file = 162;
export const BPF_FUNC_check_mtu = 163;
export const BPF_FUNC_for_each_map_elem = 164;
export const BPF_FUNC_snprintf = 165;
export const BPF_FUNC_sys_bpf = 166;
export const BPF_FUNC_btf_find_by_name_kind = 167;
export const BPF_FUNC_sys_close = 168;
export const BPF_FUNC_timer_init = 169;
export const BPF_FUNC_timer_set_callback = 170;
export const BPF_FUNC_timer_start = 171;
export const BPF_FUNC_timer_cancel = 172;
export const BPF_FUNC_get_func_ip = 173;
export const BPF_FUNC_get_attach_cookie = 174;
export const BPF_FUNC_task_pt_regs = 175;
export const BPF_FUNC_get_branch_snapshot = 176;
export const BPF_FUNC_trace_vprintk = 177;
export const BPF_FUNC_skc_to_unix_sock = 178;
export const BPF_FUNC_kallsyms_lookup_name = 179;
export const BPF_FUNC_find_vma = 180;
export const BPF_FUNC_loop = 181;
export const BPF_FUNC_strncmp = 182;
export const BPF_FUNC_get_func_arg = 183;
export const BPF_FUNC_get_func_ret = 184;
export const BPF_FUNC_get_func_arg_cnt = 185;
export const BPF_FUNC_get_retval = 186;
export const BPF_FUNC_set_retval = 187;
export const BPF_FUNC_xdp_get_buff_len = 188;
export const BPF_FUNC_xdp_load_bytes = 189;
export const BPF_FUNC_xdp_store_bytes = 190;
export const BPF_FUNC_copy_from_user_task = 191;
export const BPF_FUNC_skb_set_tstamp = 192;
export const BPF_FUNC_ima_file_hash = 193;
export const BPF_FUNC_kptr_xchg = 194;
export const BPF_FUNC_map_lookup_percpu_elem = 195;
export const BPF_FUNC_skc_to_mptcp_sock = 196;
export const BPF_FUNC_dynptr_from_mem = 197;
export const BPF_FUNC_ringbuf_reserve_dynptr = 198;
export const BPF_FUNC_ringbuf_submit_dynptr = 199;
export const BPF_FUNC_ringbuf_discard_dynptr = 200;
export const BPF_FUNC_dynptr_read = 201;
export const BPF_FUNC_dynptr_write = 202;
export const BPF_FUNC_dynptr_data = 203;
export const BPF_FUNC_tcp_raw_gen_syncookie_ipv4 = 204;
export const BPF_FUNC_tcp_raw_gen_syncookie_ipv6 = 205;
export const BPF_FUNC_tcp_raw_check_syncookie_ipv4 = 206;
export const BPF_FUNC_tcp_raw_check_syncookie_ipv6 = 207;
export const BPF_FUNC_ktime_get_tai_ns = 208;
export const BPF_FUNC_user_ringbuf_drain = 209;
export const BPF_FUNC_cgrp_storage_get = 210;
export const BPF_FUNC_cgrp_storage_delete = 211;

/** One past the highest helper id known here (`__BPF_FUNC_MAX_ID`). */
export const BPF_FUNC_MAX_ID = 212;

/**
 * Helper names with the `bpf_` prefix, by id: `helperNames[1]` is `bpf_map_lookup_elem`.
 * Index 0 holds `bpf_unspec`, which is not a callable helper.
 */
export const helperNames: readonly string[] = [
  'bpf_unspec',
  'bpf_map_lookup_elem',
  'bpf_map_update_elem',
  'bpf_map_delete_elem',
  'bpf_probe_read',
  'bpf_ktime_get_ns',
  'bpf_trace_printk',
  'bpf_get_prandom_u32',
  'bpf_get_smp_processor_id',
  'bpf_skb_store_bytes',
  'bpf_l3_csum_replace',
  'bpf_l4_csum_replace',
  'bpf_tail_call',
  'bpf_clone_redirect',
  'bpf_get_current_pid_tgid',
  'bpf_get_current_uid_gid',
  'bpf_get_current_comm',
  'bpf_get_cgroup_classid',
  'bpf_skb_vlan_push',
  'bpf_skb_vlan_pop',
  'bpf_skb_get_tunnel_key',
  'bpf_skb_set_tunnel_key',
  'bpf_perf_event_read',
  'bpf_redirect',
  'bpf_get_route_realm',
  'bpf_perf_event_output',
  'bpf_skb_load_bytes',
  'bpf_get_stackid',
  'bpf_csum_diff',
  'bpf_skb_get_tunnel_opt',
  'bpf_skb_set_tunnel_opt',
  'bpf_skb_change_proto',
  'bpf_skb_change_type',
  'bpf_skb_under_cgroup',
  'bpf_get_hash_recalc',
  'bpf_get_current_task',
  'bpf_probe_write_user',
  'bpf_current_task_under_cgroup',
  'bpf_skb_change_tail',
  'bpf_skb_pull_data',
  'bpf_csum_update',
  'bpf_set_hash_invalid',
  'bpf_get_numa_node_id',
  'bpf_skb_change_head',
  'bpf_xdp_adjust_head',
  'bpf_probe_read_str',
  'bpf_get_socket_cookie',
  'bpf_get_socket_uid',
  'bpf_set_hash',
  'bpf_setsockopt',
  'bpf_skb_adjust_room',
  'bpf_redirect_map',
  'bpf_sk_redirect_map',
  'bpf_sock_map_update',
  'bpf_xdp_adjust_meta',
  'bpf_perf_event_read_value',
  'bpf_perf_prog_read_value',
  'bpf_getsockopt',
  'bpf_override_return',
  'bpf_sock_ops_cb_flags_set',
  'bpf_msg_redirect_map',
  'bpf_msg_apply_bytes',
  'bpf_msg_cork_bytes',
  'bpf_msg_pull_data',
  'bpf_bind',
  'bpf_xdp_adjust_tail',
  'bpf_skb_get_xfrm_state',
  'bpf_get_stack',
  'bpf_skb_load_bytes_relative',
  'bpf_fib_lookup',
  'bpf_sock_hash_update',
  'bpf_msg_redirect_hash',
  'bpf_sk_redirect_hash',
  'bpf_lwt_push_encap',
  'bpf_lwt_seg6_store_bytes',
  'bpf_lwt_seg6_adjust_srh',
  'bpf_lwt_seg6_action',
  'bpf_rc_repeat',
  'bpf_rc_keydown',
  'bpf_skb_cgroup_id',
  'bpf_get_current_cgroup_id',
  'bpf_get_local_storage',
  'bpf_sk_select_reuseport',
  'bpf_skb_ancestor_cgroup_id',
  'bpf_sk_lookup_tcp',
  'bpf_sk_lookup_udp',
  'bpf_sk_release',
  'bpf_map_push_elem',
  'bpf_map_pop_elem',
  'bpf_map_peek_elem',
  'bpf_msg_push_data',
  'bpf_msg_pop_data',
  'bpf_rc_pointer_rel',
  'bpf_spin_lock',
  'bpf_spin_unlock',
  'bpf_sk_fullsock',
  'bpf_tcp_sock',
  'bpf_skb_ecn_set_ce',
  'bpf_get_listener_sock',
  'bpf_skc_lookup_tcp',
  'bpf_tcp_check_syncookie',
  'bpf_sysctl_get_name',
  'bpf_sysctl_get_current_value',
  'bpf_sysctl_get_new_value',
  'bpf_sysctl_set_new_value',
  'bpf_strtol',
  'bpf_strtoul',
  'bpf_sk_storage_get',
  'bpf_sk_storage_delete',
  'bpf_send_signal',
  'bpf_tcp_gen_syncookie',
  'bpf_skb_output',
  'bpf_probe_read_user',
  'bpf_probe_read_kernel',
  'bpf_probe_read_user_str',
  'bpf_probe_read_kernel_str',
  'bpf_tcp_send_ack',
  'bpf_send_signal_thread',
  'bpf_jiffies64',
  'bpf_read_branch_records',
  'bpf_get_ns_current_pid_tgid',
  'bpf_xdp_output',
  'bpf_get_netns_cookie',
  'bpf_get_current_ancestor_cgroup_id',
  'bpf_sk_assign',
  'bpf_ktime_get_boot_ns',
  'bpf_seq_printf',
  'bpf_seq_write',
  'bpf_sk_cgroup_id',
  'bpf_sk_ancestor_cgroup_id',
  'bpf_ringbuf_output',
  'bpf_ringbuf_reserve',
  'bpf_ringbuf_submit',
  'bpf_ringbuf_discard',
  'bpf_ringbuf_query',
  'bpf_csum_level',
  'bpf_skc_to_tcp6_sock',
  'bpf_skc_to_tcp_sock',
  'bpf_skc_to_tcp_timewait_sock',
  'bpf_skc_to_tcp_request_sock',
  'bpf_skc_to_udp6_sock',
  'bpf_get_task_stack',
  'bpf_load_hdr_opt',
  'bpf_store_hdr_opt',
  'bpf_reserve_hdr_opt',
  'bpf_inode_storage_get',
  'bpf_inode_storage_delete',
  'bpf_d_path',
  'bpf_copy_from_user',
  'bpf_snprintf_btf',
  'bpf_seq_printf_btf',
  'bpf_skb_cgroup_classid',
  'bpf_redirect_neigh',
  'bpf_per_cpu_ptr',
  'bpf_this_cpu_ptr',
  'bpf_redirect_peer',
  'bpf_task_storage_get',
  'bpf_task_storage_delete',
  'bpf_get_current_task_btf',
  'bpf_bprm_opts_set',
  'bpf_ktime_get_coarse_ns',
  'bpf_ima_inode_hash',
  'bpf_sock_from_file',
  'bpf_check_mtu',
  'bpf_for_each_map_elem',
  'bpf_snprintf',
  'bpf_sys_bpf',
  'bpf_btf_find_by_name_kind',
  'bpf_sys_close',
  'bpf_timer_init',
  'bpf_timer_set_callback',
  'bpf_timer_start',
  'bpf_timer_cancel',
  'bpf_get_func_ip',
  'bpf_get_attach_cookie',
  'bpf_task_pt_regs',
  'bpf_get_branch_snapshot',
  'bpf_trace_vprintk',
  'bpf_skc_to_unix_sock',
  'bpf_kallsyms_lookup_name',
  'bpf_find_vma',
  'bpf_loop',
  'bpf_strncmp',
  'bpf_get_func_arg',
  'bpf_get_func_ret',
  'bpf_get_func_arg_cnt',
  'bpf_get_retval',
  'bpf_set_retval',
  'bpf_xdp_get_buff_len',
  'bpf_xdp_load_bytes',
  'bpf_xdp_store_bytes',
  'bpf_copy_from_user_task',
  'bpf_skb_set_tstamp',
  'bpf_ima_file_hash',
  'bpf_kptr_xchg',
  'bpf_map_lookup_percpu_elem',
  'bpf_skc_to_mptcp_sock',
  'bpf_dynptr_from_mem',
  'bpf_ringbuf_reserve_dynptr',
  'bpf_ringbuf_submit_dynptr',
  'bpf_ringbuf_discard_dynptr',
  'bpf_dynptr_read',
  'bpf_dynptr_write',
  'bpf_dynptr_data',
  'bpf_tcp_raw_gen_syncookie_ipv4',
  'bpf_tcp_raw_gen_syncookie_ipv6',
  'bpf_tcp_raw_check_syncookie_ipv4',
  'bpf_tcp_raw_check_syncookie_ipv6',
  'bpf_ktime_get_tai_ns',
  'bpf_user_ringbuf_drain',
  'bpf_cgrp_storage_get',
  'bpf_cgrp_storage_delete',
];

const idByName: ReadonlyMap<string, number> = new Map(helperNames.map((name, id) => [name, id] as const).filter(([, id]) => id > 0));

/**
 * The id of a helper by its kernel name, with or without the `bpf_` prefix; `undefined` if unknown.
 * @example helperIdByName('bpf_map_lookup_elem') // 1
 * @example helperIdByName('trace_printk') // 6
 */
export function helperIdByName(name: string): number | undefined {
  return idByName.get(name.startsWith('bpf_') ? name : `bpf_${name}`);
}

/**
 * The kernel name (with `bpf_`) of a helper id; `undefined` for 0 (`unspec`) and unknown ids.
 * @example helperName(12) // 'bpf_tail_call'
 */
export function helperName(id: number): string | undefined {
  return Number.isInteger(id) && id > 0 ? helperNames[id] : undefined;
}
