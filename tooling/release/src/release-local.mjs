#!/usr/bin/env node
// `pnpm release:local`: the release, rehearsed end to end against a throwaway registry on this
// machine. The working tree is only read; everything happens in a temporary folder that is removed
// at the end, whatever happens (Ctrl-C and SIGTERM included).
//
//   registry   Verdaccio on 127.0.0.1, a port the OS picks, its own storage, no uplink, one
//              throwaway user whose token goes into the scratch copy's .npmrc
//   scratch    a copy of the files git sees in the working tree (tracked and untracked, not
//              ignored), committed in a fresh git repository (changesets reads commits for the
//              CHANGELOG lines, `changeset tag` writes tags)
//   then, with the same commands as .github/workflows/release.yml:
//     install   pnpm install --frozen-lockfile
//     build     pnpm run release:build     (turbo run build --filter=./packages/*)
//     version   pnpm run release:version   (changeset version)
//     publish   pnpm run release:publish   (pnpm publish -r …, then changeset tag)
//   The build runs before `changeset version` here, reading the working tree's turbo cache
//   read-only: a build does not depend on the version field, and the versioned package.json files
//   would miss every cache entry (a full build of every package is minutes on a 2-core machine).
//   `--build-after-version` runs the workflow's literal order with a cold cache instead.
//   checks    what the registry holds against what the changesets call for (versions, internal
//             ranges, no private package, files, engines/repository, CHANGELOG.md)
//   users     fresh projects outside the workspace, each routing only @dendrite/* to the registry:
//             `npm install @dendrite/tensor @dendrite/nn @dendrite/optim` + a training loop; each
//             public package installed alone and imported by name (import, and require where
//             exported); each README's install line and its example programs (typechecked, run);
//             and examples/node-* sample apps when that folder exists (npm install, npm test).
//
// Usage: node tooling/release/src/release-local.mjs [--report FILE] [--keep] [--serve]
//                                                   [--build-after-version] [--concurrency N]
//   --report FILE          write the JSON report there
//   --keep                 keep the work folder (the registry is stopped anyway) to inspect it
//   --serve                only start the registry, print how to use it, wait for Ctrl-C
//   --build-after-version  build after `changeset version`, without the working tree's cache
//   --concurrency N        npm installs and example runs at once (default 2)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pnpmCommand, workspacePackages } from '@dendrite/scripts/workspace';
import { expectedReleases, readChangesets } from './changesets.mjs';
import { checkChangelog, checkFiles, checkManifest, exactInternalPins } from './checks.mjs';
import {
  cleanup,
  indent,
  installSignalHandlers,
  keepFolder,
  mapLimit,
  onCleanup,
  removeAtExit,
  run,
  tail,
} from './proc.mjs';
import { candidatePrograms, classifyAndTypecheck, installedByReadme, toJavaScript } from './readme.mjs';
import { packument, publishNpmrc, scopeNpmrc, startRegistry } from './registry.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const toolDir = resolve(here, '..');
const repoRoot = resolve(toolDir, '../..');
const SCOPE = '@dendrite/';

const { values: opts } = parseArgs({
  options: {
    report: { type: 'string' },
    keep: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    'build-after-version': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '2' },
  },
});
const concurrency = Math.max(1, Number(opts.concurrency) || 2);

installSignalHandlers();
const started = performance.now();
const work = await mkdtemp(join(tmpdir(), 'dendrite-release-'));
removeAtExit(work);

/** The report: steps in order, per-package results, every problem. */
const report = {
  ok: false,
  work,
  registry: '',
  seconds: 0,
  steps: [],
  expected: [],
  packages: [],
  projects: [],
  readme: [],
  examples: [],
  notes: [],
  problems: [],
};
const problem = (text) => report.problems.push(text);
const note = (text) => report.notes.push(text);

/**
 * Times one step, prints its line, records it; returns what `fn` returns. A `fatal` step that
 * throws ends the run (nothing after it could mean anything).
 */
