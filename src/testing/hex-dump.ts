/**
 * A readable hex dump: offset, hex bytes in two groups of eight, and printable ASCII.
 *
 * ```
 * 0000  00 11 22 33 44 55 66 77  88 99 aa bb 08 00 45 00  |.."3DUfw......E.|
 * ```
 */

/** Options of `hexDump`. */
export interface HexDumpOptions {
  /** Bytes per line (default 16). */
  readonly width?: number;
  /** Dump at most this many bytes, then say how many were left out (default all). */
  readonly maxBytes?: number;
}

/**
 * The bytes as lines of `offset  hex  |ascii|`; an empty input gives `(0 bytes)`.
 * @example hexDump(Uint8Array.of(0x45, 0x00)) // '0000  45 00  ...  |E.|'
 */
export function hexDump(bytes: Uint8Array, opts: HexDumpOptions = {}): string {
  const width = opts.width ?? 16;
  if (bytes.length === 0) return '(0 bytes)';
  const shown = Math.min(bytes.length, opts.maxBytes ?? bytes.length);
  const offWidth = Math.max(4, (bytes.length - 1).toString(16).length);
  const lines: string[] = [];
  for (let o = 0; o < shown; o += width) {
    const row = bytes.subarray(o, Math.min(o + width, shown));
    let hex = '';
    for (let i = 0; i < width; i++) {
      if (i > 0) hex += i === width / 2 ? '  ' : ' ';
      hex += i < row.length ? row[i]!.toString(16).padStart(2, '0') : '  ';
    }
    let ascii = '';
    for (const c of row) ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    lines.push(`${o.toString(16).padStart(offWidth, '0')}  ${hex}  |${ascii}|`);
  }
  if (shown < bytes.length) lines.push(`... ${bytes.length - shown} more bytes (${bytes.length} in all)`);
  return lines.join('\n');
}
