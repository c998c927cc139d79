/**
 * `tsbpf-asm conformance PATH...`: run bpf_conformance `.data` files (or every `.data` file
 * of a directory) in the VM, print PASS/FAIL per file and `N passed, N failed`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseConformanceData } from '../asm/conformance-data.js';
import { checkConformance } from '../vm/conformance.js';
import { InputError, UsageError } from './errors.js';
import { errorMessage, registerCommand } from './main.js';

async function expand(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new InputError(`cannot read '${p}': no such file or directory`);
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.endsWith('.data')).sort();
      out.push(...names.map((n) => join(p, n)));
    } else {
      out.push(p);
    }
  }
  return out;
}

registerCommand((program, io, setExit) => {
  program
    .command('conformance')
    .description('run bpf_conformance .data files in the VM and report PASS/FAIL')
    .argument('<paths...>', '.data files or directories holding them')
    .option('--max-insns <n>', 'instruction budget per test', '1000000')
    .option('--engine <name>', 'interpreter (default) or compiled (WebAssembly, same results)')
    .addHelpText('after', '\nExample:\n  tsbpf-asm conformance ../shared/conformance/tests\n')
    .action(async (paths: string[], opts: { maxInsns: string; engine?: string }) => {
      const engine = opts.engine ?? 'interpreter';
      if (engine !== 'interpreter' && engine !== 'compiled') throw new UsageError(`--engine: '${engine}' is not an engine (interpreter or compiled)`);
      const budget = Number(opts.maxInsns);
      const files = await expand(paths);
      let passed = 0;
      let failed = 0;
      for (const f of files) {
        let line: string;
        try {
          const c = parseConformanceData(await readFile(f, 'utf8'), f);
          const v = checkConformance(c, Number.isInteger(budget) && budget > 0 ? budget : 1_000_000, engine);
          line = v.pass ? `PASS ${basename(f)}` : `FAIL ${basename(f)}: ${v.reason}`;
          if (v.pass) passed++;
          else failed++;
        } catch (e) {
          line = `FAIL ${basename(f)}: ${errorMessage(e)}`;
          failed++;
        }
        io.stdout(`${line}\n`);
      }
      io.stdout(`${passed} passed, ${failed} failed\n`);
      setExit(failed > 0 ? 1 : 0);
    });
});
