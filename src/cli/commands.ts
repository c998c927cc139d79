// Each subcommand file registers itself on import; add one line per subcommand.
import './assemble.js';
import './disasm.js';
import './run.js';
import './conformance.js';
import './load.js';
import './test-run.js';
import './attach.js';
import './kernel-lists.js';
import './verify.js';
