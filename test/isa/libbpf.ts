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
  /** Program type and expected attach type libbpf gives each section at open (no load). */
  types(bytes: Uint8Array): Map<string, [number, number]>;
  /** The maps libbpf reads at open: name, type, key size, value size, max entries, flags. */
  maps(bytes: Uint8Array): [string, number, number, number, number, number][];
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
  const progType = lib.func('int bpf_program__type(void *prog)');
  const attachType = lib.func('int bpf_program__expected_attach_type(void *prog)');
  const nextMap = lib.func('void *bpf_object__next_map(void *obj, void *map)');
  const mapFields = ['int bpf_map__type', 'uint32_t bpf_map__key_size', 'uint32_t bpf_map__value_size', 'uint32_t bpf_map__max_entries', 'uint32_t bpf_map__map_flags']
    .map((f) => lib.func(`${f}(void *map)`));
  const mapName = lib.func('const char *bpf_map__name(void *map)');
  setPrint(null);
  const open = (bytes: Uint8Array): unknown => {
    const obj = openMem(bytes, bytes.length, null) as unknown;
    if (obj === null) throw new Error(`libbpf: bpf_object__open_mem failed (${libbpfGetError(obj) as number})`);
    return obj;
  };
  return {
    load(bytes) {
      const obj = open(bytes);
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
    types(bytes) {
      const obj = open(bytes);
      const out = new Map<string, [number, number]>();
      for (let p = nextProgram(obj, null) as unknown; p !== null; p = nextProgram(obj, p) as unknown) {
        out.set(sectionName(p) as string, [progType(p) as number, attachType(p) as number]);
      }
      closeObj(obj);
      return out;
    },
    maps(bytes) {
      const obj = open(bytes);
      const out: [string, number, number, number, number, number][] = [];
      for (let m = nextMap(obj, null) as unknown; m !== null; m = nextMap(obj, m) as unknown) {
        const [type, key, value, entries, flags] = mapFields.map((f) => f(m) as number);
        out.push([mapName(m) as string, type!, key!, value!, entries!, flags!]);
      }
      closeObj(obj);
      return out;
    },
  };
}

/** xlated instructions with each map id (in 64-bit loads of a map or map value) replaced by its order of appearance. */
export function normalizeMapIds(xlated: Uint8Array): Uint8Array {
  const out = xlated.slice();
  const view = new DataView(out.buffer);
  const ids = new Map<number, number>();
  for (let at = 0; at + 16 <= out.length; at += 8) {
    if (out[at] !== 0x18) continue;
    const src = out[at + 1]! >> 4;
    if (src === 1 || src === 2 || src === 5 || src === 6) {
      const id = view.getUint32(at + 4, true);
      if (!ids.has(id)) ids.set(id, ids.size);
      view.setUint32(at + 4, ids.get(id)!, true);
    }
    at += 8;
  }
  return out;
}
