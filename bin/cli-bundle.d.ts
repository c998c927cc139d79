/** What `loadCliBundle` returns for a built bundle. */
export interface LoadedCliBundle {
  /** The bundle's exports (`runCli` from src/cli/main.ts). */
  readonly exports: { runCli: (argv: string[], io?: { stdout: (t: string) => void; stderr: (t: string) => void }) => Promise<number> };
  /** V8 took the code cache. */
  readonly usedCache: boolean;
  /** Write the code cache when it was missing or rejected (or always, with `force`). */
  saveCache(force?: boolean): void;
}

/** Load dist/cli/tsbpf-asm.cjs (or another bundle file) with its code cache; undefined when the file is missing. */
export function loadCliBundle(file: string): LoadedCliBundle | undefined;
