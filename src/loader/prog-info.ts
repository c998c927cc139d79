import type { Insn } from '../isa/insn.js';
import { decode } from '../isa/decode.js';
import { BPF_OBJ_GET_INFO_BY_FD } from './bpf-cmd.js';
import { BpfAttr, bpf } from './bpf-syscall.js';
import { addressOf } from './native.js';

/** What BPF_OBJ_GET_INFO_BY_FD tells about a loaded program. */
export interface ProgInfo {
  readonly type: number;
  readonly id: number;
  /** The kernel's 8-byte tag as 16 hex digits. */
  readonly tag: string;
  readonly jitedLen: number;
  readonly xlatedLen: number;
  /** Load time, ns since boot. */
  readonly loadTime: bigint;
  readonly createdByUid: number;
  readonly mapIds: readonly number[];
  readonly name: string;
  readonly gplCompatible: boolean;
  /** Instructions the verifier processed. */
  readonly verifiedInsns: number;
  readonly runTimeNs: bigint;
  readonly runCnt: bigint;
  /** The translated (post-verifier) instructions as bytes. */
  readonly xlated: Uint8Array;
  /** `xlated` decoded by our ISA model; undefined when it holds something we do not model. */
  readonly insns: readonly Insn[] | undefined;
  /** Why `insns` is undefined. */
  readonly decodeError?: string;
}

/** What BPF_OBJ_GET_INFO_BY_FD tells about a map. */
export interface MapInfo {
  readonly type: number;
  readonly id: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly name: string;
}

const INFO_SIZE = 256;

function infoCall(fd: number, info: Uint8Array, what: string): void {
  bpf(BPF_OBJ_GET_INFO_BY_FD, new BpfAttr().u32(0, fd).u32(4, info.byteLength).ptr(8, info), what);
}

function cString(buf: Buffer, off: number, len: number): string {
  const s = buf.subarray(off, off + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

/**
 * Program info by fd, with the xlated instructions read back and decoded.
 * @example progInfo(prog.fd).tag
 */
export function progInfo(fd: number): ProgInfo {
  const first = Buffer.alloc(INFO_SIZE);
  infoCall(fd, first, 'of a program');
  const xlatedLen = first.readUInt32LE(20);
  const nrMapIds = first.readUInt32LE(52);
  const info = Buffer.alloc(INFO_SIZE);
  const xlated = new Uint8Array(xlatedLen);
  const mapIds = new Uint32Array(nrMapIds);
  const mapIdBytes = new Uint8Array(mapIds.buffer);
  info.writeUInt32LE(xlatedLen, 20);
  info.writeBigUInt64LE(addressOf(xlated), 32);
  info.writeUInt32LE(nrMapIds, 52);
  info.writeBigUInt64LE(addressOf(mapIdBytes), 56);
  infoCall(fd, info, 'of a program');
  // xlated and mapIdBytes stay referenced below, so they outlive the call.
  let insns: Insn[] | undefined;
  let decodeError: string | undefined;
  try {
    insns = decode(xlated);
  } catch (e) {
    decodeError = e instanceof Error ? e.message : String(e);
  }
  const base = {
    type: info.readUInt32LE(0),
    id: info.readUInt32LE(4),
    tag: info.subarray(8, 16).toString('hex'),
    jitedLen: info.readUInt32LE(16),
    xlatedLen,
    loadTime: info.readBigUInt64LE(40),
    createdByUid: info.readUInt32LE(48),
    mapIds: [...mapIds.subarray(0, Math.min(nrMapIds, info.readUInt32LE(52)))],
    name: cString(info, 64, 16),
    gplCompatible: (info.readUInt32LE(84) & 1) === 1,
    verifiedInsns: info.readUInt32LE(216),
    runTimeNs: info.readBigUInt64LE(192),
    runCnt: info.readBigUInt64LE(200),
    xlated,
    insns,
  };
  return decodeError === undefined ? base : { ...base, decodeError };
}

/** Map info by fd. */
export function mapInfo(fd: number): MapInfo {
  const info = Buffer.alloc(INFO_SIZE);
  infoCall(fd, info, 'of a map');
  return {
    type: info.readUInt32LE(0),
    id: info.readUInt32LE(4),
    keySize: info.readUInt32LE(8),
    valueSize: info.readUInt32LE(12),
    maxEntries: info.readUInt32LE(16),
    flags: info.readUInt32LE(20),
    name: cString(info, 24, 16),
  };
}
