/** uapi flags of map operations, map creation, perf event output and the ring buffer. */

// Update flags (bpf_map_update_elem, BPF_MAP_UPDATE_ELEM).
/** Create a new element or update an existing one. */
export const BPF_ANY = 0;
/** Create a new element only if it did not exist. */
export const BPF_NOEXIST = 1;
/** Update an existing element. */
export const BPF_EXIST = 2;
/** Update under the value's bpf_spin_lock (needs a spin lock in the value; never true here). */
export const BPF_F_LOCK = 4;

// Map creation flags (BPF_MAP_CREATE map_flags).
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_NO_COMMON_LRU = 1 << 1;
export const BPF_F_NUMA_NODE = 1 << 2;
export const BPF_F_RDONLY = 1 << 3;
export const BPF_F_WRONLY = 1 << 4;
export const BPF_F_STACK_BUILD_ID = 1 << 5;
export const BPF_F_ZERO_SEED = 1 << 6;
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_WRONLY_PROG = 1 << 8;
export const BPF_F_CLONE = 1 << 9;
export const BPF_F_MMAPABLE = 1 << 10;
export const BPF_F_PRESERVE_ELEMS = 1 << 11;
export const BPF_F_INNER_MAP = 1 << 12;

// bpf_perf_event_output flags.
/** Low 32 bits of the flags: the perf event array index. */
export const BPF_F_INDEX_MASK = 0xffffffff;
/** Index meaning "the slot of the current CPU". */
export const BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;

// Ring buffer (bpf_ringbuf_output / submit / discard flags, bpf_ringbuf_query flags).
export const BPF_RB_NO_WAKEUP = 1 << 0;
export const BPF_RB_FORCE_WAKEUP = 1 << 1;
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;
/** Record header bits in `len` (the 8-byte `struct bpf_ringbuf_hdr`). */
export const BPF_RINGBUF_BUSY_BIT = 2 ** 31;
export const BPF_RINGBUF_DISCARD_BIT = 2 ** 30;
export const BPF_RINGBUF_HDR_SZ = 8;
