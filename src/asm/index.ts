/** The assembler and disassembler: both dialects, directives, labels, `AsmError`. */
export { assemble, type AssembleOptions } from './assemble.js';
export { AsmError, formatDiagnostic, type AsmDiagnostic } from './asm-error.js';
export { detectDialect, type Dialect } from './dialect.js';
export { parseConformanceData, type ConformanceCase } from './conformance-data.js';
export { printProgram, printInsn, type PrintOptions } from './printer.js';
