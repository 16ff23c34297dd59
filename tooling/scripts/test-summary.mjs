#!/usr/bin/env node
// The closing line of `pnpm ci` and .ci/run: `N passed, N failed`, the real totals across the repo.
//
//   tests     every workspace package with a `test` script writes .reports/vitest.json (the shared
//             vitest preset); its numPassedTests / numFailedTests are summed. A test file that failed
//             to load (no failing test inside it, status failed) counts as one failure, and so does a
//             failed run that reported no tests at all (e.g. "No test files found"). A package whose
//             test task left no report counts as one failure, unless turbo says its test task
//             succeeded (a runner other than vitest): then it counts as one pass, and says so.
//   packages  each package of the package check (tooling/package-check) counts as one test.
//             Each failing test is named below its package's line (file, full name, the first line of
//             its error), so a failure can be read from the end of a long log.
//   steps     build/lint/typecheck/package-check failures recorded by tooling/scripts/check.mjs in
//             .reports/ci-steps.json are listed above the line; they do not change the test counts
//             but do make `pnpm ci` exit non-zero.
//
// Usage: node tooling/scripts/test-summary.mjs [--clean] [--note TEXT] [--exit-code]
//   --clean      delete every report this script reads, print nothing (run before a fresh CI run)
//   --note       an extra line to print above the totals (e.g. "install failed")
//   --exit-code  exit 1 when anything failed
//   --totals-only  print only the totals line when the check steps ran (their details are already above)
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { repoRoot, workspacePackages } from './workspace.mjs';

export const STEPS_FILE = join('.reports', 'ci-steps.json');
export const PACKAGE_CHECK_REPORT = join('tooling', 'package-check', '.reports', 'package-check.json');
const VITEST_REPORT = join('.reports', 'vitest.json');

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Counts one vitest JSON report.
 * @param {any} report the parsed .reports/vitest.json
 * @returns {{ passed: number, failed: number, skipped: number, files: number, brokenFiles: number, noTests: boolean }}
 */
export function countVitestReport(report) {
  const passed = Number(report.numPassedTests) || 0;
  let failed = Number(report.numFailedTests) || 0;
  const skipped = (Number(report.numPendingTests) || 0) + (Number(report.numTodoTests) || 0);
  const results = Array.isArray(report.testResults) ? report.testResults : [];
  // A file that failed without a failing test in it: a syntax error, an import that throws, a hook.
  const brokenFiles = results.filter(
    (f) =>
      f.status === 'failed' &&
      !(Array.isArray(f.assertionResults) && f.assertionResults.some((a) => a.status === 'failed')),
  ).length;
  failed += brokenFiles;
  // A run that failed and counted no failure at all (e.g. "No test files found").
  const noTests = report.success === false && failed === 0;
  if (noTests) failed += 1;
  return { passed, failed, skipped, files: results.length, brokenFiles, noTests };
}

/** At most this many failures are named per package; the rest are counted. */
const NAMED_FAILURES = 20;
/** A failure's message is cut to this many characters. */
const MESSAGE_CHARS = 240;

/**
 * The failing tests of one vitest JSON report, and the files that failed to run, one line each:
 * `✗ file › full name: first line of the error`.
 * @param {any} report the parsed .reports/vitest.json
 * @param {string} dir the package's folder (file paths are shown relative to it)
 * @returns {string[]}
 */