async function step(name, fn, { fatal = false } = {}) {
  const t0 = performance.now();
  process.stdout.write(`━━ ${name}\n`);
  const before = report.problems.length;
  let value;
  let threw = false;
  try {
    value = await fn();
  } catch (e) {
    threw = true;
    problem(`${name}: ${e instanceof Error && !e.message.includes('\n') ? e.stack : (e?.message ?? e)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const ok = report.problems.length === before;
  report.steps.push({ name, ok, seconds: Number(seconds.toFixed(1)) });
  process.stdout.write(`   ${ok ? 'ok' : 'FAILED'} (${seconds.toFixed(1)} s)\n`);
  if (!ok) for (const p of report.problems.slice(before)) process.stdout.write(`${indent(p)}\n`);
  if (threw && fatal) await finish(1);
  return value;
}

/** Environment for child npm / node processes: no npm_* variables of a `pnpm run` parent. */
function userEnv(env = process.env) {
  const keep =
    /^npm_config_(registry|cache|proxy|https_proxy|http_proxy|noproxy|strict_ssl|cafile|userconfig|globalconfig)$/i;
  // Also none of a test runner's or an outer turbo task's variables (NODE_ENV=test, VITEST_*,
  // TURBO_HASH…): the rehearsal runs as a person would run it from a shell.
  const drop = /^(npm_|VITEST|TURBO_|TINYPOOL|NODE_ENV$|NODE_OPTIONS$|NPM_CONFIG_PROVENANCE$)/i;
  const out = Object.fromEntries(Object.entries(env).filter(([k]) => !drop.test(k) || keep.test(k)));
  return { ...out, NO_COLOR: '1', FORCE_COLOR: '0', NPM_CONFIG_UPDATE_NOTIFIER: 'false' };
}

async function finish(code) {
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  report.ok = code === 0;
  if (opts.keep) {
    keepFolder(work);
    note(`work folder kept: ${work}`);
  }
  await cleanup();
  report.cleanedUp = !existsSync(work) || opts.keep;
  if (opts.report) {
    await mkdir(dirname(resolve(opts.report)), { recursive: true });
    await writeFile(opts.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  for (const n of report.notes) console.log(`note  ${n}`);
  console.log(
    code === 0
      ? `release:local: ok — ${report.packages.length} package(s) published, installed by name and run (${report.seconds} s)`
      : `release:local: FAILED — ${report.problems.length} problem(s) (${report.seconds} s)`,
  );
  process.exit(code);
}

// ── the registry ─────────────────────────────────────────────────────────────────────────────────
const registry = await step(
  'registry: Verdaccio on 127.0.0.1, no uplink',
  async () => {
    const r = await startRegistry(join(work, 'registry'));
    onCleanup(() => r.stop());
    report.registry = r.url;
    console.log(`   ${r.url} (storage ${join(work, 'registry')})`);
    return r;
  },
  { fatal: true },
);

if (opts.serve) {
  const npmrc = join(work, 'publish.npmrc');
  await writeFile(npmrc, publishNpmrc(registry.url, registry.token));
  console.log(`release:local: serving ${registry.url} until Ctrl-C (ready)
  publish:  cp ${npmrc} .npmrc && pnpm publish --no-git-checks     (in a copy of a package)
  install:  echo '${scopeNpmrc(registry.url).trim()}' > .npmrc && npm install @dendrite/tensor`);
  await new Promise(() => {}); // until a signal: the handlers clean up and exit
}

// ── the scratch copy ─────────────────────────────────────────────────────────────────────────────
const scratch = join(work, 'repo');
const pnpmDir = await step(
  'pnpm: the packageManager version, on PATH for every step',
  async () => {
    const pnpm = pnpmCommand(repoRoot);
    if (pnpm.length === 1) return dirname(pnpm[0]);
    // npx -y pnpm@<version>: find the binary once, so no later step asks a registry for pnpm.
    const pm = pnpm.at(-1);
    const r = await run('npx', ['-y', '--package', pm, '-c', 'command -v pnpm'], {
      cwd: work,
      env: userEnv(),
    });
    const bin = r.stdout.trim().split('\n').at(-1);
    if (r.code !== 0 || !bin || !existsSync(bin)) throw new Error(`could not find ${pm}\n${tail(r)}`);
    return dirname(bin);
  },
  { fatal: true },
);
const pnpm = ['pnpm'];
const buildEnv = (() => {
  const env = userEnv(); // without TURBO_FORCE (pnpm ci:under-load): the build reads the cache
  const PATH = [pnpmDir, env.PATH ?? ''].join(delimiter);
  return {
    ...env,
    PATH,
    CI: 'true',
    TURBO_TELEMETRY_DISABLED: '1',
    DO_NOT_TRACK: '1',
    // The scratch's node_modules link into pnpm's global virtual store instead of holding ~30,000
    // entries of their own: same lockfile, same packages, but removing the scratch copy at the end
    // takes a second instead of half a minute on a busy disk.
    PNPM_CONFIG_ENABLE_GLOBAL_VIRTUAL_STORE: 'true',
  };
})();

await step(
  'scratch copy of the working tree (files git sees), in a fresh git repository',
  async () => {
    const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repoRoot,
    });
    if (listed.code !== 0) throw new Error(`git ls-files failed\n${tail(listed)}`);
    const files = listed.stdout.split('\0').filter(Boolean);
    await mkdir(scratch, { recursive: true });
    let copied = 0;
    for (const file of files) {
      const from = join(repoRoot, file);
      let st;
      try {
        st = statSync(from);
      } catch {
        continue; // tracked but deleted in the working tree
      }
      if (!st.isFile()) continue;
      await mkdir(dirname(join(scratch, file)), { recursive: true });
      await copyFile(from, join(scratch, file));
      copied++;
    }
    const git = (args) =>
      run('git', ['-c', 'user.name=release-local', '-c', 'user.email=release-local@localhost', ...args], {
        cwd: scratch,
      });
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '-A'],
      ['commit', '-q', '--no-verify', '-m', 'snapshot of the working tree'],
    ]) {
      const r = await git(args);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed\n${tail(r)}`);
    }
    console.log(`   ${copied} files → ${scratch}`);
  },
  { fatal: true },
);

