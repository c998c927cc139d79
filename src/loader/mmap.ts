import { KernelError } from './kernel-error.js';
import { lastErrno, native } from './native.js';

export const PAGE_SIZE = 4096;
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_FAILED = 0xffffffffffffffffn;

/** A shared mapping of an fd; `view` is valid until `unmap()`. */
export class Mapping {
  private addr: bigint;
  readonly length: number;
  private dv: DataView | undefined;

  private constructor(addr: bigint, length: number) {
    this.addr = addr;
    this.length = length;
    this.dv = new DataView(native().koffi.view(addr, length));
  }

  /**
   * mmap(2) `length` bytes of `fd` at `offset`, shared, read-only or read-write.
   * @example Mapping.map(fd, 0, 4096, true)
   */
  static map(fd: number, offset: number, length: number, writable: boolean, what: string): Mapping {
    const addr = native().mmap(null, length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, offset);
    if (addr === MAP_FAILED || addr === null) throw new KernelError('mmap', lastErrno(), what);
    return new Mapping(addr, length);
  }

  /** The mapped bytes; throws after `unmap()`. */
  get view(): DataView {
    if (!this.dv) throw new Error('mapping is unmapped');
    return this.dv;
  }

  /** Drop the view and munmap (idempotent). */
  unmap(): void {
    if (this.addr === 0n) return;
    this.dv = undefined;
    native().munmap(this.addr, this.length);
    this.addr = 0n;
  }
}
