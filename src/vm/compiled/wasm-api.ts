/**
 * The few WebAssembly JavaScript API types the compiled tier uses (the project's `lib`
 * setting has no DOM types, where TypeScript declares them).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface WasmApi {
  Memory: new (d: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}

/** `globalThis.WebAssembly`, typed (undefined where the runtime has none, e.g. `--jitless`). */
export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi | undefined }).WebAssembly as WasmApi;