const before = workspacePackages(scratch);
const changesets = readChangesets(scratch);
let expected = new Map();
await step('expected releases, computed from .changeset/*.md', async () => {
  const config = JSON.parse(readFileSync(join(scratch, '.changeset', 'config.json'), 'utf8'));
  expected = expectedReleases(before, changesets, config);
  if (changesets.length === 0) note('no pending changeset: the current versions are published as they are');
  for (const r of expected.values()) {
    report.expected.push(r);
    console.log(
      `   ${r.name.padEnd(26)} ${r.from} → ${r.to} (${r.type}${r.dependencyBump && r.changesets.length === 0 ? ', dependencies' : ''}${r.private ? ', private: not published' : ''})`,
    );
  }
});

// No tighter bound than the caller's own (the test's timeout): a cold build is minutes on a busy
// 2-core machine. Only a real hang meets this one.
const pnpmIn = (args, extra = {}) =>
  run(pnpm[0], [...pnpm.slice(1), ...args], { cwd: scratch, env: buildEnv, hangMs: 1_800_000, ...extra });
const mustSucceed = (what, r) => {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code})\n${tail(r, 40)}`);
  return r;
};

// The same commands, in the same order of meaning, as .github/workflows/release.yml.
await step(
  'install: pnpm install --frozen-lockfile',
  async () => mustSucceed('pnpm install', await pnpmIn(['install', '--frozen-lockfile'])),
  { fatal: true },
);
const build = async () => {
  const cacheEnv = opts['build-after-version']
    ? {}
    : { TURBO_CACHE_DIR: join(repoRoot, '.turbo', 'cache'), TURBO_CACHE: 'local:r' };
  const r = mustSucceed(
    'pnpm run release:build',
    await pnpmIn(['run', 'release:build'], { env: { ...buildEnv, ...cacheEnv } }),
  );
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(r.stdout);
  if (cached) console.log(`   turbo: ${cached[1]} of ${cached[2]} build tasks from cache`);
};
if (!opts['build-after-version'])
  await step('build: pnpm run release:build (working tree cache, read-only)', build, { fatal: true });
await step(
  'version: pnpm run release:version (changeset version)',
  async () => {
    mustSucceed('changeset version', await pnpmIn(['run', 'release:version']));
    const after = new Map(workspacePackages(scratch).map((p) => [p.name, p.manifest.version]));
    for (const p of before) {
      const want = expected.get(p.name)?.to ?? p.manifest.version;
      if (after.get(p.name) !== want)
        problem(`changeset version gave ${p.name} ${after.get(p.name)}, the changesets call for ${want}`);
    }
    const left = readChangesets(scratch);
    if (left.length > 0) problem(`changeset version left ${left.map((c) => c.id).join(', ')} in .changeset/`);
  },
  { fatal: true },
);
if (opts['build-after-version'])
  await step('build: pnpm run release:build (cold cache)', build, { fatal: true });

const versioned = workspacePackages(scratch);
const publicPackages = versioned.filter((p) => p.manifest.private !== true);
await step(
  'publish: pnpm run release:publish (pnpm publish -r, changeset tag)',
  async () => {
    await writeFile(join(scratch, '.npmrc'), publishNpmrc(registry.url, registry.token));
    const r = mustSucceed('pnpm run release:publish', await pnpmIn(['run', 'release:publish']));
    const tags = r.stdout.match(/New tag:\s+\S+/g) ?? [];
    console.log(`   ${tags.length} tag(s): ${tags.map((t) => t.replace(/New tag:\s+/, '')).join(', ')}`);
  },
  { fatal: true },
);

// ── what the registry holds ──────────────────────────────────────────────────────────────────────
/** name → version published in this release. */
const published = new Map();
/** name → { dir, manifest, files } of the downloaded tarball. */
const tarballs = new Map();
await step('registry contents: versions, manifests, files, CHANGELOGs', async () => {
  for (const p of versioned) {
    const doc = await packument(registry.url, p.name);
    if (p.manifest.private === true) {
      if (doc)
        problem(`${p.name} is private but was published (${Object.keys(doc.versions ?? {}).join(', ')})`);
      continue;
    }
    if (!doc) {
      problem(`${p.name} was not published`);
      continue;
    }
    const latest = doc['dist-tags']?.latest;
    published.set(p.name, latest);
    const want = expected.get(p.name)?.to ?? before.find((b) => b.name === p.name)?.manifest.version;
    if (latest !== want) problem(`${p.name}: registry latest is ${latest}, the changesets call for ${want}`);
    if (Object.keys(doc.versions ?? {}).length !== 1)
      problem(`${p.name}: ${Object.keys(doc.versions ?? {}).length} versions published, expected 1`);
  }
  for (const p of publicPackages) {
    const version = published.get(p.name);
    if (!version) continue;
    const doc = await packument(registry.url, p.name);
    const res = await fetch(doc.versions[version].dist.tarball);
    if (!res.ok) {
      problem(`${p.name}@${version}: tarball download HTTP ${res.status}`);
      continue;
    }
    const dir = join(work, 'tarballs', p.name.replace('/', '__'));
    await mkdir(dir, { recursive: true });
    const tgz = join(dir, 'package.tgz');
    await writeFile(tgz, Buffer.from(await res.arrayBuffer()));
    mustSucceed('tar', await run('tar', ['-xzf', tgz, '-C', dir]));
    const root = join(dir, 'package');
    const files = new Map();
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const abs = join(d, e.name);
        if (e.isDirectory()) walk(abs);
        else files.set(relative(root, abs).split('\\').join('/'), readFileSync(abs));
      }
    };
    walk(root);
    const manifest = JSON.parse(String(files.get('package.json')));
    tarballs.set(p.name, { manifest, files });
  }
  for (const [name, { manifest, files }] of tarballs) {
    const version = published.get(name);
    const own = changesets.filter((c) => c.releases.some((r) => r.name === name));
    const problems = [
      ...checkManifest(manifest, published, SCOPE),
      ...checkFiles(files),
      ...(expected.has(name) ? checkChangelog(files.get('CHANGELOG.md')?.toString(), version, own) : []),
    ];
    const notes = [];
    if (!expected.has(name)) notes.push('no changeset: published at its current version');
    const pins = exactInternalPins(manifest, SCOPE);
    if (pins.length > 0) notes.push(`internal dependencies pinned exactly: ${pins.join(', ')}`);
    const size = [...files.values()].reduce((n, c) => n + c.length, 0);
    const maps = [...files.keys()].filter((f) => f.endsWith('.map')).length;
    report.packages.push({
      name,
      version,
      files: files.size,
      bytes: size,
      sourceMaps: maps,
      problems,
      notes,
    });
    for (const p of problems) problem(`${name}@${version} ${p}`);
    console.log(
      `   ${problems.length ? 'FAIL' : 'ok  '} ${`${name}@${version}`.padEnd(32)} ${files.size} files, ${(size / 1024).toFixed(0)} KiB (${maps} source maps)${notes.length ? `; ${notes.join('; ')}` : ''}`,
    );
  }
  const pinned = report.packages.filter((p) =>
    p.notes.some((n) => n.startsWith('internal dependencies pinned')),
  );
  if (pinned.length > 0)
    note(
      `${pinned.length} package(s) pin internal dependencies to exact versions (workspace:* publishes as "x.y.z"; workspace:^ would publish "^x.y.z")`,
    );
});

// ── users: fresh projects outside the workspace ──────────────────────────────────────────────────
const projectsDir = join(work, 'projects');
const npmEnv = userEnv();
/** Creates an empty ESM project whose @dendrite scope comes from the local registry. */
async function newProject(name) {
  const dir = join(projectsDir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `release-check-${name}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  await writeFile(join(dir, '.npmrc'), scopeNpmrc(registry.url));
  return dir;
}
// --ignore-scripts: third-party install scripts only (no @dendrite package has one, checked above);
// gpu.js's optional `gl` would otherwise try a prebuilt download and then compile ANGLE for minutes.
const npmInstall = (dir, names) =>
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...names], {
    cwd: dir,
    env: npmEnv,
    hangMs: 300_000,
  });

