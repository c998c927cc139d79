/**
 * The system's libbpf (libbpf.so.1) through koffi, as an oracle for the ELF objects we read
 * and write: open an object from memory, load it into the kernel, list its programs' fds.
 */
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';

/** An object libbpf has loaded: its programs' fds by section name; close() frees them. */
export interface LibbpfLoad {
  readonly programs: Map<string, number>;
  close(): void;
}

/** What the tests use of libbpf. */
export interface Libbpf {
  /** Open and load; throws with libbpf's error code when either step fails. */
  load(bytes: Uint8Array): LibbpfLoad;
}

/** libbpf, or the reason it cannot be used here. */
export function openLibbpf(): Libbpf | string {
  let lib: KoffiModule.LibraryHandle;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof KoffiModule;
    lib = koffi.load('libbpf.so.1');
  } catch (e) {
    return `libbpf.so.1 cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
  const setPrint = lib.func('void *libbpf_set_print(void *fn)');
  const openMem = lib.func('void *bpf_object__open_mem(const void *buf, size_t size, const void *opts)');
  const loadObj = lib.func('int bpf_object__load(void *obj)');
  const nextProgram = lib.func('void *bpf_object__next_program(void *obj, void *prog)');
  const sectionName = lib.func('const char *bpf_program__section_name(void *prog)');
  const progFd = lib.func('int bpf_program__fd(void *prog)');
  const closeObj = lib.func('void bpf_object__close(void *obj)');
  const libbpfGetError = lib.func('long libbpf_get_error(const void *ptr)');
  setPrint(null);
  return {
    load(bytes) {
      const obj = openMem(bytes, bytes.length, null) as unknown;
      if (obj === null) throw new Error(`libbpf: bpf_object__open_mem failed (${libbpfGetError(obj) as number})`);
      const rc = loadObj(obj) as number;
      if (rc !== 0) {
        closeObj(obj);
        throw new Error(`libbpf: bpf_object__load failed: ${rc}`);
      }
      const programs = new Map<string, number>();
      for (let p = nextProgram(obj, null) as unknown; p !== null; p = nextProgram(obj, p) as unknown) {
        const fd = progFd(p) as number;
        if (fd >= 0) programs.set(sectionName(p) as string, fd);
      }
      return { programs, close: () => closeObj(obj) };
    },
  };
}
