// Loads the bundled CLI (dist/cli/tsbpf-asm.cjs, written by scripts/bundle-cli.mjs) through
// node:vm with a V8 code cache next to it, so that a command starts without resolving,
// reading and compiling a hundred modules. Used by bin/tsbpf-asm.js and by the build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// V8 accepts a code cache only under the flags it was made with, so every command runs under
// the same ones. Assembling a long file allocates one instruction object per line, all of
// which live to the end; allocation-site pretenuring then moves those sites to the old
// generation mid-run and throws away the optimized tokenizer and parsers (~10% of the CPU
// time of `assemble`). A GC heuristic only: no output depends on it.
const V8_FLAGS = '--no-allocation-site-pretenuring';

const HASH_BYTES = 32;

/** The code cache file: the SHA-256 of the bundle it was made from, then V8's data. */
const cachePath = (file) => `${file}.cache`;

/**
 * Load the bundle at `file`; returns its exports (`runCli`), whether the code cache was
 * used, and `saveCache()`, which writes the cache when there was none or V8 rejected it
 * (another Node version). Returns undefined when the bundle is not built.
 */
export function loadCliBundle(file) {
  if (!existsSync(file)) return undefined;
  setFlagsFromString(V8_FLAGS);
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(source).digest();
  let cachedData;
  try {
    const cache = readFileSync(cachePath(file));
    // A cache made from other bundle text must never be offered to V8, which checks only
    // the source length.
    if (cache.length > HASH_BYTES && cache.subarray(0, HASH_BYTES).equals(hash)) cachedData = cache.subarray(HASH_BYTES);
  } catch {
    // no cache yet
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const fresh = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    /** V8 took the code cache (nothing was compiled from source but what the cache lacked). */
    usedCache: !fresh,
    /** Write the code cache if it is missing or stale (best effort: a read-only install keeps running without). */
    saveCache(force = false) {
      if (!fresh && !force) return;
      const tmp = `${cachePath(file)}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([hash, script.createCachedData()]));
        renameSync(tmp, cachePath(file));
      } catch {
        try { unlinkSync(tmp); } catch { /* nothing written */ }
      }
    },
  };
}
