import { existsSync, readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LPM_TRIE, BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_RINGBUF,
  type MapDef,
} from '../../src/isa/index.js';
import { bpfAvailable } from '../../src/loader/index.js';
import {
  SK_BUFF_SIZE, XDP_MD_SIZE, encodeTracepoint, layoutOf, mapContentsArb, packetArb, skBuffBytes, skBuffContextArb,
  targetFromSource, tracepointContextArb, tracepointLayout, xdpContextArb, xdpMdBytes, property,
} from '../../src/testing/index.js';

describe('XDP and socket-filter contexts', () => {
  test('xdp_md bytes: data 0, data_end = frame length, ifindex and queue where the kernel reads them', () => {
    fc.assert(fc.property(xdpContextArb({ rxQueueIndex: fc.integer({ min: 0, max: 255 }), ingressIfindex: fc.integer({ min: 1, max: 1000 }) }), (c) => {
      const b = xdpMdBytes(c);
      const v = new DataView(b.buffer);
      expect(b.length).toBe(XDP_MD_SIZE);
      expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true)]).toEqual([0, c.data.length, 0]);
      expect(v.getUint32(12, true)).toBe(c.ingressIfindex);
      expect(v.getUint32(16, true)).toBe(c.rxQueueIndex);
      expect(v.getUint32(20, true)).toBe(0);
      if (c.packet) expect(c.data).toBe(c.packet.bytes);
    }), { numRuns: 200 });
  });

  test('__sk_buff bytes carry the settable fields at their uapi offsets, zero elsewhere', () => {
    fc.assert(fc.property(skBuffContextArb(), (c) => {
      const b = skBuffBytes(c);
      const v = new DataView(b.buffer);
      expect(b.length).toBe(SK_BUFF_SIZE);
      expect(v.getUint32(8, true)).toBe(c.mark);
      expect(v.getUint32(32, true)).toBe(c.priority);
      expect(v.getUint32(40, true)).toBe(c.ifindex);
      expect([0, 1, 2, 3, 4].map((i) => v.getUint32(48 + 4 * i, true))).toEqual([...c.cb]);
      expect(v.getBigUint64(152, true)).toBe(c.tstamp);
      expect(v.getUint32(160, true)).toBe(c.data.length);
      expect(v.getUint32(164, true)).toBe(c.gsoSegs);
      expect(v.getUint32(176, true)).toBe(c.gsoSize);
      const set = new Set([8, 32, 36, 40, 48, 52, 56, 60, 64, 152, 156, 160, 164, 176, 184, 188]);
      for (let o = 0; o < SK_BUFF_SIZE; o += 4) if (!set.has(o)) expect(v.getUint32(o, true)).toBe(0);
    }), { numRuns: 200 });
  });

  test('fixed options are honoured', () => {
    fc.assert(fc.property(skBuffContextArb({ mark: 7, cb: [1, 2, 3, 4, 5], packet: packetArb({ l4: ['udp'] }) }), (c) =>
      c.mark === 7 && c.cb.join() === '1,2,3,4,5' && c.packet?.l4?.kind === 'udp'));
  });

  const bpf = bpfAvailable();
  if (!bpf.ok) console.log(`skip: socket-filter context fields through the kernel: ${bpf.reason}`);
  test.skipIf(!bpf.ok)('the kernel reads the generated mark, priority and cb[] where the VM does', () => {
    // r0 = mark ^ priority ^ cb[0] ^ cb[4]: both sides must see the same fields
    const t = targetFromSource([
      '.prog_type socket_filter',
      'r2 = *(u32 *)(r1 + 8)', 'r3 = *(u32 *)(r1 + 32)', 'r2 ^= r3', 'r3 = *(u32 *)(r1 + 48)', 'r2 ^= r3',
      'r3 = *(u32 *)(r1 + 64)', 'r2 ^= r3', 'r0 = r2', 'exit',
    ].join('\n'), { kernel: true });
    try {
      property(skBuffContextArb({ packet: packetArb() }), (c) => {
        expect(t.run(c)).toBe(BigInt((c.mark ^ c.priority ^ c.cb[0] ^ c.cb[4]) >>> 0));
      }, { numRuns: 100 });
      expect(t.stats.kernelRuns).toBe(100);
    } finally {
      t.close();
    }
  });
});

describe.skipIf(!bpfAvailable().ok)('XDP contexts through the kernel', () => {
  test('the default xdp_md (lo, queue 0) is accepted by BPF_PROG_TEST_RUN and read the same on both sides', () => {
    const t = targetFromSource('.prog_type xdp\nr0 = *(u32 *)(r1 + 12)\nr2 = *(u32 *)(r1 + 16)\nr0 <<= 8\nr0 |= r2\nexit', { kernel: true });
    try {
      property(xdpContextArb({ packet: packetArb() }), (c) => { expect(t.run(c)).toBe(0x100n); }, { numRuns: 50 });
      expect(t.stats.kernelRuns).toBe(50);
    } finally {
      t.close();
    }
  });
});

