// Subcommand files, by the command names they register. Each file registers itself on import;
// `runCli` imports only the file of the command being run (all of them for help), so that
// `tsbpf-asm assemble` does not load the VM, the verifier or koffi.
// Add one entry per subcommand file.
export const COMMAND_FILES: Readonly<Record<string, () => Promise<unknown>>> = {
  assemble: () => import('./assemble.js'),
  disasm: () => import('./disasm.js'),
  run: () => import('./run.js'),
  conformance: () => import('./conformance.js'),
  verify: () => import('./verify.js'),
  load: () => import('./load.js'),
  'test-run': () => import('./test-run.js'),
  attach: () => import('./attach.js'),
  progs: () => import('./kernel-lists.js'),
  maps: () => import('./kernel-lists.js'),
};
