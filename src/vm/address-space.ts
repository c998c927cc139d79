import { PendingFault } from './fault.js';

/** What a region holds; used in fault messages and by helpers that need a kind of memory. */
export type RegionKind = 'stack' | 'ctx' | 'packet' | 'mem' | 'map_value' | 'ringbuf' | 'rodata' | 'map' | 'code';

/** Region permissions. */
export const PERM_READ = 1;
export const PERM_WRITE = 2;

/** Access hook of a context region whose fields the kernel rewrites or restricts (`__sk_buff`, `xdp_md`). */
export interface CtxAccess {
  /** Load `size` bytes at `off`: the value as a bigint, or a fault reason. */
  load(off: number, size: number): bigint | string;
  /** Store `value` (`size` bytes) at `off`, or return a fault reason. */
  store(off: number, size: number, value: bigint): string | undefined;
}

/**
 * One mapped region: addresses `[hi:baseLo, hi:baseLo + size)`. Every region has its own
 * high word, so `hi` alone names it; `perm` 0 with `ctx` set sends accesses to the hook.
 */
export class Region {
  readonly view: DataView;
  /** Permissions for helpers (probe_read of a tracepoint record); the program's are `perm` and the hook. */
  helperPerm: number;
  constructor(
    readonly id: number,
    readonly kind: RegionKind,
    public name: string,
    readonly hi: number,
    readonly baseLo: number,
    public bytes: Uint8Array,
    public size: number,
    public perm: number,
    public ctx: CtxAccess | undefined,
    public tag: unknown,
    /** Window offset that fault messages call `name+0` (the tracepoint context starts 8 bytes before r1). */
    readonly labelOff = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.helperPerm = perm;
  }

  /** The region's first address. */
  get base(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.baseLo >>> 0);
  }
}

/** High word of region 0; region `i` lives at `(HI_BASE + i) << 32 | BASE_LO`. */
export const HI_BASE = 0xfff00000 | 0;
/** Low word of every region's first byte. */
export const BASE_LO = 0x40000000;
const MAX_REGIONS = 1 << 20;

/** Split an unsigned 64-bit bigint into int32 halves. */
export function splitU64(v: bigint): { lo: number; hi: number } {
  return { lo: Number(BigInt.asIntN(32, v)), hi: Number(BigInt.asIntN(32, v >> 32n)) };
}

/**
 * The VM's virtual address space: regions with bases, sizes and permissions.
 * Regions created during a run (map values, ring buffer records) go away with `endRun`.
 */
export class AddressSpace {
  readonly regions: Region[] = [];
  private persistent = 0;
  private byBytes = new Map<Uint8Array, Region>();
  private persistentByBytes = new Map<Uint8Array, Region>();

  /** Map `bytes` as a new region. */
  add(kind: RegionKind, name: string, bytes: Uint8Array, perm: number, opts: { persistent?: boolean; ctx?: CtxAccess; tag?: unknown; size?: number; baseLo?: number; helperPerm?: number; labelOff?: number } = {}): Region {
    const id = this.regions.length;
    if (id >= MAX_REGIONS) throw new PendingFault('memory', `address space full (${MAX_REGIONS} regions)`);
    const r = new Region(id, kind, name, (HI_BASE + id) | 0, opts.baseLo ?? BASE_LO, bytes, opts.size ?? bytes.length, perm, opts.ctx, opts.tag, opts.labelOff ?? 0);
    if (opts.helperPerm !== undefined) r.helperPerm = opts.helperPerm;
    this.regions.push(r);
    if (opts.persistent === true) {
      if (id !== this.persistent) throw new Error('persistent regions must be added before a run');
      this.persistent++;
      this.persistentByBytes.set(bytes, r);
    } else {
      this.byBytes.set(bytes, r);
    }
    return r;
  }

  /** Point an existing region's window at other bytes starting at `baseLo` (XDP head/tail moves). */
  remap(r: Region, bytes: Uint8Array, baseLo: number): Region {
    const n = new Region(r.id, r.kind, r.name, r.hi, baseLo, bytes, bytes.length, r.perm, r.ctx, r.tag, r.labelOff);
    n.helperPerm = r.helperPerm;
    this.regions[r.id] = n;
    return n;
  }

  /** The region that maps exactly `bytes` (same object), creating a run-local one if needed. */
  regionFor(bytes: Uint8Array, kind: RegionKind, name: string, perm: number): Region {
    return this.persistentByBytes.get(bytes) ?? this.byBytes.get(bytes) ?? this.add(kind, name, bytes, perm);
  }

  /** The persistent region that maps `bytes`, created if needed (only between runs). */
  persistentFor(bytes: Uint8Array, kind: RegionKind, name: string, perm: number): Region {
    return this.persistentByBytes.get(bytes) ?? this.add(kind, name, bytes, perm, { persistent: true });
  }

  /** Forget every region created since the last persistent one. */
  endRun(): void {
    this.regions.length = this.persistent;
    this.byBytes = new Map();
  }

  /** The region whose window contains the address, if any. */
  regionAt(lo: number, hi: number): Region | undefined {
    const i = (hi - HI_BASE) >>> 0;
    return i < this.regions.length ? this.regions[i] : undefined;
  }

  /** Describe an address: `stack+512`, `ctx-4`, or `0x...`. */
  describe(lo: number, hi: number): string {
    const r = this.regionAt(lo, hi);
    const addr = `0x${((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16)}`;
    if (r === undefined) return addr;
    const off = (lo - r.baseLo - r.labelOff) | 0;
    return off < 0 ? `${r.name}${off}` : `${r.name}+${off}`;
  }

  /**
   * Check an access of `size` bytes and return the region and offset, or throw a
   * `PendingFault` (`out-of-bounds read of 8 bytes at stack+512`).
   */
  check(lo: number, hi: number, size: number, write: boolean, forHelper = false): { region: Region; off: number } {
    const r = this.regionAt(lo, hi);
    const what = write ? 'write' : 'read';
    const address = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const where = this.describe(lo, hi);
    const access = { address, size, write, where: r === undefined ? undefined : where };
    if (r === undefined) {
      throw new PendingFault('memory', `invalid ${what} of ${size} bytes at ${where} (not mapped)`, access);
    }
    const off = (lo - r.baseLo) >>> 0;
    if (off + size > r.size) throw new PendingFault('memory', `out-of-bounds ${what} of ${size} bytes at ${where}`, access);
    const perm = forHelper ? r.helperPerm : r.perm;
    if ((perm & (write ? PERM_WRITE : PERM_READ)) === 0) {
      const why = perm === 0 ? 'inaccessible' : write ? 'read-only' : 'write-only';
      throw new PendingFault('memory', `${what} of ${size} bytes at ${where}: ${r.name} is ${why}`, access);
    }
    return { region: r, off };
  }

  /** Check a helper's access to `len` bytes at a bigint address (len 0 is always fine). */
  checkRange(addr: bigint, len: number, write: boolean): { region: Region; off: number } | undefined {
    const { lo, hi } = splitU64(BigInt.asUintN(64, addr));
    if (len === 0) return undefined;
    return this.check(lo, hi, len, write, true);
  }
}