describe('tracepoint layouts', () => {
  const SCHED_SWITCH = [
    'name: sched_switch', 'ID: 372', 'format:',
    '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;',
    '\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;',
    '\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;',
    '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;',
    '',
    '\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;',
    '\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;',
    '\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;',
    '\tfield:__data_loc char[] filename;\toffset:40;\tsize:4;\tsigned:0;',
    '', 'print fmt: "prev_comm=%s"',
  ].join('\n');

  test('parses names, offsets, sizes, signedness, arrays and __data_loc', () => {
    const l = tracepointLayout(SCHED_SWITCH);
    expect(l.name).toBe('sched_switch');
    expect(l.id).toBe(372);
    expect(l.size).toBe(44);
    expect(l.fields.map((f) => f.name)).toEqual(['common_type', 'common_flags', 'common_preempt_count', 'common_pid', 'prev_comm', 'prev_pid', 'prev_state', 'filename']);
    expect(l.fields[4]).toEqual({ name: 'prev_comm', type: 'char[16]', offset: 8, size: 16, signed: false, arrayLength: 16, dataLoc: false });
    expect(l.fields[6]).toMatchObject({ name: 'prev_state', type: 'long', signed: true, size: 8 });
    expect(l.fields[7]).toMatchObject({ name: 'filename', dataLoc: true, size: 4 });
  });

  test('malformed text is refused with the line number', () => {
    expect(() => tracepointLayout('name: x\nformat:\n\tfield:int a;\toffset:zero;\tsize:4;\tsigned:1;\n')).toThrow(/format line 3: malformed field line/);
    expect(() => tracepointLayout('nothing here')).toThrow(/no field lines/);
  });

  test('generated records: fields in range, read back from the bytes; __data_loc data after the fixed part', () => {
    const l = tracepointLayout(SCHED_SWITCH);
    fc.assert(fc.property(tracepointContextArb(l, { fields: { prev_comm: 'bash' } }), (c) => {
      const v = new DataView(c.bytes.buffer);
      expect(v.getUint16(0, true)).toBe(372);
      expect(BigInt(v.getInt32(4, true))).toBe(c.values.common_pid);
      expect(BigInt(v.getInt32(24, true))).toBe(c.values.prev_pid);
      expect(v.getBigInt64(32, true)).toBe(c.values.prev_state);
      expect(Buffer.from(c.bytes.subarray(8, 12)).toString()).toBe('bash');
      const loc = v.getUint32(40, true);
      const data = c.values.filename as Uint8Array;
      expect(loc >>> 16).toBe(data.length);
      expect(loc & 0xffff).toBe(44);
      expect(c.bytes.subarray(44, 44 + data.length)).toEqual(data);
      expect(c.bytes.length).toBe(44 + data.length);
    }), { numRuns: 200 });
  });

  test('a tracepoint program in the VM reads the generated fields where the layout says', () => {
    const l = tracepointLayout(SCHED_SWITCH);
    // r0 = prev_pid (sign-extended) + the length of the __data_loc filename
    const t = targetFromSource([
      '.prog_type tracepoint', 'r0 = *(s32 *)(r1 + 24)', 'r2 = *(u32 *)(r1 + 40)', 'r2 >>= 16', 'r0 += r2', 'exit',
    ].join('\n'));
    property(tracepointContextArb(l), (c) => {
      const want = BigInt.asUintN(64, (c.values.prev_pid as bigint) + BigInt((c.values.filename as Uint8Array).length));
      expect(t.run(c)).toBe(want);
    }, { numRuns: 200 });
  });

  test('hand-made layouts, unknown override names are refused', () => {
    const l = layoutOf('t', 0, [{ name: 'a', offset: 0, size: 1, signed: true }, { name: 'b', offset: 8, size: 8, signed: false }]);
    expect(l.size).toBe(16);
    fc.assert(fc.property(tracepointContextArb(l), (c) => {
      const a = c.values.a as bigint;
      return a >= -128n && a <= 127n && encodeTracepoint(l, c.values).every((x, i) => x === c.bytes[i]);
    }));
    expect(() => tracepointContextArb(l, { fields: { nope: 1n } })).toThrow(/has no field 'nope'/);
  });

  const root = '/sys/kernel/tracing/events';
  const formats = existsSync(root)
    ? ['sched/sched_switch', 'sched/sched_process_exec', 'syscalls/sys_enter_execve', 'syscalls/sys_enter_write'].map((e) => `${root}/${e}/format`).filter((p) => existsSync(p))
    : [];
  if (formats.length === 0) console.log(`skip: parsing the running kernel's tracepoint formats: ${root} is not readable here`);
  test.skipIf(formats.length === 0)("the running kernel's format files parse, and every field fits the record", () => {
    for (const path of formats) {
      const l = tracepointLayout(readFileSync(path, 'utf8'));
      expect(l.id).toBeGreaterThan(0);
      expect(l.fields[0]).toMatchObject({ name: 'common_type', offset: 0, size: 2 });
      for (const f of l.fields) expect(f.offset + f.size).toBeLessThanOrEqual(l.size);
      const [sample] = fc.sample(tracepointContextArb(l), { numRuns: 1 });
      expect(new DataView(sample!.bytes.buffer).getUint16(0, true)).toBe(l.id);
    }
    expect(readdirSync(root).length).toBeGreaterThan(0);
  });
});

