import type { AnyVmMap } from '../maps/types.js';
import type { SkbBuffer } from '../skb-buffer.js';

/** Helper arguments: registers r1-r5 as unsigned 64-bit values. */
export interface HelperArgs {
  readonly r1: bigint;
  readonly r2: bigint;
  readonly r3: bigint;
  readonly r4: bigint;
  readonly r5: bigint;
}

/**
 * Checked access to the VM's memory for helpers. Addresses are the program's pointers;
 * a bad access throws (the VM turns it into a `VmFault` at the call).
 */
export interface MemoryAccess {
  /** A copy of `len` bytes at `addr`. */
  read(addr: bigint, len: number): Uint8Array;
  /** Copy `bytes` to `addr`. */
  write(addr: bigint, bytes: Uint8Array): void;
  /** The live bytes at `addr` (writes go through); `write` asks for write permission. */
  view(addr: bigint, len: number, write?: boolean): Uint8Array;
  /** Bytes of a NUL-terminated string at `addr` (without the NUL), reading at most `max` bytes. */
  readCString(addr: bigint, max?: number): Uint8Array;
  /** Whether `len` bytes at `addr` can be read (or written) without faulting. */
  canAccess(addr: bigint, len: number, write?: boolean): boolean;
}

/** The simulated current task (get_current_pid_tgid, _uid_gid, _comm). */
export interface SimTask {
  readonly pid: number;
  readonly tgid: number;
  readonly uid: number;
  readonly gid: number;
  /** Up to 15 characters (TASK_COMM_LEN 16 with the NUL). */
  readonly comm: string;
}

/** One bpf_perf_event_output record. */
export interface PerfRecord {
  readonly map: string;
  readonly cpu: number;
  readonly data: Uint8Array;
}

/** One committed ring buffer record (bpf_ringbuf_output or reserve + submit). */
export interface RingbufRecord {
  readonly map: string;
  readonly data: Uint8Array;
}

/** What a helper can use besides its arguments. */
export interface HelperEnv {
  readonly mem: MemoryAccess;
  /** The map a map pointer (from `lddw map[...]`) names; throws if it is not one. */
  map(addr: bigint): AnyVmMap;
  /** Map `bytes` (map value, record) into the address space and return its address. */
  pointerTo(bytes: Uint8Array, kind: 'map_value' | 'ringbuf' | 'rodata', name: string, writable: boolean): bigint;
  /** Call a bpf function (a `BPF_PSEUDO_FUNC` pointer) with up to five arguments; returns its r0. */
  callFunction(fn: bigint, args: readonly bigint[]): bigint;
  /** Append a trace_printk line (without its trailing newline). */
  printk(line: string): void;
  /** Record a perf event output of this run. */
  perfOutput(record: PerfRecord): void;
  /** Record a committed ring buffer record of this run. */
  ringbufOutput(record: RingbufRecord): void;
  /** The ring buffer reservation at a pointer from bpf_ringbuf_reserve; undefined if not one. Ends its mapping. */
  takeReservation(addr: bigint): { map: AnyVmMap; id: number; data: Uint8Array } | undefined;
  /** Remember a reservation so `takeReservation` finds it. Returns the record's address. */
  addReservation(map: AnyVmMap, id: number, data: Uint8Array): bigint;
  readonly task: SimTask;
  readonly cpu: number;
  /** Next value of the seeded generator (u32). */
  random(): number;
  /** Monotonic clock in ns. */
  nowNs(): bigint;
  /** Boot clock in ns (monotonic + suspend time; equal here). */
  bootNs(): bigint;
  /** The XDP buffer of this run (XDP programs). */
  readonly xdp: XdpPacket | undefined;
  /** The skb of this run (tc programs: sched_cls, sched_act). */
  readonly skb: SkbBuffer | undefined;
  /** The packet (skb linear data or XDP data) of this run, if the program type has one. */
  readonly packet: Uint8Array | undefined;
}

/** The XDP packet buffer as helpers see it. */
export interface XdpPacket {
  /** The live packet bytes (data .. data_end). */
  bytes(): Uint8Array;
  /** bpf_xdp_adjust_head: 0 or -EINVAL. */
  adjustHead(delta: number): number;
  /** bpf_xdp_adjust_tail: 0 or -EINVAL. */
  adjustTail(delta: number): number;
  /** bpf_xdp_adjust_meta: 0, -EINVAL or -EACCES. */
  adjustMeta(delta: number): number;
}

/** A helper implementation: r1-r5 in, r0 out (number or bigint; nothing means 0). */
export type HelperFn = (args: HelperArgs, env: HelperEnv) => bigint | number | void;
