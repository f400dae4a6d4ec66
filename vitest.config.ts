import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Shared contract suites are imported by each implementation's test, never run alone.
    exclude: ['**/node_modules/**', 'dist/**', '**/*.case.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
  },
});