describe('map contents', () => {
  const def = (type: number, keySize: number, valueSize: number, maxEntries: number): MapDef => ({ name: 'm', type, keySize, valueSize, maxEntries, flags: 0 });

  test('array: in-range unique indices, right value size', () => {
    fc.assert(fc.property(mapContentsArb(def(BPF_MAP_TYPE_ARRAY, 4, 12, 10)), (c) => {
      const idx = c.entries.map((e) => new DataView(e.key.buffer).getUint32(0, true));
      expect(new Set(idx).size).toBe(idx.length);
      expect(idx.every((i) => i < 10)).toBe(true);
      expect(c.entries.every((e) => e.value.length === 12)).toBe(true);
    }));
  });

  test('hash: unique keys, never more than max_entries', () => {
    fc.assert(fc.property(mapContentsArb(def(BPF_MAP_TYPE_HASH, 2, 8, 5), { maxEntries: 100 }), (c) => {
      const keys = c.entries.map((e) => Buffer.from(e.key).toString('hex'));
      expect(new Set(keys).size).toBe(keys.length);
      expect(c.entries.length).toBeLessThanOrEqual(5);
      expect(c.entries.every((e) => e.key.length === 2 && e.value.length === 8)).toBe(true);
    }));
  });

  test('LPM trie keys: prefix length within the data, no bits past the prefix', () => {
    fc.assert(fc.property(mapContentsArb(def(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 16)), (c) => {
      for (const { key } of c.entries) {
        const prefix = new DataView(key.buffer).getUint32(0, true);
        expect(prefix).toBeLessThanOrEqual(32);
        const data = new DataView(key.buffer).getUint32(4, false);
        expect(prefix === 32 ? 0 : data & (0xffffffff >>> prefix)).toBe(0);
      }
    }));
  });

  test('queue: values only; unsupported types and bad definitions are refused clearly', () => {
    fc.assert(fc.property(mapContentsArb(def(BPF_MAP_TYPE_QUEUE, 0, 4, 3)), (c) => c.entries.length <= 3 && c.entries.every((e) => e.key.length === 0)));
    expect(() => mapContentsArb(def(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096))).toThrow(/map 'm' \(ringbuf\): no generated contents/);
    expect(() => mapContentsArb(def(BPF_MAP_TYPE_PERCPU_ARRAY, 8, 4, 4))).toThrow(/array maps have 4-byte keys/);
  });

  const bpf = bpfAvailable();
  if (!bpf.ok) console.log(`skip: generated map contents through the kernel: ${bpf.reason}`);
  test.skipIf(!bpf.ok)('initial contents reach both the VM and the kernel map before every run', () => {
    const src = [
      '.prog_type socket_filter', '.map vals, hash, key=4, value=8, entries=8',
      '*(u32 *)(r10 - 4) = 3', 'r2 = r10', 'r2 += -4', 'r1 = map[vals] ll', 'call bpf_map_lookup_elem',
      'if r0 == 0 goto +2', 'r0 = *(u32 *)(r0 + 0)', 'exit', 'r0 = 0xffff', 'exit',
    ].join('\n');
    const mapDef: MapDef = { name: 'vals', type: BPF_MAP_TYPE_HASH, keySize: 4, valueSize: 8, maxEntries: 8, flags: 0 };
    let hits = 0;
    for (const contents of fc.sample(mapContentsArb(mapDef, { key: fc.integer({ min: 0, max: 5 }).map((i) => Uint8Array.of(i, 0, 0, 0)) }), { numRuns: 8, seed: 11 })) {
      const t = targetFromSource(src, { kernel: true, maps: [contents] });
      try {
        const hit = contents.entries.find((e) => e.key[0] === 3);
        if (hit) hits++;
        const want = hit ? BigInt(new DataView(hit.value.buffer, hit.value.byteOffset).getUint32(0, true)) : 0xffffn;
        property(packetArb(), (p) => { expect(t.run(p)).toBe(want); }, { numRuns: 5 });
        expect(t.stats.kernelRuns).toBe(5);
      } finally {
        t.close();
      }
    }
    expect(hits).toBeGreaterThan(0);
  });
});
