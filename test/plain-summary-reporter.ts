import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends the run with the plain line `N passed, N failed, N skipped`, which CI reads to count tests
 * (Vitest's own summary is not in a form it recognises). A module or suite that failed outside
 * any test (import error, failing beforeAll: Vitest then marks its tests skipped) and every
 * unhandled error count as failures, so a broken suite can never read as green.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of modules) {
      let failedTests = 0;
      for (const t of mod.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedTests++;
        else skipped++;
      }
      failed += failedTests;
      if (failedTests > 0) continue;
      const suiteFailed = [...mod.children.allSuites()].some((s) => s.state() === 'failed');
      if (mod.state() === 'failed' || suiteFailed || mod.errors().length > 0) failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
