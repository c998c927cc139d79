/**
 * A minimal WebAssembly binary writer: a growable byte buffer with LEB128 integers and the
 * opcodes the eBPF compiler emits (names follow the WebAssembly text format).
 */

/** WebAssembly opcodes used by the compiler. */
export const W = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d,
  brTable: 0x0e, return: 0x0f, call: 0x10, drop: 0x1a, select: 0x1b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i64Load: 0x29, i64Load8S: 0x30, i64Load8U: 0x31, i64Load16S: 0x32, i64Load16U: 0x33,
  i64Load32S: 0x34, i64Load32U: 0x35, i32Store: 0x36, i64Store: 0x37, i64Store8: 0x3c, i64Store16: 0x3d, i64Store32: 0x3e,
  i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GtU: 0x4b, i32LeS: 0x4c, i32LeU: 0x4d, i32GeS: 0x4e, i32GeU: 0x4f,
  i64Eqz: 0x50, i64Eq: 0x51, i64Ne: 0x52, i64LtS: 0x53, i64LtU: 0x54, i64GtS: 0x55, i64GtU: 0x56, i64LeS: 0x57, i64LeU: 0x58, i64GeS: 0x59, i64GeU: 0x5a,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32DivS: 0x6d, i32DivU: 0x6e, i32RemS: 0x6f, i32RemU: 0x70, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73,
  i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76, i32Rotl: 0x77, i32Rotr: 0x78,
  i64Add: 0x7c, i64Sub: 0x7d, i64Mul: 0x7e, i64DivS: 0x7f, i64DivU: 0x80, i64RemS: 0x81, i64RemU: 0x82, i64And: 0x83, i64Or: 0x84, i64Xor: 0x85,
  i64Shl: 0x86, i64ShrS: 0x87, i64ShrU: 0x88, i64Rotl: 0x89, i64Rotr: 0x8a,
  i32WrapI64: 0xa7, i64ExtendI32S: 0xac, i64ExtendI32U: 0xad,
  i32Extend8S: 0xc0, i32Extend16S: 0xc1, i64Extend8S: 0xc2, i64Extend16S: 0xc3, i64Extend32S: 0xc4,
  prefixFC: 0xfc,
} as const;

/** Value and block types. */
export const T = { i32: 0x7f, i64: 0x7e, void: 0x40, func: 0x60 } as const;

/** A growable byte buffer with WebAssembly encodings. */
export class WasmWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
  }

  private grow(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < this.length + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.bytes.subarray(0, this.length));
    this.bytes = b;
  }

  /** One byte. */
  op(b: number): this {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = b;
    return this;
  }

  /** Two bytes (an opcode and an immediate byte). */
  op2(a: number, b: number): this {
    this.grow(2);
    this.bytes[this.length++] = a;
    this.bytes[this.length++] = b;
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(v: number): this {
    if (this.length + 5 > this.bytes.length) this.grow(5);
    if (v >= 0 && v < 128) {
      this.bytes[this.length++] = v;
      return this;
    }
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.bytes[this.length++] = b;
    } while (x !== 0);
    return this;
  }

  /** Signed LEB128 of an int32. */
  s32(v: number): this {
    if (this.length + 5 > this.bytes.length) this.grow(5);
    if (v >= -64 && v < 64) {
      this.bytes[this.length++] = v & 0x7f;
      return this;
    }
    let x = v | 0;
    for (;;) {
      const b = x & 0x7f;
      x >>= 7;
      if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
        this.bytes[this.length++] = b;
        return this;
      }
      this.bytes[this.length++] = b | 0x80;
    }
  }

  /** Signed LEB128 of the 64-bit value with int32 halves `lo`, `hi`. */
  s64(lo: number, hi: number): this {
    if (hi === lo >> 31) return this.s32(lo);
    this.grow(10);
    let l = lo >>> 0;
    let h = hi | 0;
    for (;;) {
      const b = l & 0x7f;
      // shift the 64-bit pair right by 7 (arithmetic)
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>= 7;
      const done = (h === 0 && l === 0 && (b & 0x40) === 0) || (h === -1 && l === 0xffffffff && (b & 0x40) !== 0);
      if (done) {
        this.bytes[this.length++] = b;
        return this;
      }
      this.bytes[this.length++] = b | 0x80;
    }
  }

  /** `i32.const v`. */
  i32(v: number): this {
    if (this.length + 6 > this.bytes.length) this.grow(6);
    this.bytes[this.length++] = W.i32Const;
    return this.s32(v);
  }

  /** An opcode with a local index or other small unsigned immediate. */
  private opU(opcode: number, i: number): this {
    if (this.length + 6 > this.bytes.length) this.grow(6);
    if (i < 128) {
      this.bytes[this.length++] = opcode;
      this.bytes[this.length++] = i;
      return this;
    }
    this.bytes[this.length++] = opcode;
    return this.u32(i);
  }

  /** `i64.const` of the halves `lo`, `hi`. */
  i64(lo: number, hi: number): this {
    return this.op(W.i64Const).s64(lo, hi);
  }

  /** `local.get i`. */
  get(i: number): this {
    return this.opU(W.localGet, i);
  }

  /** `local.set i`. */
  set(i: number): this {
    return this.opU(W.localSet, i);
  }

  /** `local.tee i`. */
  tee(i: number): this {
    return this.opU(W.localTee, i);
  }

  /** A memory instruction with alignment hint 0 and a static offset. */
  mem(opcode: number, offset: number): this {
    if (this.length + 7 > this.bytes.length) this.grow(7);
    this.bytes[this.length++] = opcode;
    this.bytes[this.length++] = 0;
    return this.u32(offset);
  }

  /** Raw bytes. */
  raw(b: ArrayLike<number>): this {
    this.grow(b.length);
    if (b instanceof Uint8Array) {
      this.bytes.set(b, this.length);
      this.length += b.length;
      return this;
    }
    for (let i = 0; i < b.length; i++) this.bytes[this.length++] = b[i]!;
    return this;
  }

  /** A UTF-8 name with its length. */
  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).raw(b);
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
