/**
 * The verifier log buffer with the kernel's alignment rule for register state after an
 * instruction (`0: (b7) r0 = 42                       ; R0=42`) and log resets.
 */

/** Where a line's `;` goes: the kernel's bpf_vlog_alignment. */
export function vlogAlignment(pos: number): number {
  const v = Math.max(pos + 4, 40);
  return Math.ceil(v / 8) * 8 - pos - 1;
}

/** Default log capacity in characters: libbpf's BPF_LOG_BUF_SIZE (UINT32_MAX >> 8, 16 MiB). */
export const DEFAULT_LOG_SIZE = 0xffffffff >>> 8;

/**
 * An append-only log that can be rewound, as struct bpf_verifier_log. Like a BPF_LOG_FIXED
 * buffer of `size` bytes it keeps only the first `size - 1` characters; text past that is
 * dropped and `truncated` is set (the kernel would answer ENOSPC; here the verdict stands).
 */
export class VerifierLog {
  private parts: string[] = [];
  private len = 0;
  private readonly cap: number;
  /** Some text was dropped because the log was full. */
  truncated = false;
  /** End position right after the last instruction text (prev_log_pos). */
  prevLogPos = 0;
  /** Length of the last instruction text including its newline (prev_insn_print_pos). */
  prevInsnPrintPos = 0;

  constructor(readonly level: 0 | 1 | 2, size: number = DEFAULT_LOG_SIZE) {
    this.cap = Math.max(0, Math.floor(size) - 1);
  }

  get enabled(): boolean {
    return this.level > 0;
  }

  /** Logging is on and the buffer has room: worth formatting text for. */
  get open(): boolean {
    if (this.level > 0 && this.len < this.cap) return true;
    if (this.level > 0) this.truncated = true;
    return false;
  }

  get endPos(): number {
    return this.len;
  }

  write(s: string): void {
    if (this.level === 0 || s.length === 0) return;
    if (this.len + s.length > this.cap) {
      this.truncated = true;
      s = s.slice(0, this.cap - this.len);
      if (s.length === 0) return;
    }
    this.parts.push(s);
    this.len += s.length;
  }

  /** Append past the capacity: the closing message and statistics line always appear. */
  writeFinal(s: string): void {
    if (this.level === 0) return;
    if (this.truncated && !(this.parts[this.parts.length - 1] ?? '\n').endsWith('\n')) s = `\n${s}`;
    this.parts.push(s);
    this.len += s.length;
  }

  /**
   * Rewind to `pos` (bpf_vlog_reset). Drops whole parts from the end and trims the last
   * one kept, so a rewind costs what it removes, not the length of the whole log.
   */
  reset(pos: number): void {
    if (pos >= this.len) return;
    const keep = Math.max(0, pos);
    while (this.parts.length && this.len - this.parts[this.parts.length - 1]!.length >= keep) {
      this.len -= this.parts.pop()!.length;
    }
    if (this.len > keep) {
      const last = this.parts.pop()!;
      const cut = last.slice(0, last.length - (this.len - keep));
      this.parts.push(cut);
      this.len = keep;
    }
  }

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }
}
