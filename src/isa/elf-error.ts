/**
 * A malformed or unsupported ELF object: the message names where (file offset,
 * section, relocation index) and what is wrong, e.g.
 * `section 'xdp': relocation 3: R_BPF_64_64 on a non-lddw instruction at offset 0x18`.
 */
export class ElfError extends Error {
  /** Section name, when the problem is inside one. */
  readonly section: string | undefined;
  /** File offset of the offending bytes, when known. */
  readonly fileOffset: number | undefined;

  constructor(message: string, where: { section?: string; fileOffset?: number } = {}) {
    super(message);
    this.name = 'ElfError';
    this.section = where.section;
    this.fileOffset = where.fileOffset;
  }
}
