/**
 * The native bridge: koffi and the few libc entry points the loader needs, loaded lazily on
 * the first kernel call so that importing the loader (or anything else) never loads koffi.
 */
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';

/** x86_64 syscall numbers. */
export const __NR_bpf = 321;
export const __NR_perf_event_open = 298;

type Koffi = typeof KoffiModule;

/** The libc functions the loader calls, with the prototypes we declare for them. */
export interface Libc {
  readonly koffi: Koffi;
  /** `syscall(__NR_bpf, cmd, attr, size)`. */
  bpf(nr: number, cmd: number, attr: Uint8Array, size: number): number;
  /** `syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags)`. */
  perfEventOpen(nr: number, attr: Uint8Array, pid: number, cpu: number, groupFd: number, flags: number): number;
  ioctl(fd: number, request: number, arg: number): number;
  close(fd: number): number;
  mmap(addr: null, length: number, prot: number, flags: number, fd: number, offset: number): bigint;
  munmap(addr: bigint, length: number): number;
  mount(source: string, target: string, fstype: string, flags: number, data: null): number;
  setns(fd: number, nstype: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, len: number): number;
  strerror(errnum: number): string;
  ifNameToIndex(name: string): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array, len: number): number;
  connect(fd: number, addr: Uint8Array, len: number): number;
  sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array | null, addrLen: number): number;
  /** `recvfrom(fd, buf, len, flags, addr, &addrLen)`: `addrLen` is a 4-byte in/out `socklen_t`. */
  recvfrom(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array | null, addrLen: Uint8Array | null): number;
}

let libc: Libc | undefined;
let loadError: string | undefined;

/** Why this platform cannot run the loader, or undefined when it can try. */
export function platformProblem(): string | undefined {
  if (process.platform !== 'linux') return `bpf(2) needs Linux; this is ${process.platform}`;
  if (process.arch !== 'x64') return `the loader supports x86_64 only (syscall numbers, struct layouts); this is ${process.arch}`;
  return undefined;
}

/**
 * The koffi-backed libc bindings, loaded on first use.
 * Throws a clear error when the platform is unsupported or koffi is missing.
 */
export function native(): Libc {
  if (libc) return libc;
  if (loadError) throw new Error(loadError);
  const problem = platformProblem();
  if (problem) {
    loadError = problem;
    throw new Error(problem);
  }
  let koffi: Koffi;
  try {
    const require = createRequire(import.meta.url);
    koffi = require('koffi') as Koffi;
  } catch (e) {
    loadError = `the loader needs the koffi package (npm install koffi): ${e instanceof Error ? e.message : String(e)}`;
    throw new Error(loadError);
  }
  const lib = koffi.load('libc.so.6');
  libc = {
    koffi,
    bpf: lib.func('syscall', 'long', ['long', 'long', 'void *', 'unsigned long']) as Libc['bpf'],
    perfEventOpen: lib.func('syscall', 'long', ['long', 'void *', 'int', 'int', 'int', 'unsigned long']) as Libc['perfEventOpen'],
    ioctl: lib.func('ioctl', 'int', ['int', 'unsigned long', 'long']) as Libc['ioctl'],
    close: lib.func('close', 'int', ['int']) as Libc['close'],
    mmap: lib.func('mmap', 'void *', ['void *', 'size_t', 'int', 'int', 'int', 'long']) as Libc['mmap'],
    munmap: lib.func('munmap', 'int', ['void *', 'size_t']) as Libc['munmap'],
    mount: lib.func('mount', 'int', ['const char *', 'const char *', 'const char *', 'unsigned long', 'void *']) as Libc['mount'],
    setns: lib.func('setns', 'int', ['int', 'int']) as Libc['setns'],
    setsockopt: lib.func('setsockopt', 'int', ['int', 'int', 'int', 'void *', 'unsigned int']) as Libc['setsockopt'],
    strerror: lib.func('strerror', 'const char *', ['int']) as Libc['strerror'],
    ifNameToIndex: lib.func('if_nametoindex', 'unsigned int', ['const char *']) as Libc['ifNameToIndex'],
    socket: lib.func('socket', 'int', ['int', 'int', 'int']) as Libc['socket'],
    bind: lib.func('bind', 'int', ['int', 'void *', 'unsigned int']) as Libc['bind'],
    connect: lib.func('connect', 'int', ['int', 'void *', 'unsigned int']) as Libc['connect'],
    sendto: lib.func('sendto', 'long', ['int', 'void *', 'size_t', 'int', 'void *', 'unsigned int']) as Libc['sendto'],
    recvfrom: lib.func('recvfrom', 'long', ['int', 'void *', 'size_t', 'int', 'void *', 'void *']) as Libc['recvfrom'],
  };
  return libc;
}

/** The errno of the last failed call; read it immediately after the call. */
export function lastErrno(): number {
  return native().koffi.errno();
}

/** The address of a buffer's first byte, as the kernel's `__aligned_u64` pointer (0 for empty). */
export function addressOf(buf: Uint8Array | undefined): bigint {
  if (!buf || buf.byteLength === 0) return 0n;
  return native().koffi.address(buf);
}

/** Close a file descriptor, ignoring errors (used by close()/dispose paths). */
export function closeFd(fd: number): void {
  if (fd >= 0) native().close(fd);
}
