/**
 * Linux errno values (asm-generic/errno-base.h, errno.h) that map operations return
 * negated, as the kernel's map ops and helpers do: `-ENOENT`, `-EEXIST`, ...
 */

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;
export const EOPNOTSUPP = 95;
/** Kernel-internal "operation not supported" (include/linux/errno.h), returned by ringbuf map ops. */
export const ENOTSUPP = 524;

const names: ReadonlyMap<number, string> = new Map([
  [EPERM, 'EPERM'],
  [ENOENT, 'ENOENT'],
  [E2BIG, 'E2BIG'],
  [EBADF, 'EBADF'],
  [EAGAIN, 'EAGAIN'],
  [ENOMEM, 'ENOMEM'],
  [EBUSY, 'EBUSY'],
  [EEXIST, 'EEXIST'],
  [EINVAL, 'EINVAL'],
  [ENOSPC, 'ENOSPC'],
  [EOPNOTSUPP, 'EOPNOTSUPP'],
  [ENOTSUPP, 'ENOTSUPP'],
]);

/**
 * The symbolic name of an errno, sign ignored.
 * @example errnoName(-2) // 'ENOENT'
 */
export function errnoName(errno: number): string {
  return names.get(Math.abs(errno)) ?? `errno ${Math.abs(errno)}`;
}
