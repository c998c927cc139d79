import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BPF_OBJ_GET, BPF_OBJ_PIN } from './bpf-cmd.js';
import { BpfAttr, bpf } from './bpf-syscall.js';
import { KernelError } from './kernel-error.js';
import { lastErrno, native } from './native.js';

/** Where bpffs lives by convention. */
export const BPFFS_ROOT = '/sys/fs/bpf';

/** The mount points of a filesystem type, from /proc/self/mounts. */
export function mountsOf(fstype: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === fstype)
    .map((f) => f[1]!.replace(/\\040/g, ' '));
}

/** Mount a pseudo filesystem at `target` unless one of that type is already there. */
export function ensureMounted(fstype: string, target: string): void {
  if (mountsOf(fstype).includes(target)) return;
  mkdirSync(target, { recursive: true });
  if (native().mount(fstype, target, fstype, 0, null) < 0) {
    throw new KernelError('mount', lastErrno(), `of ${fstype} at ${target}`);
  }
}

/** Make sure bpffs is mounted at /sys/fs/bpf (mounting it if absent). */
export function ensureBpffs(): void {
  ensureMounted('bpf', BPFFS_ROOT);
}

function pathBytes(path: string): Buffer {
  return Buffer.from(`${path}\0`, 'utf8');
}

/**
 * BPF_OBJ_PIN: pin a program, map or link fd at `path` in bpffs (mounted if needed;
 * parent directories are created).
 * @example pinObject(prog.fd, '/sys/fs/bpf/my_prog')
 */
export function pinObject(fd: number, path: string): void {
  if (path.startsWith(`${BPFFS_ROOT}/`)) {
    ensureBpffs();
    mkdirSync(dirname(path), { recursive: true });
  }
  const name = pathBytes(path);
  bpf(BPF_OBJ_PIN, new BpfAttr().ptr(0, name).u32(8, fd), `at ${path}`);
}

/** BPF_OBJ_GET: a new fd for the object pinned at `path` (the caller closes it). */
export function getPinned(path: string): number {
  const name = pathBytes(path);
  return bpf(BPF_OBJ_GET, new BpfAttr().ptr(0, name), `of ${path}`);
}
