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
      // Timeouts only bound a hang: a test waits for events (a line printed, a file written, a
      // DOM attribute), never for a time. 30 s holds a test of up to 3 s alone on a machine 10×
      // slower (CI machines are shared: load averages of 20 on 2 cores happen); a heavier test
      // states its own timeout beside its measured time alone. Hooks get the same bound (vitest's
      // 10 s default is too short for a beforeAll that bundles or launches Chromium under load),
      // and so does expect.poll (its 1 s default is a timing assumption: a re-render that takes
      // 100 ms alone takes 1 s on a loaded machine); a poll fails before its test times out so
      // its own message shows.
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: options.testTimeout ?? 30_000,
      expect: { poll: { timeout: 15_000 } },
      setupFiles: options.setupFiles,
      reporters: ['default', 'json'],
      outputFile: { json: '.reports/vitest.json' },
      // fast-check seeds are printed on failure; keep runs reproducible by default.
      sequence: { shuffle: false },
    },
  });
}
