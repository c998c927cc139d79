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

/** How the log buffer behaves when the text outgrows it. */
export type LogMode =
  /** The default of `verify`: keep the first 16 MiB, but always append the closing lines (no ENOSPC). */
  | 'capped'
  /** The kernel without BPF_LOG_FIXED: a ring keeping the last `size - 1` characters. */
  | 'rotating'
  /** The kernel with BPF_LOG_FIXED: the first `size - 1` characters. */
  | 'fixed';

/**
 * An append-only log that can be rewound, as struct bpf_verifier_log. Positions are virtual
 * (as the kernel's start_pos / end_pos): text beyond the buffer still counts towards the size
 * the whole log needs (`trueSize`, the kernel's log_true_size) and the buffer keeps the part the
 * kernel's would, per `LogMode`. `truncated` is the kernel's ENOSPC.
 */
export class VerifierLog {
  private parts: string[] = [];
  /** Virtual position of the first character held in `parts`. */
  private base = 0;
  /** Characters held in `parts`. */
  private held = 0;
  private end = 0;
  private maxEnd = 0;
  /** Rotating mode: the oldest position still in the ring. */
  private startPos = 0;
  private readonly cap: number;
  /** Some text was dropped because the log was full. */
  truncated = false;
  /** End position right after the last instruction text (prev_log_pos). */
  prevLogPos = 0;
  /** Length of the last instruction text including its newline (prev_insn_print_pos). */
  prevInsnPrintPos = 0;

  constructor(readonly level: 0 | 1 | 2, size: number = DEFAULT_LOG_SIZE, readonly mode: LogMode = 'capped') {
    this.cap = Math.max(0, Math.floor(size) - 1);
  }

  get enabled(): boolean {
    return this.level > 0;
  }

  /** Logging is on and text written now may be kept: worth formatting. */
  get open(): boolean {
    if (this.level === 0) return false;
    if (this.mode !== 'capped' || this.end < this.cap) return true;
    this.truncated = true;
    return false;
  }

  get endPos(): number {
    return this.end;
  }

  /** The size a buffer needs to hold the whole log, NUL included (log_true_size). */
  get trueSize(): number {
    return this.level === 0 ? 0 : this.maxEnd + 1;
  }

  write(s: string): void {
    if (this.level === 0 || s.length === 0) return;
    if (this.mode === 'rotating') {
      this.append(s);
      this.startPos = Math.max(this.startPos, this.end - this.cap);
      if (this.held > 2 * this.cap + 65536) this.compact();
      return;
    }
    // Capped and fixed keep the start: only text below the capacity is held.
    const room = this.cap - this.end;
    if (s.length > room) this.truncated = true;
    if (room <= 0) {
      this.advance(s.length);
      return;
    }
    this.append(s.length > room ? s.slice(0, room) : s);
    this.advance(s.length - Math.min(s.length, room));
  }

  /** The closing message and statistics line: kept past the capacity in capped mode, else as any text. */
  writeFinal(s: string): void {
    if (this.level === 0) return;
    if (this.mode !== 'capped') {
      this.write(s);
      return;
    }
    if (this.truncated && !(this.parts[this.parts.length - 1] ?? '\n').endsWith('\n')) s = `\n${s}`;
    this.parts.push(s);
    this.held += s.length;
    this.advance(s.length);
  }

  private append(s: string): void {
    this.parts.push(s);
    this.held += s.length;
    this.end += s.length;
    if (this.end > this.maxEnd) this.maxEnd = this.end;
  }

  /** Text counted but not held (beyond a fixed buffer). */
  private advance(n: number): void {
    this.end += n;
    if (this.end > this.maxEnd) this.maxEnd = this.end;
  }

  private compact(): void {
    const text = this.parts.join('').slice(this.startPos - this.base);
    this.parts = [text];
    this.base = this.startPos;
    this.held = text.length;
  }

  /**
   * Rewind to `pos` (bpf_vlog_reset). Drops whole parts from the end and trims the last
   * one kept, so a rewind costs what it removes, not the length of the whole log.
   */
  reset(pos: number): void {
    if (pos >= this.end) return;
    const keep = Math.max(0, pos);
    this.end = keep;
    if (this.mode === 'rotating' && keep < this.startPos) this.startPos = keep;
    if (keep <= this.base) {
      this.parts = [];
      this.held = 0;
      this.base = keep;
      return;
    }
    let physEnd = this.base + this.held;
    while (this.parts.length && physEnd - this.parts[this.parts.length - 1]!.length >= keep) {
      const last = this.parts.pop()!;
      this.held -= last.length;
      physEnd -= last.length;
    }
    if (physEnd > keep) {
      const last = this.parts.pop()!;
      const cut = last.slice(0, last.length - (physEnd - keep));
      this.parts.push(cut);
      this.held -= physEnd - keep;
    }
  }

  /** The buffer's text: all of it (capped), its last `size - 1` characters (rotating) or its first (fixed). */
  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    const all = this.parts[0] ?? '';
    if (this.mode === 'rotating') return all.slice(Math.max(0, this.startPos - this.base));
    return all;
  }

  /** Whether BPF_PROG_LOAD would fail with ENOSPC: the whole log does not fit (rotating and fixed modes). */
  get enospc(): boolean {
    return this.mode !== 'capped' && this.trueSize > this.cap + 1;
  }
}
