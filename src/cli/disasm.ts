/**
 * `tsbpf-asm disasm FILE [--syntax pseudo-c|mnemonic] [--labels]`: print the instructions
 * of raw `struct bpf_insn[]` bytes or hex text as source that re-assembles to the same bytes.
 */
import { Option } from 'commander';
import type { Dialect } from '../asm/dialect.js';
import { printProgram } from '../asm/printer.js';
import { loadProgramFile } from './input.js';
import { registerCommand } from './main.js';

registerCommand((program, io) => {
  program
    .command('disasm')
    .description('disassemble eBPF bytecode (raw bytes or hex text) to pseudo-C or mnemonic source')
    .argument('<file>', 'raw struct bpf_insn[] bytes (.bin) or hex text; .s and .data are read too')
    .addOption(new Option('--syntax <dialect>', 'output dialect').choices(['pseudo-c', 'mnemonic']).default('pseudo-c'))
    .option('--labels', 'print jump and call targets as labels instead of +N offsets')
    .addHelpText('after', '\nExamples:\n  tsbpf-asm disasm prog.bin\n  tsbpf-asm disasm prog.hex --syntax mnemonic --labels\n')
    .action(async (file: string, opts: { syntax: Dialect; labels?: boolean }) => {
      const { program: prog } = await loadProgramFile(file);
      io.stdout(printProgram(prog, { syntax: opts.syntax, labels: opts.labels === true }));
    });
});
