#!/usr/bin/env node
// Run before the tests: builds the site when .vitepress/dist is missing or older than anything it is
// built from (the pages, the theme and demos, the examples, the packages' sources, the corpus,
// tiny-gpt's sources).
// Under turbo the build task has just run (test dependsOn build), so this finds it fresh and returns.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(docs, '../..');
const builtAt = join(docs, '.vitepress', 'dist', 'index.html');
const SKIP = new Set(['node_modules', 'dist', 'cache', '.reports', '.turbo', 'api']);

/** The newest modification time under `path` (files only, build outputs skipped). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const sources = [
  ...[
    'index.md',
    'course',
    'guide',
    'examples',
    'public',
    'scripts',
    'src',
    '.vitepress',
    'package.json',
  ].map((p) => join(docs, p)),
  ...readdirSync(join(repo, 'packages')).map((p) => join(repo, 'packages', p, 'src')),
  join(repo, 'apps', 'tiny-gpt', 'corpus'),
  // the capstone's download is written by tiny-gpt's format code (tiny-gpt/format)
  join(repo, 'apps', 'tiny-gpt', 'src'),
  join(repo, 'apps', 'tiny-gpt', 'package.json'),
];
const built = existsSync(builtAt) ? statSync(builtAt).mtimeMs : 0;
const changed = Math.max(...sources.map(newest));
if (built > changed) {
  console.log('docs: the built site is up to date');
} else {
  console.log(
    built ? 'docs: sources changed since the last build: building the site' : 'docs: building the site',
  );
  for (const [cmd, args] of [
    [process.execPath, [join(docs, 'scripts', 'api.mjs')]],
    [join(docs, 'node_modules', '.bin', 'vitepress'), ['build']],
    [process.execPath, [join(docs, 'scripts', 'check-links.mjs')]],
  ]) {
    const r = spawnSync(cmd, args, { cwd: docs, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
