import type { MapDef } from '../../isa/program.js';
import { mapTypeName } from '../../isa/map-types.js';
import { errnoName } from './errno.js';

/**
 * A map definition the kernel would refuse (BPF_MAP_CREATE's map_alloc_check), or a host
 * misuse of a map (wrong key length, bad CPU). `errno` is what bpf(2) would have returned.
 */
export class MapError extends Error {
  /** The map's name from its definition. */
  readonly mapName: string;
  /** Positive errno the kernel would return (EINVAL, E2BIG, ...), or 0 for host misuse. */
  readonly errno: number;

  constructor(def: Pick<MapDef, 'name' | 'type'>, message: string, errno = 0) {
    const tag = errno !== 0 ? ` (${errnoName(errno)})` : '';
    super(`map '${def.name}' (${mapTypeName(def.type)}): ${message}${tag}`);
    this.name = 'MapError';
    this.mapName = def.name;
    this.errno = errno;
  }
}
