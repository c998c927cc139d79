/**
 * Shared pieces of the example tests: reading and assembling `examples/`, the
 * tracepoint formats, and whether the real kernel can be asked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../src/asm/index.js';
import type { Program } from '../../src/isa/program.js';
import { bpfAvailable } from '../../src/loader/index.js';
import { parseFormat, type TracepointFormat } from './tracepoint-record.js';

/** Absolute path of a file under `examples/`. */
export function examplePath(rel: string): string {
  return fileURLToPath(new URL(`../../examples/${rel}`, import.meta.url));
}

/** The bytes of a file under `examples/`. */
export function exampleBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(examplePath(rel)));
}

/** An example `.s` file assembled, with its path in error locations. */
export function exampleProgram(rel: string): Program {
  const file = examplePath(rel);
  return assemble(readFileSync(file, 'utf8'), { file: `examples/${rel}` });
}

/** The format file stored in `examples/formats/` for tracepoint `name`. */
export function storedFormat(name: string): TracepointFormat {
  return parseFormat(readFileSync(examplePath(`formats/${name}.format`), 'utf8'));
}

const TRACEFS = '/sys/kernel/tracing';

/** The running kernel's format of `category/name`, or undefined when tracefs is not readable. */
export function liveFormat(tracepoint: string): TracepointFormat | undefined {
  const path = `${TRACEFS}/events/${tracepoint}/format`;
  if (!existsSync(path)) return undefined;
  return parseFormat(readFileSync(path, 'utf8'));
}

const availability = bpfAvailable();

/** Can these tests use bpf(2)? */
export const canBpf: boolean = availability.ok;

/** Print the one line that says why kernel tests of `what` are skipped; returns `canBpf`. */
export function announceKernel(what: string): boolean {
  if (!availability.ok) console.log(`skip: ${what} in the kernel: ${availability.reason}`);
  return availability.ok;
}
