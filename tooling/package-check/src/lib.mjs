// Pure helpers of the package check: discovery, manifest checks, and small process utilities.
// Kept apart from check.mjs so they can be unit-tested without packing anything.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Every publishable package: each directory under packages/ that has a package.json.
 * New packages are picked up by existing, never by editing this list.
 * @param {string} root the monorepo root
 * @returns {{ name: string, version: string, dir: string, dirName: string, manifest: Record<string, unknown> }[]}
 */
export function discoverPackages(root) {
  const base = join(root, 'packages');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'package.json')))
    .map((d) => {
      const dir = join(base, d.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, dir, dirName: d.name, manifest };
    })
    .sort((a, b) => a.dirName.localeCompare(b.dirName));
}

const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const PATH_FIELDS = ['main', 'module', 'types', 'typings', 'browser', 'bin', 'exports', 'imports'];

/** All string leaves of a JSON value, with their key paths. */
function* leaves(value, path = []) {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* leaves(value[i], [...path, i]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* leaves(v, [...path, k]);
}

/** Condition names anywhere inside an exports/imports map. */
function* conditionKeys(value) {
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* conditionKeys(v);
    }
  else if (Array.isArray(value)) for (const v of value) yield* conditionKeys(v);
}

/**
 * Checks the package.json that ended up inside a packed tarball: publishConfig must have replaced the
 * development exports (no `dendrite-source` condition, nothing pointing into src/), with the same
 * subpaths as the workspace package.json (an entry added to `exports` and forgotten in
 * `publishConfig.exports` would not be published), and every `workspace:` dependency must have been
 * rewritten to a real version.
 * @param {Record<string, any>} manifest the packed package.json
 * @param {Record<string, any>} [source] the workspace package.json it was packed from
 * @returns {string[]} problems, empty when the manifest is publishable
 */
export function checkPackedManifest(manifest, source) {
  const problems = [];
  if (source?.exports && typeof source.exports === 'object' && !Array.isArray(source.exports)) {
    const packed = new Set(Object.keys(manifest.exports ?? {}));
    for (const subpath of Object.keys(source.exports)) {
      if (!packed.has(subpath))
        problems.push(
          `exports[${JSON.stringify(subpath)}] is in the workspace package.json but not in publishConfig.exports: the published package would not have it`,
        );
    }
  }
  for (const field of ['exports', 'imports']) {
    for (const key of conditionKeys(manifest[field])) {
      if (key === 'dendrite-source')
        problems.push(`${field} still has the development-only "dendrite-source" condition`);
    }
  }
  for (const field of PATH_FIELDS) {
    for (const [path, value] of leaves(manifest[field])) {
      if (/^(\.\/)?src\//.test(value) || /\.tsx?$/.test(value.replace(/\.d\.[cm]?ts$/, '.d')))
        problems.push(
          `${field}${path.map((k) => `[${JSON.stringify(k)}]`).join('')} points at source "${value}"`,
        );
    }
  }
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (typeof range === 'string' && range.startsWith('workspace:'))
        problems.push(`${field}.${dep} is still "${range}" (pack with pnpm so it is rewritten)`);
    }
  }
  if (JSON.stringify(manifest).includes('dendrite-source') && problems.length === 0)
    problems.push('"dendrite-source" appears in the packed package.json');
  return [...new Set(problems)];
}

/**
 * The specifiers to import for a package: its name plus every JavaScript subpath of its exports
 * (`./package.json`, other .json/.css files and patterns are skipped).
 * @param {Record<string, any>} manifest
 * @returns {string[]}
 */
export function importSpecifiers(manifest) {
  const { name, exports } = manifest;
  if (exports === undefined || typeof exports === 'string' || Array.isArray(exports)) return [name];
  const keys = Object.keys(exports);
  if (!keys.some((k) => k.startsWith('.'))) return [name]; // a bare conditions object for "."
  return keys
    .filter((k) => !k.includes('*') && !/\.(json|css)$/.test(k))
    .map((k) => (k === '.' ? name : `${name}/${k.replace(/^\.\//, '')}`));
}

