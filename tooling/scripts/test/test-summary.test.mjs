import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanReports, countVitestReport, summarize, totalsLine } from '../test-summary.mjs';
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
