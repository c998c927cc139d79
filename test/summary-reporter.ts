/**
 * Ends a vitest run with one plain line, `N passed, N failed, N skipped`, after the default
 * reporter's summary, so CI logs close on a count any reader understands. A test file that
 * fails to load, and an unhandled error, count as failed.
 */
import type { Reporter, TestModule } from 'vitest/node';

interface SerializedErrorLike {
  readonly message?: string;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedErrorLike>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of modules) {
      let tests = 0;
      for (const t of m.children.allTests()) {
        tests++;
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (tests === 0 && m.state() === 'failed') failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
