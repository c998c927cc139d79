/** The package's version, for `tsbpf-asm --version`. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `version` of the tsbpf package.json above this module (the compiled modules, the CLI
 * bundle and the sources sit at different depths below it); 'unknown' if none is found.
 * @example packageVersion() // '0.1.0'
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'tsbpf' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
