import { closeSync, openSync } from 'node:fs';
import { KernelError } from './kernel-error.js';
import { lastErrno, native } from './native.js';

const CLONE_NEWNET = 0x40000000;

/**
 * Run `fn` with the calling (main JS) thread inside the named network namespace
 * (`/run/netns/NAME`, as `ip netns add` makes), then switch back. Use it for calls that
 * resolve interfaces in the current namespace, such as an XDP attach by ifindex.
 * @example withNetns('test0', () => attachXdp(prog, 'veth0'))
 */
export function withNetns<T>(name: string, fn: () => T): T {
  const target = name.includes('/') ? name : `/run/netns/${name}`;
  const self = openSync('/proc/thread-self/ns/net', 'r');
  let other = -1;
  try {
    try {
      other = openSync(target, 'r');
    } catch {
      throw new Error(`no network namespace '${name}' (${target} is missing; create it with 'ip netns add ${name}')`);
    }
    if (native().setns(other, CLONE_NEWNET) < 0) throw new KernelError('setns', lastErrno(), `into ${target}`);
    try {
      return fn();
    } finally {
      if (native().setns(self, CLONE_NEWNET) < 0) throw new KernelError('setns', lastErrno(), 'back to the original network namespace');
    }
  } finally {
    if (other >= 0) closeSync(other);
    closeSync(self);
  }
}

/** The index of a network interface in the current thread's namespace (if_nametoindex). */
export function interfaceIndex(name: string): number {
  const i = native().ifNameToIndex(name);
  if (i === 0) throw new KernelError('if_nametoindex', lastErrno(), `of '${name}'`);
  return i;
}
