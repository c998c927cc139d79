/**
 * The two pieces of chevrotain the assembler uses (`createToken`, `Lexer`), loaded once.
 *
 * chevrotain's package entry (`lib/src/api.js`) pulls in a few hundred modules and takes
 * ~300 ms to import; the package also ships the same library as one bundled file
 * (`lib/chevrotain.min.mjs`, ~15 ms). Use the bundle when it is there. The CLI bundle
 * (`scripts/bundle-cli.mjs`) replaces this file with a static import.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

async function loadChevrotain(): Promise<Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    const bundle = join(dirname(entry), '..', 'chevrotain.min.mjs');
    if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as Chevrotain;
  } catch {
    // fall through to the package entry
  }
  return import('chevrotain');
}

export const { createToken, Lexer } = await loadChevrotain();
