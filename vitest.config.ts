import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // One data folder for every CLI the suite runs (see test/support/cli.ts testDataDir).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Image files, loop devices and one Chromium at a time: keep files in sequence on a 2-core box.
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'test/artifacts/vitest-results.json' }]],
  },
});
