#!/usr/bin/env node
// Generates the API reference (api/**.md + api/typedoc-sidebar.json) from the TSDoc comments of
// every package under packages/, with TypeDoc + typedoc-plugin-markdown + typedoc-vitepress-theme.
// Run by `build` and `dev`, so the reference is rebuilt with the site. Entry points are each
// package's public entries: the `dendrite-source` targets of its package.json `exports`.
//
// It also lists the exported symbols that have no doc comment in .reports/tsdoc-gaps.txt (a report,
// not a failure: other packages own their comments).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, LogLevel, ReflectionKind } from 'typedoc';

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = resolve(docsDir, '../../packages');
const out = join(docsDir, 'api');
const REPO = 'https://github.com/dendrite-ml/dendrite';

/**
 * Every package under packages/ with a public entry whose source exists: `{ dir, name, entries }`,
 * each entry `{ module, source }` — the import path a user writes (`@dendrite/nn/node`) and its file.
 */
export function apiPackages() {
  const found = [];
  for (const name of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const entries = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' && target !== null ? target['dendrite-source'] : undefined;
      if (typeof source !== 'string' || !existsSync(join(dir, source))) continue;
      const module = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`;
      entries.push({ module, source: resolve(dir, source) });
    }
    if (entries.length === 0) continue; // a package still being set up has nothing to document yet
    found.push({ dir, name: manifest.name, entries });
  }
  return found;
}

async function main() {
  const packages = apiPackages();
  rmSync(out, { recursive: true, force: true });
  const started = performance.now();
  // The module of each entry file: `@dendrite/nn` for src/index.ts, `@dendrite/nn/node` for src/node.ts.
  const moduleNames = new Map(packages.flatMap((p) => p.entries.map((e) => [e.source, e.module])));
  const app = await Application.bootstrapWithPlugins({
    name: 'API reference',
    entryPoints: [...moduleNames.keys()],
    tsconfig: join(docsDir, 'tsconfig.api.json'),
    plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
    out,
    docsRoot: docsDir,
    readme: 'none',
    skipErrorChecking: true,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    disableGit: true,
    // {path} is relative to the folder that holds every entry point: packages/.
    sourceLinkTemplate: `${REPO}/blob/main/packages/{path}#L{line}`,
    hidePageHeader: true,
    useCodeBlocks: true,
    outputFileStrategy: 'modules',
    entryFileName: 'index',
    sidebar: { autoConfiguration: true, format: 'vitepress', pretty: false, collapsed: true },
    logLevel: LogLevel.Warn,
    validation: { notExported: false, invalidLink: false, notDocumented: false },
  });
  // Name each module after the import path a user writes, not after its folder.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.children ?? []) {
      const file = mod.sources?.[0]?.fullFileName;
      const name = file && moduleNames.get(resolve(file));
      if (name) mod.name = name;
    }
  });
  // Inherited members are documented once, on the class that declares them (every layer would
  // otherwise repeat all of Module's methods): each class keeps only what it declares or overrides.
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    for (const r of project.getReflectionsByKind(ReflectionKind.Class | ReflectionKind.Interface)) {
      for (const child of [...(r.children ?? [])]) {
        if (child.inheritedFrom && !child.overwrites) project.removeReflection(child);
      }
    }
  });
  const project = await app.convert();
  if (!project) throw new Error('api: TypeDoc could not convert the packages');
  await app.generateOutputs(project);
  relinkNumberedAnchors(out);
  unnumberModulePages(out, [...moduleNames.values()]);
  writeGaps(project);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `api: ${[...moduleNames.values()].join(', ')} → ${relative(process.cwd(), out)} (${seconds} s)`,
  );
}

/** The anchor VitePress gives a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading) =>
  heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s+/g, '-');

/**
 * typedoc-plugin-markdown numbers the anchor of a name it has seen before on a page
 * (`#gptconfig-1`), also when the page ends up with one heading of that name, so such links point
 * nowhere. Each numbered link whose numbered heading does not exist, on a page with exactly one
 * heading of the name, is pointed at that heading. (`scripts/check-links.mjs` checks the result.)
 */
function relinkNumberedAnchors(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const slugs = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]));
    const fixed = text.replace(/\]\(#([\w-]+?)-(\d+)\)/g, (link, base, n) => {
      const once = slugs.filter((x) => x === base).length === 1;
      return !slugs.includes(`${base}-${n}`) && once ? `](#${base})` : link;
    });
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

/**
 * The plugin also numbers a module's page when a name on another page claims its file name
 * (`@dendrite/tensor/backend` became `tensor/backend-1.md`, next to the `Backend` interface of
 * `@dendrite/tensor`). A module page lives at its import path (`/api/@dendrite/tensor/backend`):
 * each numbered one is renamed and every link to it (pages and the sidebar) rewritten.
 */
function unnumberModulePages(dir, modules) {
  const renames = [];
  for (const name of modules) {
    const want = join(dir, `${name}.md`);
    const numbered = join(dir, `${name}-1.md`);
    if (!existsSync(want) && !existsSync(join(dir, name, 'index.md')) && existsSync(numbered)) {
      writeFileSync(want, readFileSync(numbered, 'utf8'));
      rmSync(numbered);
      renames.push(name.split('/').pop());
    }
  }
  if (renames.length === 0) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(md|json)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    let fixed = text;
    for (const base of renames) fixed = fixed.replaceAll(`/${base}-1.md`, `/${base}.md`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

/** Exported declarations without a doc comment (functions count as documented when a signature is). */
function writeGaps(project) {
  const kinds =
    ReflectionKind.Class |
    ReflectionKind.Interface |
    ReflectionKind.Function |
    ReflectionKind.Variable |
    ReflectionKind.TypeAlias |
    ReflectionKind.Enum |
    ReflectionKind.Namespace;
  const gaps = [];
  for (const r of project.getReflectionsByKind(kinds)) {
    if (r.kindOf(ReflectionKind.Namespace) && r.parent?.kindOf(ReflectionKind.Project)) continue;
    const documented =
      r.hasComment() ||
      (r.signatures ?? []).some((s) => s.hasComment()) ||
      (r.kindOf(ReflectionKind.Namespace) && r.children?.length);
    if (!documented) gaps.push(r.getFullName());
  }
  gaps.sort();
  mkdirSync(join(docsDir, '.reports'), { recursive: true });
  writeFileSync(
    join(docsDir, '.reports', 'tsdoc-gaps.txt'),
    `${gaps.length} exported symbols without a doc comment\n${gaps.join('\n')}\n`,
  );
  if (gaps.length)
    console.log(`api: ${gaps.length} exported symbols have no doc comment (.reports/tsdoc-gaps.txt)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main();
}
