// The one vitest preset every Dendrite package tests with.
// Workspace packages resolve to their TypeScript sources (the `dendrite-source` export
// condition), so tests and typechecks never wait on a build of the packages they import.
import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * @param {{ testTimeout?: number, include?: string[], environment?: 'node' | 'happy-dom', setupFiles?: string[] }} [options]
 */
export function vitestPreset(options = {}) {
  const name = basename(process.cwd());
  return defineConfig({
    resolve: {
      conditions: ['dendrite-source', 'module', 'import', 'default'],
    },
    ssr: {
      resolve: {
        conditions: ['dendrite-source', 'module', 'import', 'node', 'default'],
      },
    },
    test: {
      name,
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: options.environment ?? 'node',
      testTimeout: options.testTimeout ?? 30_000,
      setupFiles: options.setupFiles,
      reporters: ['default', 'json'],
      outputFile: { json: '.reports/vitest.json' },
      // fast-check seeds are printed on failure; keep runs reproducible by default.
      sequence: { shuffle: false },
    },
  });
}