export function failureLines(report, dir) {
  const lines = [];
  const results = Array.isArray(report.testResults) ? report.testResults : [];
  const firstLine = (text) => {
    const line =
      String(text ?? '')
        .split('\n')
        .find((l) => l.trim() !== '') ?? '(no message)';
    const plain = stripVTControlCharacters(line).trim();
    return plain.length > MESSAGE_CHARS ? `${plain.slice(0, MESSAGE_CHARS - 1)}…` : plain;
  };
  for (const file of results) {
    const name = typeof file.name === 'string' ? relative(dir, file.name) || file.name : '(unnamed file)';
    const tests = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    const failing = tests.filter((a) => a.status === 'failed');
    for (const a of failing) {
      lines.push(`✗ ${name} › ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
    }
    if (file.status === 'failed' && failing.length === 0) {
      lines.push(`✗ ${name} (the file failed to run): ${firstLine(file.message)}`);
    }
  }
  if (lines.length > NAMED_FAILURES) {
    const more = lines.length - NAMED_FAILURES;
    return [...lines.slice(0, NAMED_FAILURES), `✗ … and ${more} more`];
  }
  return lines;
}

/**
 * Totals over the repo.
 * @param {{ root?: string }} [options]
 * @returns {{ passed: number, failed: number, skipped: number, lines: string[] }}
 */
export function summarize({ root = repoRoot } = {}) {
  const lines = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const ci = readJson(join(root, STEPS_FILE));
  /** @type {Record<string, { ok: boolean } | undefined>} */
  const tasks = ci?.tasks ?? {};

  for (const pkg of workspacePackages(root)) {
    if (typeof pkg.manifest.scripts?.test !== 'string') continue;
    const report = readJson(join(pkg.dir, VITEST_REPORT));
    if (report) {
      const c = countVitestReport(report);
      passed += c.passed;
      failed += c.failed;
      skipped += c.skipped;
      const extra = [
        c.skipped ? `${c.skipped} skipped` : '',
        c.brokenFiles ? `${c.brokenFiles} file(s) failed to run` : '',
        c.noTests ? 'the run failed without running a test' : '',
      ].filter(Boolean);
      lines.push(
        `tests  ${pkg.name.padEnd(28)} ${String(c.passed).padStart(5)} ok ${String(c.failed).padStart(4)} failing  ${c.files} file(s)${extra.length ? `; ${extra.join('; ')}` : ''}`,
      );
      for (const line of failureLines(report, pkg.dir)) lines.push(`         ${line}`);
      continue;
    }
    const task = tasks[`${pkg.name}#test`];
    if (task?.ok) {
      passed += 1;
      lines.push(`tests  ${pkg.name.padEnd(28)} no vitest report; its test task succeeded (counted as 1 ok)`);
    } else {
      failed += 1;
      const why = task ? 'its test task failed' : 'its tests did not run';
      lines.push(`tests  ${pkg.name.padEnd(28)} no vitest report; ${why} (counted as 1 failing)`);
    }
  }

  const check = readJson(join(root, PACKAGE_CHECK_REPORT));
  if (check) {
    passed += Number(check.passed) || 0;
    failed += Number(check.failed) || 0;
    lines.push(
      `check  ${'package check'.padEnd(28)} ${String(check.passed).padStart(5)} ok ${String(check.failed).padStart(4)} failing  (one per package)`,
    );
  }

  for (const step of ci?.steps ?? []) {
    if (!step.ok) lines.push(`step   ${step.name} FAILED${step.detail ? `: ${step.detail}` : ''}`);
  }
  return { passed, failed, skipped, lines };
}

/** The closing line, exactly as CI reads it. */
export function totalsLine({ passed, failed }) {
  return `${passed} passed, ${failed} failed`;
}

/** Deletes every report `summarize` reads, so a run never counts a stale one. */
export function cleanReports(root = repoRoot) {
  for (const pkg of workspacePackages(root)) rmSync(join(pkg.dir, VITEST_REPORT), { force: true });
  rmSync(join(root, PACKAGE_CHECK_REPORT), { force: true });
  rmSync(join(root, STEPS_FILE), { force: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      clean: { type: 'boolean', default: false },
      note: { type: 'string', multiple: true },
      'exit-code': { type: 'boolean', default: false },
      'totals-only': { type: 'boolean', default: false },
    },
  });
  if (values.clean) {
    cleanReports();
    process.exit(0);
  }
  const s = summarize();
  const stepsRan = existsSync(join(repoRoot, STEPS_FILE));
  if (!(values['totals-only'] && stepsRan)) {
    for (const line of s.lines) console.log(line);
    for (const note of values.note ?? []) console.log(`note   ${note}`);
    if (!stepsRan) console.log(`note   no ${STEPS_FILE}: the check steps did not run`);
  }
  console.log(totalsLine(s));
  process.exit(values['exit-code'] && (s.failed > 0 || s.lines.some((l) => l.startsWith('step'))) ? 1 : 0);
}
