import type { MapDef } from '../isa/program.js';
import { BPF_MAP_GET_FD_BY_ID, BPF_MAP_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, BPF_PROG_GET_NEXT_ID } from './bpf-cmd.js';
import { BpfAttr, bpf, bpfRaw } from './bpf-syscall.js';
import { getPinned } from './bpffs.js';
import { KernelError } from './kernel-error.js';
import { KernelMap } from './kernel-map.js';
import { closeFd } from './native.js';
import { type MapInfo, type ProgInfo, mapInfo, progInfo } from './prog-info.js';

const ENOENT = 2;

function* ids(cmd: number): Generator<number> {
  let id = 0;
  for (;;) {
    const attr = new BpfAttr().u32(0, id);
    const { ret, errno } = bpfRaw(cmd, attr);
    if (ret < 0) {
      if (errno === ENOENT) return;
      throw new KernelError(cmd === BPF_PROG_GET_NEXT_ID ? 'bpf(BPF_PROG_GET_NEXT_ID)' : 'bpf(BPF_MAP_GET_NEXT_ID)', errno);
    }
    id = attr.readU32(4);
    yield id;
  }
}

/** Ids of every program loaded in the kernel. */
export function programIds(): number[] {
  return [...ids(BPF_PROG_GET_NEXT_ID)];
}

/** Ids of every map in the kernel. */
export function mapIds(): number[] {
  return [...ids(BPF_MAP_GET_NEXT_ID)];
}

/** A new fd for the program with this id (the caller closes it). */
export function programFdById(id: number): number {
  return bpf(BPF_PROG_GET_FD_BY_ID, new BpfAttr().u32(0, id), `for id ${id}`);
}

/** A new fd for the map with this id (the caller closes it). */
export function mapFdById(id: number): number {
  return bpf(BPF_MAP_GET_FD_BY_ID, new BpfAttr().u32(0, id), `for id ${id}`);
}

function withFd<T>(fd: number, f: (fd: number) => T): T {
  try {
    return f(fd);
  } finally {
    closeFd(fd);
  }
}

/**
 * Info of every loaded program (those that vanish while listing are skipped).
 * @example listPrograms().map((p) => `${p.id} ${p.name}`)
 */
export function listPrograms(): ProgInfo[] {
  const out: ProgInfo[] = [];
  for (const id of programIds()) {
    try {
      out.push(withFd(programFdById(id), progInfo));
    } catch (e) {
      if (!(e instanceof KernelError && e.errnoName === 'ENOENT')) throw e;
    }
  }
  return out;
}

/** Info of every map (those that vanish while listing are skipped). */
export function listMaps(): MapInfo[] {
  const out: MapInfo[] = [];
  for (const id of mapIds()) {
    try {
      out.push(withFd(mapFdById(id), mapInfo));
    } catch (e) {
      if (!(e instanceof KernelError && e.errnoName === 'ENOENT')) throw e;
    }
  }
  return out;
}

function mapFromFd(fd: number): KernelMap {
  try {
    const i = mapInfo(fd);
    const def: MapDef = { name: i.name, type: i.type, keySize: i.keySize, valueSize: i.valueSize, maxEntries: i.maxEntries, flags: i.flags };
    return new KernelMap(fd, def);
  } catch (e) {
    closeFd(fd);
    throw e;
  }
}

/** Open the map pinned at `path` as a `KernelMap` (its definition read from the kernel). */
export function openPinnedMap(path: string): KernelMap {
  return mapFromFd(getPinned(path));
}

/** Open the map with this id as a `KernelMap`. */
export function openMapById(id: number): KernelMap {
  return mapFromFd(mapFdById(id));
}
