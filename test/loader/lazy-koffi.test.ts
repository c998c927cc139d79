import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const koffiLoaded = (): boolean => Object.keys(require.cache).some((k) => /[\\/]koffi[\\/]/.test(k));

describe('koffi is loaded lazily', () => {
  it('is not loaded by importing the loader, the isa or its errors; only by a kernel call', async () => {
    await import('../../src/isa/index.js');
    const loader = await import('../../src/loader/index.js');
    expect(koffiLoaded()).toBe(false);
    const a = loader.bpfAvailable();
    if (process.platform === 'linux' && process.arch === 'x64') expect(koffiLoaded()).toBe(true);
    else expect(a.ok).toBe(false);
  });
});