/** Every @dendrite package under a project's node_modules must be the version published now. */
function checkInstalledVersions(dir, label) {
  const found = [];
  const walk = (nm) => {
    const scopeDir = join(nm, '@dendrite');
    if (existsSync(scopeDir))
      for (const d of readdirSync(scopeDir)) {
        const pj = join(scopeDir, d, 'package.json');
        if (!existsSync(pj)) continue;
        const m = JSON.parse(readFileSync(pj, 'utf8'));
        found.push(m.name);
        if (published.get(m.name) !== m.version)
          problem(`${label}: installed ${m.name}@${m.version}, published ${published.get(m.name)}`);
        if (existsSync(join(scopeDir, d, 'node_modules'))) walk(join(scopeDir, d, 'node_modules'));
      }
  };
  walk(join(dir, 'node_modules'));
  return found;
}

/** A script importing each JavaScript subpath by name (and requiring those with a require condition). */
function importScript(names, dir) {
  const specs = [];
  for (const name of names) {
    const m = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
    const exp = m.exports;
    const keys =
      exp && typeof exp === 'object' && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'))
        ? Object.keys(exp).filter((k) => !k.includes('*') && !/\.(json|css)$/.test(k))
        : ['.'];
    for (const k of keys) {
      const spec = k === '.' ? name : `${name}/${k.replace(/^\.\//, '')}`;
      const target = exp && typeof exp === 'object' ? (exp[k] ?? exp) : undefined;
      specs.push({ spec, require: JSON.stringify(target ?? {}).includes('"require"') });
    }
  }
  return `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const specs = ${JSON.stringify(specs)};
const bad = [];
for (const { spec, require: cjs } of specs) {
  try {
    const esm = await import(spec);
    if (Object.keys(esm).length === 0) bad.push(spec + ': imports but exports nothing');
    if (cjs) {
      const req = require(spec);
      const missing = Object.keys(esm).filter((k) => k !== 'default' && !(k in req));
      if (missing.length) bad.push(spec + ': require() lacks ' + missing.slice(0, 5).join(', '));
    }
  } catch (e) {
    bad.push(spec + ': ' + String(e?.stack ?? e).split('\\n').slice(0, 3).join(' | '));
  }
}
if (bad.length) { console.error(bad.join('\\n')); process.exit(1); }
console.log(specs.length + ' specifier(s) imported' + (specs.some((s) => s.require) ? ', required' : ''));
`;
}

