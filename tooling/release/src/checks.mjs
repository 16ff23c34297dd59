// What a published package must look like, as pure functions over what the registry served: the
// manifest inside the tarball, the tarball's file list and contents, and the release the changesets
// called for. Each returns a list of problems (empty: fine).
import semver from 'semver';

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** Files a user must never receive: tests and their fixtures, TypeScript sources, tooling state. */
export const FORBIDDEN_FILES = [
  [/(^|\/)[^/]+\.(test|spec|bench)\.[cm]?[jt]sx?(\.map)?$/, 'a test or benchmark file'],
  [/(^|\/)(__tests__|__snapshots__|__fixtures__|test|tests|fixtures)\//, 'a test folder'],
  [/(^|\/)src\//, 'a source file (the package ships dist/ only)'],
  [/(^|\/)[^/]+(?<!\.d)\.[cm]?tsx?$/, 'a TypeScript source file'],
  [/\.d\.[cm]?ts\.map$/, 'a declaration map (it points at sources that are not shipped)'],
  [/(^|\/)(\.turbo|\.reports|node_modules|coverage)\//, 'build or test state'],
  [
    /(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s|\.npmrc)$/,
    'build configuration',
  ],
];

/**
 * The published manifest: fields a user and the registry need, no private flag, no install scripts,
 * no development-only export condition, and every internal dependency a real semver range that the
 * version published in the same release satisfies.
 * @param {Record<string, any>} manifest the package.json inside the tarball
 * @param {Map<string, string>} published name → version published in this release (every @dendrite/*)
 * @param {string} [scope]
 */
export function checkManifest(manifest, published, scope = '@dendrite/') {
  const problems = [];
  if (manifest.private === true) problems.push('is marked "private" yet was published');
  if (!manifest.engines?.node) problems.push('has no engines.node');
  else if (!semver.validRange(manifest.engines.node))
    problems.push(`engines.node "${manifest.engines.node}" is not a semver range`);
  const repo = manifest.repository;
  if (!repo || (typeof repo === 'object' && !repo.url)) problems.push('has no repository (url)');
  else if (typeof repo === 'object' && !repo.directory)
    problems.push('repository has no "directory" (the package folder in the monorepo)');
  if (!manifest.license) problems.push('has no license');
  if (!manifest.description) problems.push('has no description');
  for (const s of INSTALL_SCRIPTS)
    if (manifest.scripts?.[s]) problems.push(`has a "${s}" script: users would run it on install`);
  if (JSON.stringify(manifest).includes('dendrite-source'))
    problems.push('still has the development-only "dendrite-source" condition');
  for (const field of DEP_FIELDS)
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (typeof range !== 'string' || /^(workspace|link|file|catalog|portal):/.test(range)) {
        problems.push(`${field}.${dep} is "${range}", not a registry range`);
        continue;
      }
      if (!dep.startsWith(scope)) continue;
      if (!semver.validRange(range)) {
        problems.push(`${field}.${dep} is "${range}", not a semver range`);
        continue;
      }
      const v = published.get(dep);
      if (v === undefined) problems.push(`${field}.${dep} "${range}": ${dep} was not published`);
      else if (!semver.satisfies(v, range))
        problems.push(`${field}.${dep} "${range}" does not accept ${dep}@${v}, published with it`);
    }
  return problems;
}

/**
 * Internal dependencies pinned to one exact version: valid, but two packages released apart then
 * pull two copies of a dependency (two Tensor classes). Reported as notes, not failures.
 * @param {Record<string, any>} manifest
 * @param {string} [scope]
 */
export function exactInternalPins(manifest, scope = '@dendrite/') {
  const pins = [];
  for (const field of DEP_FIELDS)
    for (const [dep, range] of Object.entries(manifest[field] ?? {}))
      if (dep.startsWith(scope) && semver.valid(range)) pins.push(`${field}.${dep}: ${range}`);
  return pins;
}

/**
 * The tarball's files: nothing from FORBIDDEN_FILES, and source maps only as this repo ships them —
 * beside the .js that names it (its last `sourceMappingURL`), carrying every source's text
 * (`sourcesContent`), so a debugger shows the TypeScript without the sources being shipped.
 * @param {Map<string, string | Buffer>} files path inside the package (no `package/` prefix) → content
 */
export function checkFiles(files) {
  const problems = [];
  for (const path of files.keys()) {
    const hit = FORBIDDEN_FILES.find(([re]) => re.test(path));
    if (hit) problems.push(`ships ${path}: ${hit[1]}`);
  }
  for (const [path, content] of files) {
    if (!path.endsWith('.map') || /\.d\.[cm]?ts\.map$/.test(path)) continue;
    const js = path.slice(0, -'.map'.length);
    if (!files.has(js)) {
      problems.push(`ships ${path} without ${js}`);
      continue;
    }
    const refs = [...String(files.get(js)).matchAll(/\/\/# sourceMappingURL=(\S+)/g)].map((m) => m[1]);
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (refs.at(-1) !== base) problems.push(`${js} does not name ${base} as its source map`);
    let map;
    try {
      map = JSON.parse(String(content));
    } catch {
      problems.push(`${path} is not JSON`);
      continue;
    }
    const sources = Array.isArray(map.sources) ? map.sources : [];
    const contents = Array.isArray(map.sourcesContent) ? map.sourcesContent : [];
    const missing = sources.filter((_, i) => typeof contents[i] !== 'string');
    if (missing.length > 0)
      problems.push(
        `${path} lacks the text of ${missing.length} source(s) (e.g. ${missing[0]}): useless without src/`,
      );
  }
  return problems;
}

/**
 * The CHANGELOG.md generated by `changeset version`: its newest `## version` heading is the
 * published version, and every changeset that released the package is in that section.
 * @param {string | undefined} changelog
 * @param {string} version the published version
 * @param {{ id: string, summary: string }[]} changesets the changesets that name this package
 */
export function checkChangelog(changelog, version, changesets) {
  if (changelog === undefined) return ['ships no CHANGELOG.md'];
  const headings = [...changelog.matchAll(/^## (\S+)\s*$/gm)];
  if (headings.length === 0) return ['CHANGELOG.md has no "## <version>" section'];
  if (headings[0][1] !== version)
    return [`CHANGELOG.md's newest section is ${headings[0][1]}, the published version is ${version}`];
  const section = changelog.slice(headings[0].index, headings[1]?.index ?? changelog.length);
  const flat = (s) => s.replace(/\s+/g, ' ').trim();
  const problems = [];
  for (const cs of changesets) {
    const firstLine = flat(cs.summary.split(/\r?\n/)[0] ?? '');
    if (firstLine && !flat(section).includes(firstLine))
      problems.push(`CHANGELOG.md ${version} lacks the entry of .changeset/${cs.id}.md`);
  }
  return problems;
}
