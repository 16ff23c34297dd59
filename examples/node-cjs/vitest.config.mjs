// Plain vitest settings (this example stands alone: no workspace presets), with the repository's
// conventions: timeouts only bound a hang, and a JSON report for the totals of `pnpm run ci`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.mjs'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.reports/vitest.json' },
  },
});
