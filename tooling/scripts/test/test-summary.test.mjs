import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanReports, countVitestReport, failureLines, summarize, totalsLine } from '../test-summary.mjs';
import { workspaceGlobs, workspacePackages } from '../workspace.mjs';

const passing = {
  success: true,
  numPassedTests: 7,
  numFailedTests: 0,
  testResults: [{ status: 'passed', assertionResults: [] }],
};

function write(root, file, value) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), typeof value === 'string' ? value : JSON.stringify(value));
}

describe('countVitestReport', () => {
  it('sums passed, failed and skipped tests', () => {
    const c = countVitestReport({
      ...passing,
      numFailedTests: 2,
      numPendingTests: 1,
      numTodoTests: 1,
      success: false,
    });
    expect(c).toMatchObject({ passed: 7, failed: 2, skipped: 2, brokenFiles: 0, noTests: false });
  });

  it('counts a test file that failed to load as one failure', () => {
    const report = {
      success: false,
      numPassedTests: 3,
      numFailedTests: 0,
      testResults: [
        { status: 'failed', message: 'Transform failed', assertionResults: [] },
        { status: 'passed', assertionResults: [{ status: 'passed' }] },
      ],
    };
    expect(countVitestReport(report)).toMatchObject({ passed: 3, failed: 1, brokenFiles: 1 });
  });

  it('does not count a file twice when its tests failed', () => {
    const report = {
      success: false,
      numPassedTests: 0,
      numFailedTests: 1,
      testResults: [{ status: 'failed', assertionResults: [{ status: 'failed' }] }],
    };
    expect(countVitestReport(report).failed).toBe(1);
  });

  it('counts a failed run with no tests (no test files found) as one failure', () => {
    expect(
      countVitestReport({ success: false, numPassedTests: 0, numFailedTests: 0, testResults: [] }),
    ).toMatchObject({
      failed: 1,
      noTests: true,
    });
  });
});

describe('failureLines', () => {
  it('names each failing test with its file and the first line of its error, colours stripped', () => {
    const report = {
      success: false,
      testResults: [
        {
          name: '/repo/packages/p/src/a.test.ts',
          status: 'failed',
          assertionResults: [
            { status: 'passed', fullName: 'a works' },
            {
              status: 'failed',
              fullName: 'a › the page logged no error',
              failureMessages: [
                '\n\u001b[31mAssertionError: expected [ …(1) ] to deeply equal []\u001b[39m\n    at x',
              ],
            },
          ],
        },
        {
          name: '/repo/packages/p/src/b.test.ts',
          status: 'failed',
          message: 'Hook timed out in 30000ms\nmore',
          assertionResults: [],
        },
      ],
    };
    expect(failureLines(report, '/repo/packages/p')).toEqual([
      '✗ src/a.test.ts › a › the page logged no error: AssertionError: expected [ …(1) ] to deeply equal []',
      '✗ src/b.test.ts (the file failed to run): Hook timed out in 30000ms',
    ]);
  });

  it('cuts long messages and names at most 20 failures per report', () => {
    const assertionResults = Array.from({ length: 25 }, (_, i) => ({
      status: 'failed',
      fullName: `t${i}`,
      failureMessages: ['x'.repeat(1000)],
    }));
    const lines = failureLines(
      { testResults: [{ name: '/p/f.test.ts', status: 'failed', assertionResults }] },
      '/p',
    );
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe(`✗ f.test.ts › t0: ${'x'.repeat(239)}…`);
    expect(lines[20]).toBe('✗ … and 5 more');
  });

  it('names nothing for a passing report', () => {
    expect(failureLines(passing, '/p')).toEqual([]);
  });
});

describe('summarize', () => {
  let root;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dendrite-summary-'));
    write(
      root,
      'pnpm-workspace.yaml',
      "packages:\n  - packages/*\n  - 'apps/*' # apps\n\nallowBuilds:\n  esbuild: true\n",
    );
    write(root, 'packages/a/package.json', { name: '@x/a', scripts: { test: 'vitest run' } });
    write(root, 'packages/a/.reports/vitest.json', passing);
    write(root, 'packages/b/package.json', { name: '@x/b', scripts: { test: 'node --test' } });
    write(root, 'packages/c/package.json', { name: '@x/c', scripts: { build: 'tsup' } });
    write(root, 'apps/d/package.json', { name: 'd', scripts: { test: 'vitest run' } });
    write(root, 'apps/d/.reports/vitest.json', {
      ...passing,
      numPassedTests: 1,
      numFailedTests: 1,
      success: false,
    });
    write(root, 'apps/notapackage/README.md', 'no package.json here');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the workspace globs and finds the packages', () => {
    expect(workspaceGlobs(root)).toEqual(['packages/*', 'apps/*']);
    expect(workspacePackages(root).map((p) => p.name)).toEqual(['d', '@x/a', '@x/b', '@x/c']);
  });

  it('sums every report and counts a package without one as a failure', () => {
    const s = summarize({ root });
    expect(totalsLine(s)).toBe('8 passed, 2 failed');
    expect(s.lines.join('\n')).toMatch(/@x\/b .*no vitest report; its tests did not run/);
  });

  it("names a package's failing tests below its line", () => {
    write(root, 'apps/d/.reports/vitest.json', {
      success: false,
      numPassedTests: 0,
      numFailedTests: 1,
      testResults: [
        {
          name: join(root, 'apps/d/src/x.test.ts'),
          status: 'failed',
          assertionResults: [
            { status: 'failed', fullName: 'x adds', failureMessages: ['expected 3 to be 4'] },
          ],
        },
      ],
    });
    const lines = summarize({ root }).lines;
    const at = lines.findIndex((l) => l.startsWith('tests  d '));
    expect(lines[at + 1]).toBe(`         ✗ ${join('src', 'x.test.ts')} › x adds: expected 3 to be 4`);
  });

  it('counts a report-less package by its turbo task, and adds the package check', () => {
    write(root, '.reports/ci-steps.json', {
      steps: [{ name: 'biome check .', ok: false, detail: 'exit 1' }],
      tasks: { '@x/b#test': { ok: true } },
    });
    write(root, 'tooling/package-check/.reports/package-check.json', { passed: 2, failed: 1 });
    const s = summarize({ root });
    expect(totalsLine(s)).toBe('11 passed, 2 failed');
    expect(s.lines).toContain('step   biome check . FAILED: exit 1');
  });

  it('never counts a stale report after cleanReports', () => {
    write(root, 'tooling/package-check/.reports/package-check.json', { passed: 2, failed: 0 });
    cleanReports(root);
    expect(totalsLine(summarize({ root }))).toBe('0 passed, 3 failed');
  });
});
