/**
 * `tsbpf-asm progs [--xlated ID] [--json]` and `tsbpf-asm maps [--dump ID] [--json]`: list the
 * programs and maps loaded in the kernel (root), dump a program's translated instructions
 * decoded by our ISA model, or a map's entries.
 */
import { printInsn } from '../asm/printer.js';
import { slotIndices } from '../isa/insn.js';
import { mapTypeName } from '../isa/map-types.js';
import { progTypeName } from '../isa/prog-types.js';
import { closeFd, listMaps, listPrograms, openMapById, programFdById, progInfo, type ProgInfo } from '../loader/index.js';
import { formatMap } from './attach.js';
import { UsageError } from './errors.js';
import { requireKernel } from './load.js';
import { intOption } from './options.js';
import { type CliIo, registerCommand } from './main.js';

function progJson(p: ProgInfo): Record<string, unknown> {
  return {
    id: p.id, type: progTypeName(p.type), name: p.name, tag: p.tag, xlatedLen: p.xlatedLen, jitedLen: p.jitedLen,
    mapIds: p.mapIds, verifiedInsns: p.verifiedInsns, gplCompatible: p.gplCompatible, runCnt: Number(p.runCnt), runTimeNs: Number(p.runTimeNs),
  };
}

function dumpXlated(id: number, io: CliIo, syntax: 'mnemonic' | 'pseudo-c'): void {
  const fd = programFdById(id);
  let info: ProgInfo;
  try {
    info = progInfo(fd);
  } finally {
    closeFd(fd);
  }
  io.stdout(`${info.id}: ${progTypeName(info.type)}${info.name ? ` name ${info.name}` : ''} tag ${info.tag}, xlated ${info.xlatedLen} bytes\n`);
  if (!info.insns) {
    io.stdout(`  (xlated code not decoded: ${info.decodeError ?? 'not available'})\n  ${Buffer.from(info.xlated).toString('hex')}\n`);
    return;
  }
  const slots = slotIndices(info.insns);
  info.insns.forEach((insn, i) => io.stdout(`${String(slots[i]).padStart(5)}: ${printInsn(insn, { syntax })}\n`));
}

registerCommand((program, io) => {
  program
    .command('progs')
    .description('list the programs loaded in the kernel (root); --xlated ID dumps one program\'s translated code')
    .option('--xlated <id>', 'print the translated instructions of the program with this id')
    .option('--syntax <dialect>', 'pseudo-c (default) or mnemonic, for --xlated', 'pseudo-c')
    .option('--json', 'print JSON')
    .action((opts: { xlated?: string; syntax?: string; json?: boolean }) => {
      if (opts.syntax !== 'pseudo-c' && opts.syntax !== 'mnemonic') throw new UsageError(`--syntax: '${opts.syntax}' is not pseudo-c or mnemonic`);
      requireKernel();
      if (opts.xlated !== undefined) {
        dumpXlated(intOption('--xlated', opts.xlated, 0), io, opts.syntax);
        return;
      }
      const progs = listPrograms();
      if (opts.json === true) {
        io.stdout(`${JSON.stringify(progs.map(progJson))}\n`);
        return;
      }
      for (const p of progs) {
        io.stdout(`${p.id}: ${progTypeName(p.type)}${p.name ? ` name ${p.name}` : ''} tag ${p.tag}${p.gplCompatible ? ' gpl' : ''}\n`);
        io.stdout(`\txlated ${p.xlatedLen}B  jited ${p.jitedLen}B  verified ${p.verifiedInsns} insns${p.mapIds.length ? `  map_ids ${p.mapIds.join(',')}` : ''}\n`);
      }
    });

  program
    .command('maps')
    .description('list the maps in the kernel (root); --dump ID prints one map\'s entries')
    .option('--dump <id>', 'print the entries of the map with this id')
    .option('--max-entries <n>', 'entries to print with --dump', '64')
    .option('--json', 'print JSON')
    .action((opts: { dump?: string; maxEntries?: string; json?: boolean }) => {
      requireKernel();
      if (opts.dump !== undefined) {
        using m = openMapById(intOption('--dump', opts.dump, 0));
        io.stdout(`${formatMap(m, intOption('--max-entries', opts.maxEntries, 64)).join('\n')}\n`);
        return;
      }
      const maps = listMaps();
      if (opts.json === true) {
        io.stdout(`${JSON.stringify(maps.map((m) => ({ ...m, type: mapTypeName(m.type) })))}\n`);
        return;
      }
      for (const m of maps) {
        io.stdout(`${m.id}: ${mapTypeName(m.type)}${m.name ? ` name ${m.name}` : ''}  key ${m.keySize}B  value ${m.valueSize}B  max_entries ${m.maxEntries}${m.flags ? `  flags 0x${m.flags.toString(16)}` : ''}\n`);
      }
    });
});
