// Small, dependency-free helpers shared by the root scripts (they must run before `pnpm install` too).
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root (this file lives in tooling/scripts/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The `packages:` globs of pnpm-workspace.yaml. Only the forms this repo uses are understood:
 * `dir/*` (every child folder with a package.json) and a plain `dir`.
 * @param {string} root
 * @returns {string[]}
 */
export function workspaceGlobs(root = repoRoot) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [];
  let inPackages = false;
  for (const line of yaml.split('\n')) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (inPackages && /^\s+-\s+/.test(line))
      globs.push(
        line
          .replace(/^\s+-\s+/, '')
          .replace(/\s+#.*$/, '')
          .replace(/^['"]|['"]$/g, '')
          .trim(),
      );
    else if (inPackages && /^\S/.test(line)) inPackages = false;
  }
  return globs;
}

/**
 * Every workspace package: `{ name, dir, manifest }`, sorted by directory.
 * @param {string} root
 */
export function workspacePackages(root = repoRoot) {
  const dirs = [];
  for (const glob of workspaceGlobs(root)) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*')) {
      const base = join(root, glob.slice(0, -2));
      if (!existsSync(base)) continue;
      for (const d of readdirSync(base, { withFileTypes: true }))
        if (d.isDirectory() && d.name !== 'node_modules') dirs.push(join(base, d.name));
    } else dirs.push(join(root, glob));
  }
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .sort()
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name ?? dir, dir, manifest };
    });
}

/**
 * How to call pnpm without a global install: the `pnpm` on PATH (npx and corepack put it there for
 * the scripts they run), else `npx -y pnpm@<packageManager version>`.
 * @returns {string[]} command and leading arguments
 */
export function pnpmCommand(root = repoRoot) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'pnpm'), constants.X_OK);
      return [join(dir, 'pnpm')];
    } catch {}
  }
  const pm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager ?? 'pnpm';
  return ['npx', '-y', pm.split('+')[0]];
}
