// What the pending changesets should release, computed here without @changesets/* code so the
// rehearsal can compare it with what `changeset version` actually wrote and what got published.
//
// The rules, as @changesets/cli 2.29 applies them with this repo's .changeset/config.json:
//   - each package takes the highest bump any changeset gives it (major > minor > patch);
//   - a dependent (dependencies, optionalDependencies, peerDependencies) whose range no longer
//     holds the dependency's new version gets at least a patch, repeated until nothing changes;
//     `workspace:*` means "exactly the current version" there, so every bump of a dependency
//     releases its workspace:* dependents; `workspace:^` / `workspace:~` mean ^ / ~ the current
//     version (under 1.0, ^0.1.0 does not hold 0.2.0);
//   - a peer dependent gets a major when the dependency takes a minor or a major, in range or not;
//   - devDependencies never release a dependent.
// `fixed`, `linked` and `ignore` groups are not modelled: the check refuses a config that uses them
// rather than guess.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const ORDER = { none: 0, patch: 1, minor: 2, major: 3 };
const RELEASE_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * Parses one changeset file: YAML front matter of `"name": bump` lines, then the summary.
 * @param {string} text
 * @param {string} id the file name without `.md`
 * @returns {{ id: string, releases: { name: string, type: 'major' | 'minor' | 'patch' }[], summary: string }}
 */
export function parseChangeset(text, id) {
  const m = /^\s*---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`.changeset/${id}.md: no front matter (--- … ---)`);
  const releases = [];
  for (const raw of m[1].split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const r = /^(["']?)(.+?)\1\s*:\s*(["']?)(major|minor|patch|none)\3$/.exec(line);
    if (!r) throw new Error(`.changeset/${id}.md: cannot read front matter line "${line}"`);
    if (r[4] !== 'none') releases.push({ name: r[2], type: r[4] });
  }
  return { id, releases, summary: m[2].trim() };
}

/**
 * Every pending changeset of a repository (`.changeset/*.md` except README.md).
 * @param {string} root
 */
export function readChangesets(root) {
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => parseChangeset(readFileSync(join(dir, f), 'utf8'), f.slice(0, -3)));
}

/** The range a dependent declares for a workspace dependency, as changesets reads it. */
function effectiveRange(range, currentVersion) {
  if (!range.startsWith('workspace:')) return range;
  const rest = range.slice('workspace:'.length);
  if (rest === '*') return currentVersion;
  if (rest === '^' || rest === '~') return `${rest}${currentVersion}`;
  return rest;
}

/**
 * The releases the changesets call for.
 * @param {{ name: string, manifest: Record<string, any> }[]} packages every workspace package
 * @param {ReturnType<typeof parseChangeset>[]} changesets
 * @param {Record<string, any>} [config] .changeset/config.json
 * @returns {Map<string, { name: string, type: string, from: string, to: string, changesets: string[], private: boolean, dependencyBump: boolean }>}
 */
export function expectedReleases(packages, changesets, config = {}) {
  for (const key of ['fixed', 'linked', 'ignore'])
    if (Array.isArray(config[key]) && config[key].length > 0)
      throw new Error(
        `.changeset/config.json uses "${key}", which this check does not model: extend tooling/release/src/changesets.mjs`,
      );
  const byName = new Map(packages.map((p) => [p.name, p]));
  /** @type {Map<string, { type: string, changesets: string[], dependencyBump: boolean }>} */
  const bumps = new Map();
  const raise = (name, type, via) => {
    const b = bumps.get(name) ?? { type: 'none', changesets: [], dependencyBump: false };
    if (ORDER[type] > ORDER[b.type]) b.type = type;
    if (via.changeset) b.changesets.push(via.changeset);
    if (via.dependency) b.dependencyBump = true;
    bumps.set(name, b);
  };
  for (const cs of changesets)
    for (const r of cs.releases) {
      if (!byName.has(r.name))
        throw new Error(`.changeset/${cs.id}.md names ${r.name}, not a workspace package`);
      raise(r.name, r.type, { changeset: cs.id });
    }
  const next = (name) => {
    const b = bumps.get(name);
    const v = byName.get(name).manifest.version;
    return b && b.type !== 'none' ? semver.inc(v, b.type) : v;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const dependent of packages)
      for (const field of RELEASE_FIELDS)
        for (const [dep, range] of Object.entries(dependent.manifest[field] ?? {})) {
          const release = bumps.get(dep);
          if (!byName.has(dep) || !release || release.type === 'none') continue;
          const current = byName.get(dep).manifest.version;
          const peerMajor = field === 'peerDependencies' && ORDER[release.type] >= ORDER.minor;
          if (!peerMajor && semver.satisfies(next(dep), effectiveRange(range, current))) continue;
          const want = peerMajor ? 'major' : 'patch';
          const before = bumps.get(dependent.name)?.type ?? 'none';
          if (ORDER[want] > ORDER[before]) changed = true;
          raise(dependent.name, want, { dependency: true });
        }
  }
  const out = new Map();
  for (const [name, b] of bumps) {
    if (b.type === 'none') continue;
    const manifest = byName.get(name).manifest;
    out.set(name, {
      name,
      type: b.type,
      from: manifest.version,
      to: next(name),
      changesets: b.changesets,
      private: manifest.private === true,
      dependencyBump: b.dependencyBump,
    });
  }
  return out;
}
