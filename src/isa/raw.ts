/** One 8-byte slot as its five fields: the layout of the kernel's `struct bpf_insn`. */
export interface RawInsn {
  /** Opcode byte. */
  code: number;
  /** dst_reg, 4 bits. */
  dst: number;
  /** src_reg, 4 bits. */
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

/** Read slot `index` of `bytes` (little-endian). */
export function readRaw(view: DataView, index: number): RawInsn {
  const o = index * 8;
  const regs = view.getUint8(o + 1);
  return {
    code: view.getUint8(o),
    dst: regs & 0x0f,
    src: regs >> 4,
    off: view.getInt16(o + 2, true),
    imm: view.getInt32(o + 4, true),
  };
}

/** Write slot `index` of `view` (little-endian). */
export function writeRaw(view: DataView, index: number, raw: RawInsn): void {
  const o = index * 8;
  view.setUint8(o, raw.code);
  view.setUint8(o + 1, (raw.src << 4) | raw.dst);
  view.setInt16(o + 2, raw.off, true);
  view.setInt32(o + 4, raw.imm, true);
}
