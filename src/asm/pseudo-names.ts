/** Keywords of the `lddw` pseudo sources (see `pseudo-lddw.ts`), shared by parsers and printers. */

/** Keyword -> pseudo source (BPF_PSEUDO_MAP_FD = 1 ... BPF_PSEUDO_MAP_IDX_VALUE = 6). */
export const PSEUDO_SRC: ReadonlyMap<string, 1 | 2 | 3 | 4 | 5 | 6> = new Map([
  ['map', 1], ['map_fd', 1], ['map_value', 2], ['btf_id', 3], ['func', 4], ['subprog', 4], ['map_idx', 5], ['map_idx_value', 6],
] as const);

/** Pseudo source -> keyword used when printing. */
export const PSEUDO_NAME: readonly string[] = ['', 'map', 'map_value', 'btf_id', 'func', 'map_idx', 'map_idx_value'];
