#!/usr/bin/env node
// Release check for every package under packages/* (builds are assumed done):
//   1. `pnpm pack` it, so publishConfig.exports replaces the development exports and workspace:
//      ranges become versions; the packed package.json must carry no "dendrite-source" condition
//      and no path into src/;
//   2. publint, and @arethetypeswrong/cli with the node16 profile (node16 from CommonJS and from
//      ES modules, and bundler resolution) on the tarball;
//   3. `npm install` all tarballs together into a scratch project, then, as a user would:
//      - import every export subpath by name from plain Node ESM, and require each from CommonJS
//        (the same module instance both ways); smoke/<dir>.mjs and smoke/<dir>.cjs run;
//      - typecheck TypeScript that loads every subpath's types and uses nn without importing
//        autograd, under `strict` with default target/lib: module node16 (ESM .mts and CommonJS
//        .cts) and moduleResolution bundler;
//      - bundle every subpath but the Node-only ones (./node, ./node-*) with esbuild for the browser:
//        no warning, no error.
// Prints one line per package and exits non-zero on any failure.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unpack } from '@publint/pack';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import {
  browserSpecifiers,
  checkPackedManifest,
  cleanNpmEnv,
  diagnosticOwner,
  discoverPackages,
  importSpecifiers,
  indent,
  mapLimit,
  parseTscDiagnostics,
  pnpmCommand,
  run,
  typesFile,
} from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const toolDir = resolve(here, '..');
const root = resolve(toolDir, '../..');

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
    report: { type: 'string', default: join(toolDir, '.reports', 'package-check.json') },
  },
});

const started = performance.now();
let packages = discoverPackages(root);
if (opts.only?.length) {
  // The named packages plus the workspace packages they depend on (npm needs their tarballs too).
  const byName = new Map(packages.map((p) => [p.name, p]));
  const keep = new Set(packages.filter((p) => opts.only.includes(p.name) || opts.only.includes(p.dirName)));
  for (const p of keep)
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'])
      for (const dep of Object.keys(p.manifest[field] ?? {})) if (byName.has(dep)) keep.add(byName.get(dep));
  packages = packages.filter((p) => keep.has(p));
}
if (packages.length === 0) {
  console.error('package-check: no packages found under packages/*');
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), 'dendrite-package-check-'));
const tarDir = join(work, 'tarballs');
await mkdir(tarDir);
const pnpm = pnpmCommand(root);
const attwBin = (() => {
  const pj = join(toolDir, 'node_modules', '@arethetypeswrong', 'cli', 'package.json');
  const bin = JSON.parse(readFileSync(pj, 'utf8')).bin;
  return join(dirname(pj), typeof bin === 'string' ? bin : bin.attw);
})();
const noColor = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
// TypeScript: the workspace's (the root's devDependency). esbuild: the one tsup ships, reached
// through the shared tsup preset's package, as the packages' own tests reach it.
const tscBin = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const esbuild = createRequire(
  createRequire(join(toolDir, 'node_modules', '@dendrite', 'config', 'package.json')).resolve('tsup'),
)('esbuild');

/** @typedef {{ name: string, version: string, dirName: string, dir: string, steps: string[], problems: string[], tarball?: string, packed?: Record<string, any> }} Result */

