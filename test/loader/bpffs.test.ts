import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BPF_MAP_TYPE_HASH, BPF_PROG_TYPE_XDP, R0, exit, mov64, programOf } from '../../src/isa/index.js';
import {
  BPFFS_ROOT, createKernelMap, getPinned, listMaps, listPrograms, loadProgram, mountsOf, openMapById,
  openPinnedMap, progInfo, closeFd,
} from '../../src/loader/index.js';
import { kernelAvailable, u32 } from './support.js';

const canBpf = kernelAvailable('loader bpffs tests');
const dir = `${BPFFS_ROOT}/tsbpf-test-${process.pid}`;

describe.skipIf(!canBpf)('pinning in bpffs and kernel object listings (real kernel)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pins a program (mounting bpffs if absent) and gets it back by path', () => {
    using prog = loadProgram(programOf([mov64(R0, 1), exit()], { name: 'pinned' }), { progType: BPF_PROG_TYPE_XDP });
    prog.pin(`${dir}/prog`);
    expect(mountsOf('bpf')).toContain(BPFFS_ROOT);
    const fd = getPinned(`${dir}/prog`);
    try {
      expect(progInfo(fd).id).toBe(prog.info().id);
    } finally {
      closeFd(fd);
    }
    expect(listPrograms().map((p) => p.id)).toContain(prog.info().id);
    expect(() => getPinned(`${dir}/absent`)).toThrow(/BPF_OBJ_GET.*ENOENT/);
  });

  it('pins a map and shares its contents through the pinned path and by id', () => {
    using m = createKernelMap({ name: 'shared', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 4, maxEntries: 8, flags: 0 });
    m.pin(`${dir}/map`);
    using again = openPinnedMap(`${dir}/map`);
    expect(again.def).toMatchObject({ name: 'shared', keySize: 4, valueSize: 4, maxEntries: 8 });
    again.update(u32(3), u32(33));
    expect(Buffer.from(m.lookup(u32(3))!).readUInt32LE(0)).toBe(33);
    const id = m.info().id;
    using byId = openMapById(id);
    expect(Buffer.from(byId.lookup(u32(3))!).readUInt32LE(0)).toBe(33);
    expect(listMaps().find((x) => x.id === id)?.name).toBe('shared');
  });
});
