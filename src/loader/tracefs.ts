import { existsSync, readFileSync } from 'node:fs';
import { ensureMounted, mountsOf } from './bpffs.js';

/** Where tracefs is mounted by convention. */
export const TRACEFS_ROOT = '/sys/kernel/tracing';

/** The tracefs directory, mounting tracefs at /sys/kernel/tracing when no mount exists. */
export function tracefsRoot(): string {
  const mounted = mountsOf('tracefs');
  if (mounted.includes(TRACEFS_ROOT)) return TRACEFS_ROOT;
  if (mounted.length > 0) return mounted[0]!;
  if (existsSync('/sys/kernel/debug/tracing/events')) return '/sys/kernel/debug/tracing';
  ensureMounted('tracefs', TRACEFS_ROOT);
  return TRACEFS_ROOT;
}

/** Split `category/name` (or `category:name`) with a clear error. */
export function parseTracepointName(spec: string): { category: string; name: string } {
  const m = /^([A-Za-z0-9_.-]+)[/:]([A-Za-z0-9_.-]+)$/.exec(spec);
  if (!m) throw new Error(`bad tracepoint '${spec}': expected CATEGORY/NAME, e.g. syscalls/sys_enter_execve`);
  return { category: m[1]!, name: m[2]! };
}

/**
 * The perf event id of a tracepoint, from `<tracefs>/events/<category>/<name>/id`.
 * @example tracepointId('syscalls', 'sys_enter_execve')
 */
export function tracepointId(category: string, name: string): number {
  const path = `${tracefsRoot()}/events/${category}/${name}/id`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`no tracepoint ${category}/${name} (${path} is missing; see ${tracefsRoot()}/available_events)`);
  }
  return Number.parseInt(text.trim(), 10);
}