/** Pack, inspect, publint and attw one package. */
async function checkOne(pkg) {
  /** @type {Result} */
  const r = {
    name: pkg.name,
    version: pkg.version,
    dirName: pkg.dirName,
    dir: pkg.dir,
    steps: [],
    problems: [],
  };
  const fail = (step, detail) => r.problems.push(`${step}: ${detail}`);

  if (typeof pkg.manifest.scripts?.build === 'string' && !existsSync(join(pkg.dir, 'dist'))) {
    fail('build', 'no dist/: its build failed or did not run (the check packs built packages)');
    return r;
  }

  const packed = await run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', tarDir, '--json'], {
    cwd: pkg.dir,
    env: noColor,
  });
  let filename;
  try {
    filename = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('{'))).filename;
  } catch {}
  if (packed.code !== 0 || !filename || !existsSync(filename)) {
    fail('pack', `pnpm pack failed (exit ${packed.code})\n${indent(packed.stderr || packed.stdout)}`);
    return r;
  }
  r.tarball = filename;
  r.steps.push('pack');

  const tarball = await readFile(filename);
  const { files, rootDir } = await unpack(
    tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength),
  );
  const manifestFile = files.find((f) => f.name === `${rootDir}/package.json`);
  if (!manifestFile) {
    fail('tarball', 'no package.json in the tarball');
    return r;
  }
  r.packed = JSON.parse(new TextDecoder().decode(manifestFile.data));
  const manifestProblems = checkPackedManifest(r.packed, pkg.manifest);
  for (const p of manifestProblems) fail('manifest', p);
  if (manifestProblems.length === 0) r.steps.push(`manifest (${files.length} files)`);

  const lint = await publint({ pkgDir: rootDir, pack: { files }, level: 'warning' });
  const serious = lint.messages.filter((m) => m.type !== 'suggestion');
  for (const m of serious) fail(`publint ${m.type}`, formatMessage(m, lint.pkg, { color: false }) ?? m.code);
  if (serious.length === 0) r.steps.push('publint');

  const attw = await run(
    process.execPath,
    [attwBin, filename, '--profile', 'node16', '--format', 'ascii', '--no-color', '--no-emoji'],
    { cwd: pkg.dir, env: noColor },
  );
  if (attw.code !== 0)
    fail('attw', `problems found (exit ${attw.code})\n${indent(attw.stdout + attw.stderr)}`);
  else r.steps.push('attw');
  return r;
}

/** Installs every tarball into one scratch project and imports each package by name. */
async function installAndImport(results) {
  const packedOk = results.filter((r) => r.tarball && r.packed);
  if (packedOk.length === 0) return;
  const scratch = join(work, 'scratch');
  await mkdir(scratch);
  await writeFile(
    join(scratch, 'package.json'),
    `${JSON.stringify({ name: 'dendrite-package-check-scratch', private: true, type: 'module' }, null, 2)}\n`,
  );
  const install = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...packedOk.map((r) => r.tarball),
    ],
    { cwd: scratch, env: cleanNpmEnv(noColor) },
  );
  if (install.code !== 0) {
    for (const r of packedOk)
      r.problems.push(
        `npm install: failed (exit ${install.code})\n${indent(install.stderr || install.stdout)}`,
      );
    return;
  }
  // Each workspace package must come from its tarball, never a registry copy (a range that the
  // packed version does not satisfy would make npm fetch one, nested under the dependent).
  const names = new Set(results.map((r) => r.name));
  const lock = JSON.parse(await readFile(join(scratch, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!names.has(name) || String(entry.resolved ?? '').startsWith('file:')) continue;
    const owner =
      results.find((r) => path.startsWith(`node_modules/${r.name}/`)) ?? results.find((r) => r.name === name);
    owner?.problems.push(
      `npm install: ${path} came from ${entry.resolved ?? 'somewhere else'}, not from its packed tarball`,
    );
  }
  for (const r of packedOk) r.steps.push('npm install');

  // Every export subpath of every package, imported from ESM and required from CommonJS.
  const specs = Object.fromEntries(packedOk.map((r) => [r.name, importSpecifiers(r.packed)]));
  await writeFile(join(scratch, 'specs.json'), `${JSON.stringify(specs, null, 2)}\n`);
  for (const [script, label] of [
    ['import-all.mjs', 'import'],
    ['require-all.cjs', 'require'],
  ]) {
    await copyFile(join(toolDir, 'scratch', script), join(scratch, script));
    const ran = await run(process.execPath, [script], { cwd: scratch });
    let report;
    try {
      report = JSON.parse(ran.stdout.trim().split('\n').at(-1));
    } catch {
      for (const r of packedOk)
        r.problems.push(`${label}: ${script} failed\n${indent(ran.stderr || ran.stdout)}`);
      continue;
    }
    for (const r of packedOk) {
      const rows = report[r.name] ?? [];
      const bad = rows.filter((x) => x.error);
      for (const x of bad) r.problems.push(`${label} ${x.spec}: ${x.error}`);
      if (bad.length === 0) r.steps.push(`${label} (${rows.map((x) => x.exports).join('+')} exports)`);
    }
  }

  for (const r of packedOk) {
    for (const ext of ['mjs', 'cjs']) {
      const smoke = join(toolDir, 'smoke', `${r.dirName}.${ext}`);
      if (!existsSync(smoke)) continue;
      const target = join(scratch, `smoke-${r.dirName}.${ext}`);
      await copyFile(smoke, target);
      const s = await run(process.execPath, [target], { cwd: scratch });
      if (s.code !== 0) r.problems.push(`smoke/${r.dirName}.${ext}: failed\n${indent(s.stderr || s.stdout)}`);
      else r.steps.push(`smoke .${ext} (${s.stdout.trim().split('\n').at(-1)})`);
    }
  }

  await Promise.all([typecheck(scratch, packedOk), bundleForBrowser(scratch, packedOk)]);
}