/**
 * Whether an export subpath is Node-only by name: `./node` and `./node-*` (`@dendrite/nn/node`,
 * `@dendrite/backend-gpujs/node-webgpu`). Every other JavaScript subpath must bundle for the browser.
 * @param {string} subpath an exports key, e.g. `./node`
 */
export function isNodeOnlySubpath(subpath) {
  return /^\.\/node(-|$)/.test(subpath);
}

/**
 * The specifiers a browser bundle must be able to take: {@link importSpecifiers} less the Node-only
 * subpaths ({@link isNodeOnlySubpath}).
 * @param {Record<string, any>} manifest
 * @returns {string[]}
 */
export function browserSpecifiers(manifest) {
  return importSpecifiers(manifest).filter(
    (spec) => spec === manifest.name || !isNodeOnlySubpath(`.${spec.slice(manifest.name.length)}`),
  );
}

/**
 * A TypeScript file that loads the types of every given specifier (a user who imports each one):
 * `import type * as m0 from '<spec>'` lines and one exported tuple type using them all.
 * @param {string[]} specs
 */
export function typesFile(specs) {
  const lines = specs.map((spec, i) => `import type * as m${i} from '${spec}';`);
  lines.push(`export type Loaded = [${specs.map((_, i) => `typeof m${i}`).join(', ')}];`, '');
  return `// Generated by the package check: every public subpath's types, as a user imports them.\n${lines.join('\n')}`;
}

/**
 * The diagnostics in `tsc --pretty false` output: one per `file(line,col): error TSnnnn: message`
 * line, with the indented lines that follow (elaborations) kept in its message.
 * @param {string} output
 * @returns {{ file: string, line: number, code: string, message: string }[]}
 */
export function parseTscDiagnostics(output) {
  const out = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m) out.push({ file: m[1], line: Number(m[2]), code: m[3], message: m[4] });
    else if (/^\s+\S/.test(line) && out.length > 0) out[out.length - 1].message += `\n${line.trim()}`;
    else if (/^error (TS\d+): /.test(line)) out.push({ file: '', line: 0, code: '', message: line });
  }
  return out;
}

/**
 * The package a diagnostic belongs to: the one whose installed files it is in
 * (`node_modules/<name>/`), else the one a generated file is named after (`types/<dir>.mts`),
 * else undefined (a file of the check itself).
 * @param {string} file a path as tsc printed it
 * @param {{ name: string, dirName: string }[]} packages
 */
export function diagnosticOwner(file, packages) {
  const norm = file.replace(/\\/g, '/');
  const installed = packages.find((p) => norm.includes(`node_modules/${p.name}/`));
  if (installed) return installed;
  const base = norm.slice(norm.lastIndexOf('/') + 1).replace(/\.[cm]?ts$/, '');
  return packages.find((p) => base === p.dirName);
}

/** Environment for a child npm: drops the npm_* variables a pnpm script run sets, keeps network settings. */
export function cleanNpmEnv(env = process.env) {
  const keep =
    /^npm_config_(registry|cache|proxy|https_proxy|http_proxy|noproxy|strict_ssl|cafile|userconfig)$/i;
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
}

function onPath(bin) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {}
  }
  return undefined;
}

/**
 * How to call pnpm: the `pnpm` this script runs under when it is on PATH (npx and corepack put it
 * there), else `npx -y pnpm@<packageManager version>` — nothing needs to be installed globally.
 * @param {string} root
 * @returns {string[]} command and leading arguments
 */
export function pnpmCommand(root) {
  const found = onPath('pnpm');
  if (found) return [found];
  const pm = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager ?? 'pnpm';
  return ['npx', '-y', pm.split('+')[0]];
}

/**
 * Runs a command and collects its output; never throws for a non-zero exit.
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(cmd, args, options = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (err) => resolvePromise({ code: 127, stdout, stderr: `${stderr}${err.message}\n` }));
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

export { mapLimit } from '@dendrite/scripts/map-limit';

/** Indents a block of text for printing under a package's line. */
export function indent(text, prefix = '    ') {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}
