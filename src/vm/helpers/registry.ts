import { helperIdByName, helperName } from '../../isa/helpers.js';
import type { HelperFn } from './types.js';

/**
 * Helpers by id: the built-ins plus user-registered TypeScript implementations
 * (by id or by kernel name, with or without the `bpf_` prefix).
 * @example new HelperRegistry().register('get_prandom_u32', () => 4)
 */
export class HelperRegistry {
  private readonly byId = new Map<number, { fn: HelperFn; name: string }>();

  /** Register (or replace) a helper; throws on an unknown name or a bad id. */
  register(idOrName: number | string, fn: HelperFn): this {
    const id = resolveHelperId(idOrName);
    this.byId.set(id, { fn, name: helperName(id) ?? `helper#${id}` });
    return this;
  }

  /** The implementation of `id`, if any. */
  get(id: number): HelperFn | undefined {
    return this.byId.get(id)?.fn;
  }

  /** Whether `id` has an implementation. */
  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The name used in messages: the kernel's name or `helper#N`. */
  nameOf(id: number): string {
    return this.byId.get(id)?.name ?? helperName(id) ?? `helper#${id}`;
  }

  /** Registered ids, ascending. */
  ids(): number[] {
    return [...this.byId.keys()].sort((a, b) => a - b);
  }

  /** A copy that can be extended without touching this one. */
  clone(): HelperRegistry {
    const r = new HelperRegistry();
    for (const [id, h] of this.byId) r.byId.set(id, h);
    return r;
  }
}

/**
 * A helper id from a number or a kernel name (`map_lookup_elem`, `bpf_map_lookup_elem`).
 * @example resolveHelperId('bpf_ktime_get_ns') // 5
 */
export function resolveHelperId(idOrName: number | string): number {
  if (typeof idOrName === 'number') {
    if (!Number.isInteger(idOrName) || idOrName < 0 || idOrName > 0x7fffffff) throw new Error(`bad helper id ${idOrName}`);
    return idOrName;
  }
  const id = helperIdByName(idOrName.replace(/^bpf_/, '')) ?? helperIdByName(idOrName);
  if (id === undefined) throw new Error(`unknown helper name '${idOrName}'`);
  return id;
}
