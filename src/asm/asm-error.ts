/** One problem in an assembly source: where it is and what is wrong. */
export interface AsmDiagnostic {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column number. */
  readonly col: number;
  readonly message: string;
  /** The text of the offending line, without its line break. */
  readonly sourceLine: string;
}

/**
 * Render one diagnostic the way compilers do: location, message, source line, caret.
 * @example formatDiagnostic(d) // "prog.s:3:1: error: unknown mnemonic 'movv'\nmovv r0, 1\n^"
 */
export function formatDiagnostic(d: AsmDiagnostic): string {
  const pad = d.sourceLine.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, ' ');
  return `${d.file}:${d.line}:${d.col}: error: ${d.message}\n${d.sourceLine}\n${pad}^`;
}

/**
 * Assembly failed. `diagnostics` holds every error of the file (not just the first);
 * `message` is the full printable report, one located error with its caret per diagnostic.
 */
export class AsmError extends Error {
  readonly diagnostics: readonly AsmDiagnostic[];

  constructor(diagnostics: readonly AsmDiagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'AsmError';
    this.diagnostics = diagnostics;
  }
}
