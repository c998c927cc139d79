/**
 * The verifier log buffer with the kernel's alignment rule for register state after an
 * instruction (`0: (b7) r0 = 42                       ; R0=42`) and log resets.
 */

/** Where a line's `;` goes: the kernel's bpf_vlog_alignment. */
export function vlogAlignment(pos: number): number {
  const v = Math.max(pos + 4, 40);
  return Math.ceil(v / 8) * 8 - pos - 1;
}

/** An append-only log that can be rewound, as struct bpf_verifier_log. */
export class VerifierLog {
  private parts: string[] = [];
  private len = 0;
  /** End position right after the last instruction text (prev_log_pos). */
  prevLogPos = 0;
  /** Length of the last instruction text including its newline (prev_insn_print_pos). */
  prevInsnPrintPos = 0;

  constructor(readonly level: 0 | 1 | 2) {}

  get enabled(): boolean {
    return this.level > 0;
  }

  get endPos(): number {
    return this.len;
  }

  write(s: string): void {
    if (this.level === 0) return;
    this.parts.push(s);
    this.len += s.length;
  }

  /** Rewind to `pos` (bpf_vlog_reset). */
  reset(pos: number): void {
    if (pos >= this.len) return;
    const text = this.text().slice(0, pos);
    this.parts = [text];
    this.len = pos;
  }

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }
}