const readmePrograms = [];
await step('users: npm install by name in fresh projects, import, README install lines', async () => {
  const jobs = [
    { name: 'trio', install: ['@dendrite/tensor', '@dendrite/nn', '@dendrite/optim'], smoke: 'train.mjs' },
    ...publicPackages.map((p) => ({ name: `alone-${basenameOf(p.dir)}`, install: [p.name], pkg: p })),
  ];
  await mapLimit(jobs, concurrency, async (job) => {
    const dir = await newProject(job.name);
    const entry = { project: job.name, install: job.install, ok: true, detail: [] };
    report.projects.push(entry);
    const fail = (text) => {
      entry.ok = false;
      entry.detail.push(text);
      problem(`project ${job.name}: ${text}`);
    };
    const inst = await npmInstall(dir, job.install);
    if (inst.code !== 0) return fail(`npm install ${job.install.join(' ')} failed\n${tail(inst)}`);
    entry.detail.push(`npm install ${job.install.join(' ')} (${(inst.ms / 1000).toFixed(1)} s)`);
    checkInstalledVersions(dir, job.name);
    await writeFile(join(dir, 'check-imports.mjs'), importScript(job.install, dir));
    const imp = await run(process.execPath, ['check-imports.mjs'], {
      cwd: dir,
      env: npmEnv,
      hangMs: 120_000,
    });
    if (imp.code !== 0) fail(`import by name failed\n${tail(imp)}`);
    else entry.detail.push(imp.stdout.trim());
    if (job.smoke) {
      await copyFile(join(toolDir, 'smoke', job.smoke), join(dir, job.smoke));
      const s = await run(process.execPath, [job.smoke], { cwd: dir, env: npmEnv, hangMs: 120_000 });
      if (s.code !== 0) fail(`smoke/${job.smoke} failed\n${tail(s)}`);
      else entry.detail.push(`smoke/${job.smoke}: ${s.stdout.trim().split('\n').at(-1)}`);
    }
    if (job.pkg) {
      // The README's own install line, then its example programs in the same project.
      const readmeFile = join(job.pkg.dir, 'README.md');
      const markdown = existsSync(readmeFile) ? readFileSync(readmeFile, 'utf8') : '';
      const names = installedByReadme(markdown, SCOPE);
      const unknown = names.filter((n) => !published.has(n));
      if (unknown.length) fail(`README installs ${unknown.join(', ')}, not published`);
      const more = names.filter((n) => !job.install.includes(n) && published.has(n));
      if (more.length) {
        const r = await npmInstall(dir, more);
        if (r.code !== 0) return fail(`README install line (npm i ${names.join(' ')}) failed\n${tail(r)}`);
        checkInstalledVersions(dir, job.name);
      }
      entry.detail.push(`README install line: npm i ${names.join(' ') || '(none)'}`);
      candidatePrograms(markdown, SCOPE).forEach((block, i) => {
        const file = join(dir, `readme-${i + 1}.mts`);
        readmePrograms.push({ package: job.pkg.name, dir, file, line: block.line, code: block.code });
      });
    }
  });
});

