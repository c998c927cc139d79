/**
 * Opcode constants with the kernel's uapi spelling (include/uapi/linux/bpf.h, bpf_common.h).
 *
 * An instruction is 8 bytes, little-endian on the hosts we target:
 *
 *     msb                                                        lsb
 *     +------------------------+----------------+----+----+--------+
 *     |immediate (32)          |offset (16)     |src |dst |opcode  |
 *     +------------------------+----------------+----+----+--------+
 *
 * The opcode byte is split by class. ALU and jump classes:
 *
 *     +----------------+--------+--------------------+
 *     |   op (4 bits)  | src(1) |   class (3 bits)   |
 *     +----------------+--------+--------------------+
 *
 * Load and store classes:
 *
 *     +--------+--------+-------------------+
 *     |mode (3)|size (2)|   class (3 bits)  |
 *     +--------+--------+-------------------+
 */

// Instruction classes (3 low bits).
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;

/** The class bits of an opcode: `BPF_CLASS(0x07 | 0x08) === BPF_ALU64`. */
export const BPF_CLASS = (code: number): number => code & 0x07;
/** The size bits of a load/store opcode. */
export const BPF_SIZE = (code: number): number => code & 0x18;
/** The mode bits of a load/store opcode. */
export const BPF_MODE = (code: number): number => code & 0xe0;
/** The operation bits of an ALU/jump opcode. */
export const BPF_OP = (code: number): number => code & 0xf0;
/** The source bit of an ALU/jump opcode. */
export const BPF_SRC = (code: number): number => code & 0x08;

// Load/store sizes.
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_DW = 0x18;

// Load/store modes.
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_MEMSX = 0x80;
export const BPF_ATOMIC = 0xc0;

// Source operand.
export const BPF_K = 0x00;
export const BPF_X = 0x08;

// ALU operations.
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_MOV = 0xb0;
export const BPF_ARSH = 0xc0;
export const BPF_END = 0xd0;

// Byte-order conversion direction (the source bit of BPF_END).
export const BPF_TO_LE = 0x00;
export const BPF_TO_BE = 0x08;
export const BPF_FROM_LE = BPF_TO_LE;
export const BPF_FROM_BE = BPF_TO_BE;

// Jump operations.
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_JNE = 0x50;
export const BPF_JSGT = 0x60;
export const BPF_JSGE = 0x70;
export const BPF_CALL = 0x80;
export const BPF_EXIT = 0x90;
export const BPF_JLT = 0xa0;
export const BPF_JLE = 0xb0;
export const BPF_JSLT = 0xc0;
export const BPF_JSLE = 0xd0;
export const BPF_JCOND = 0xe0;

/** The only BPF_JCOND condition the kernel knows, carried in src_reg. */
export const BPF_MAY_GOTO = 0;

// Atomic operations, carried in the immediate of BPF_STX | BPF_ATOMIC.
export const BPF_FETCH = 0x01;
export const BPF_XCHG = 0xe0 | BPF_FETCH;
export const BPF_CMPXCHG = 0xf0 | BPF_FETCH;
export const BPF_LOAD_ACQ = 0x100;
export const BPF_STORE_REL = 0x110;

// Pseudo sources of BPF_LD | BPF_IMM | BPF_DW.
export const BPF_PSEUDO_MAP_FD = 1;
export const BPF_PSEUDO_MAP_VALUE = 2;
export const BPF_PSEUDO_BTF_ID = 3;
export const BPF_PSEUDO_FUNC = 4;
export const BPF_PSEUDO_MAP_IDX = 5;
export const BPF_PSEUDO_MAP_IDX_VALUE = 6;

// Sources of BPF_JMP | BPF_CALL.
export const BPF_PSEUDO_CALL = 1;
export const BPF_PSEUDO_KFUNC_CALL = 2;

/** Registers r0..r10; r10 is the read-only frame pointer. */
export const MAX_BPF_REG = 11;
export const BPF_REG_FP = 10;
/** Bytes of stack per frame. */
export const MAX_BPF_STACK = 512;
/** Size of one instruction slot in bytes. */
export const BPF_INSN_SIZE = 8;