/**
 * A user's TypeScript against the installed packages: `strict: true` and nothing else about
 * target or lib (TypeScript's defaults: ES2022 under node16, ES5 + DOM under bundler), no
 * skipLibCheck. Two programs per resolution mode: types/<dir>.{mts,cts,ts} load every subpath's
 * types; usage.{mts,cts,ts} alone uses nn's layers and backward() without importing
 * @dendrite/autograd (alone: in a program that also loads autograd's types, its augmentation would
 * apply anyway). Errors go to the package whose files they are in (usage.*: @dendrite/nn, whose
 * types must carry autograd's).
 */
async function typecheck(scratch, packedOk) {
  await mkdir(join(scratch, 'types'));
  const usage = await readFile(join(toolDir, 'types', 'usage.ts'), 'utf8');
  const nn = packedOk.find((r) => r.dirName === 'nn');
  const modes = {
    node16: { options: { module: 'node16' }, exts: ['mts', 'cts'] },
    bundler: { options: { module: 'esnext', moduleResolution: 'bundler' }, exts: ['ts'] },
  };
  const programs = [];
  for (const [mode, { options, exts }] of Object.entries(modes)) {
    const types = [];
    for (const ext of exts) {
      await writeFile(join(scratch, `usage.${ext}`), usage);
      for (const r of packedOk) {
        await writeFile(join(scratch, 'types', `${r.dirName}.${ext}`), typesFile(importSpecifiers(r.packed)));
        types.push(`types/${r.dirName}.${ext}`);
      }
    }
    programs.push({ name: `types-${mode}`, mode, options, files: types });
    // (with --only, nn may not be there: then there is no usage to check)
    if (nn) programs.push({ name: `usage-${mode}`, mode, options, files: exts.map((ext) => `usage.${ext}`) });
  }
  const errors = new Map(packedOk.map((r) => [r, { node16: [], bundler: [] }]));
  await mapLimit(programs, 2, async ({ name, mode, options, files }) => {
    const config = `tsconfig.${name}.json`;
    const compilerOptions = { strict: true, noEmit: true, ...options };
    await writeFile(join(scratch, config), JSON.stringify({ compilerOptions, files }, null, 2));
    const tsc = await run(process.execPath, [tscBin, '-p', config, '--pretty', 'false'], { cwd: scratch });
    const diagnostics = parseTscDiagnostics(tsc.stdout + tsc.stderr);
    if (tsc.code !== 0 && diagnostics.length === 0)
      diagnostics.push({
        file: '',
        line: 0,
        code: '',
        message: `tsc failed (exit ${tsc.code}): ${tsc.stderr}`,
      });
    for (const d of diagnostics) {
      const owner = diagnosticOwner(d.file, packedOk) ?? (d.file.startsWith('usage.') ? nn : undefined);
      for (const r of owner ? [owner] : packedOk)
        errors.get(r)[mode].push(`${d.file}(${d.line}): ${d.code} ${d.message}`);
    }
  });
  for (const r of packedOk)
    for (const mode of Object.keys(modes)) {
      const list = errors.get(r)[mode];
      if (list.length === 0) r.steps.push(`types ${mode}`);
      else
        r.problems.push(
          `types (${mode}, strict, default lib): ${list.length} error(s)\n${indent(list.slice(0, 8).join('\n'))}`,
        );
    }
}