function basenameOf(dir) {
  return dir.split(/[\\/]/).filter(Boolean).at(-1);
}

await step('README examples: typecheck against the published types, run with Node', async () => {
  for (const p of readmePrograms) await writeFile(p.file, p.code);
  const typeRoots = [join(toolDir, 'node_modules', '@types')];
  const classified = classifyAndTypecheck(
    readmePrograms.map((p) => p.file),
    { typeRoots },
  );
  const programs = [];
  for (const p of readmePrograms) {
    const c = classified.get(p.file);
    const where = `${p.package} README.md:${p.line}`;
    const row = { package: p.package, line: p.line, kind: c.kind, ok: true, detail: '' };
    report.readme.push(row);
    if (c.kind === 'fragment') {
      const names = [...new Set(c.undeclared.map((u) => /'([^']+)'/.exec(u)?.[1] ?? u))];
      row.detail = `fragment, not run: uses ${names.join(', ')} without declaring it`;
      continue;
    }
    if (c.errors.length > 0) {
      row.ok = false;
      row.detail = c.errors.join('\n');
      problem(
        `${where}: the example does not typecheck against the published types\n${indent(c.errors.join('\n'))}`,
      );
      continue;
    }
    programs.push({ ...p, row, where });
  }
  for (const pkg of publicPackages) {
    const has = report.readme.some((r) => r.package === pkg.name && r.kind === 'program');
    if (!has)
      problem(`${pkg.name}: its README has no example program that runs (every package README has one)`);
  }
  await mapLimit(programs, concurrency, async (p) => {
    const js = p.file.replace(/\.mts$/, '.mjs');
    await writeFile(js, toJavaScript(p.code));
    const r = await run(process.execPath, [js], { cwd: p.dir, env: npmEnv, hangMs: 120_000 });
    p.row.seconds = Number((r.ms / 1000).toFixed(1));
    if (r.code !== 0) {
      p.row.ok = false;
      p.row.detail = tail(r);
      problem(`${p.where}: the example failed (exit ${r.code})\n${indent(tail(r))}`);
    } else p.row.detail = r.stdout.trim().split('\n').slice(-3).join(' | ');
  });
  for (const r of report.readme)
    console.log(
      `   ${r.kind === 'fragment' ? 'skip' : r.ok ? 'ok  ' : 'FAIL'} ${`${r.package} README.md:${r.line}`.padEnd(40)} ${r.kind === 'fragment' ? r.detail : r.ok ? `ran (${r.seconds} s)` : 'failed'}`,
    );
});

await step('examples/node-*: sample apps installed from the registry', async () => {
  const base = join(scratch, 'examples');
  const dirs = existsSync(base)
    ? readdirSync(base, { withFileTypes: true })
        .filter(
          (d) =>
            d.isDirectory() && d.name.startsWith('node-') && existsSync(join(base, d.name, 'package.json')),
        )
        .map((d) => d.name)
        .sort()
    : [];
  if (dirs.length === 0) {
    console.log('   none (no examples/node-* folder yet): skipped');
    return;
  }
  await mapLimit(dirs, concurrency, async (name) => {
    const dir = join(projectsDir, `example-${name}`);
    await cp(join(base, name), dir, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|dist|\.turbo|\.reports)([\\/]|$)/.test(relative(base, src)),
    });
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'])
      for (const [dep, range] of Object.entries(manifest[field] ?? {}))
        if (dep.startsWith(SCOPE) && /^(workspace|link|file):/.test(String(range))) {
          if (!published.has(dep)) problem(`examples/${name} depends on ${dep}, which was not published`);
          else manifest[field][dep] = published.get(dep);
        }
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ ...manifest, private: true }, null, 2)}\n`,
    );
    await rm(join(dir, 'package-lock.json'), { force: true });
    await writeFile(join(dir, '.npmrc'), scopeNpmrc(registry.url));
    const row = { example: name, ok: true, detail: '' };
    report.examples.push(row);
    const inst = await npmInstall(dir, []);
    if (inst.code !== 0) {
      row.ok = false;
      problem(`examples/${name}: npm install failed\n${indent(tail(inst))}`);
      return;
    }
    checkInstalledVersions(dir, `examples/${name}`);
    const script = manifest.scripts?.test ? 'test' : manifest.scripts?.start ? 'start' : undefined;
    const r = script
      ? await run('npm', ['run', script, '--silent'], { cwd: dir, env: npmEnv, hangMs: 300_000 })
      : await run(process.execPath, [manifest.main ?? 'index.js'], {
          cwd: dir,
          env: npmEnv,
          hangMs: 300_000,
        });
    row.detail = script ? `npm run ${script}` : `node ${manifest.main ?? 'index.js'}`;
    if (r.code !== 0) {
      row.ok = false;
      problem(`examples/${name}: ${row.detail} failed (exit ${r.code})\n${indent(tail(r))}`);
    }
    console.log(
      `   ${row.ok ? 'ok  ' : 'FAIL'} examples/${name}: ${row.detail} (${(r.ms / 1000).toFixed(1)} s)`,
    );
  });
});

await finish(report.problems.length === 0 ? 0 : 1);