/**
 * Every subpath but the Node-only ones (./node, ./node-*), bundled by name with esbuild for the
 * browser, the whole module kept (re-exported): any warning or error fails its package.
 */
async function bundleForBrowser(scratch, packedOk) {
  await mkdir(join(scratch, 'browser'));
  for (const r of packedOk) {
    const specs = browserSpecifiers(r.packed);
    const entryPoints = [];
    for (const [i, spec] of specs.entries()) {
      const file = join(scratch, 'browser', `${r.dirName}-${i}.mjs`);
      await writeFile(file, `export * from '${spec}';\n`);
      entryPoints.push(file);
    }
    let messages;
    try {
      const out = await esbuild.build({
        entryPoints,
        bundle: true,
        platform: 'browser',
        format: 'esm',
        outdir: join(scratch, 'browser', 'out'),
        write: false,
        logLevel: 'silent',
      });
      messages = out.warnings.map((m) => ['warning', m]);
    } catch (e) {
      messages = [
        ...(e.errors ?? []).map((m) => ['error', m]),
        ...(e.warnings ?? []).map((m) => ['warning', m]),
      ];
      if (messages.length === 0) messages = [['error', { text: String(e?.message ?? e) }]];
    }
    if (messages.length === 0) r.steps.push(`browser bundle (${specs.length})`);
    else
      r.problems.push(
        `browser bundle (esbuild --platform=browser of ${specs.join(', ')}): ${messages.length} message(s)\n${indent(
          messages
            .slice(0, 8)
            .map(([kind, m]) => {
              const at = m.location
                ? ` (${m.location.file}:${m.location.line}: ${m.location.lineText.trim()})`
                : '';
              return `${kind}: ${m.text}${at}`;
            })
            .join('\n'),
        )}`,
      );
  }
}

let results = [];
try {
  results = await mapLimit(packages, 2, checkOne);
  await installAndImport(results);
} finally {
  if (opts.keep) console.log(`package-check: kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

for (const r of results) {
  const id = `${r.name}@${r.version}`;
  if (r.problems.length === 0) console.log(`ok    ${id.padEnd(32)} ${r.steps.join(' · ')}`);
  else {
    console.log(
      `FAIL  ${id.padEnd(32)} ${r.problems.length} problem(s); passed: ${r.steps.join(' · ') || 'nothing'}`,
    );
    for (const p of r.problems) console.log(indent(p));
  }
}
const failed = results.filter((r) => r.problems.length > 0);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `package-check: ${results.length - failed.length} of ${results.length} package(s) ok, ${failed.length} failing (${seconds}s)`,
);

await mkdir(dirname(opts.report), { recursive: true });
await writeFile(
  opts.report,
  `${JSON.stringify(
    {
      passed: results.length - failed.length,
      failed: failed.length,
      packages: results.map((r) => ({
        name: r.name,
        version: r.version,
        ok: r.problems.length === 0,
        steps: r.steps,
        problems: r.problems,
      })),
    },
    null,
    2,
  )}\n`,
);
process.exit(failed.length > 0 ? 1 : 0);
