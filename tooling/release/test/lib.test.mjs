// The release check's pure parts: reading changesets, the releases they call for, the published
// package checks and the README extraction. Fast; the end-to-end run is release-local.test.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from '@dendrite/scripts/workspace';
import { describe, expect, it } from 'vitest';
import { expectedReleases, parseChangeset } from '../src/changesets.mjs';
import { checkChangelog, checkFiles, checkManifest, exactInternalPins } from '../src/checks.mjs';
import { candidatePrograms, codeBlocks, installedByReadme, toJavaScript } from '../src/readme.mjs';
import { authKey, publishNpmrc, scopeNpmrc } from '../src/registry.mjs';

const toolDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(toolDir, '../..');

const pkg = (name, version, extra = {}) => ({ name, manifest: { name, version, ...extra } });

describe('parseChangeset', () => {
  it('reads the releases and the summary', () => {
    const cs = parseChangeset(
      '---\n"@dendrite/a": minor\n\'@dendrite/b\': patch\n---\n\nAdd `x`.\n\nMore.\n',
      'x',
    );
    expect(cs.releases).toEqual([
      { name: '@dendrite/a', type: 'minor' },
      { name: '@dendrite/b', type: 'patch' },
    ]);
    expect(cs.summary).toBe('Add `x`.\n\nMore.');
  });

  it('refuses a file without front matter or with an unknown bump', () => {
    expect(() => parseChangeset('no front matter', 'x')).toThrow(/front matter/);
    expect(() => parseChangeset('---\n"@dendrite/a": huge\n---\nx', 'x')).toThrow(/cannot read/);
  });

  it('reads every pending changeset of this repository', () => {
    // Whatever is pending now must parse (a malformed one would break `changeset version`).
    const dir = join(repoRoot, '.changeset');
    const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
    for (const f of files) expect(() => parseChangeset(readFileSync(join(dir, f), 'utf8'), f)).not.toThrow();
  });
});

describe('expectedReleases', () => {
  const tensor = pkg('@dendrite/tensor', '0.1.0');
  const nn = pkg('@dendrite/nn', '0.1.0', { dependencies: { '@dendrite/tensor': 'workspace:*' } });
  const optim = pkg('@dendrite/optim', '0.1.0', { dependencies: { '@dendrite/nn': 'workspace:^' } });
  const app = pkg('app', '1.0.0', { private: true, dependencies: { '@dendrite/nn': 'workspace:*' } });
  const tool = pkg('tool', '0.0.0', {
    private: true,
    devDependencies: { '@dendrite/tensor': 'workspace:*' },
  });
  const plugin = pkg('plugin', '0.3.0', { peerDependencies: { '@dendrite/tensor': 'workspace:*' } });
  const all = [tensor, nn, optim, app, tool, plugin];
  const cs = (id, releases) => ({ id, summary: id, releases });

  it('takes the highest bump of each package', () => {
    const r = expectedReleases(all, [
      cs('a', [{ name: '@dendrite/nn', type: 'patch' }]),
      cs('b', [{ name: '@dendrite/nn', type: 'minor' }]),
    ]);
    expect(r.get('@dendrite/nn')).toMatchObject({
      type: 'minor',
      from: '0.1.0',
      to: '0.2.0',
      changesets: ['a', 'b'],
    });
  });

  it('releases workspace:* dependents with a patch, transitively', () => {
    const r = expectedReleases(all, [cs('a', [{ name: '@dendrite/tensor', type: 'patch' }])]);
    expect(r.get('@dendrite/tensor')?.to).toBe('0.1.1');
    expect(r.get('@dendrite/nn')).toMatchObject({ type: 'patch', to: '0.1.1', dependencyBump: true });
    expect(r.get('app')).toMatchObject({ to: '1.0.1', private: true }); // through nn
    expect(r.get('plugin')).toMatchObject({ type: 'patch', to: '0.3.1' }); // out of range
    expect(r.has('@dendrite/optim')).toBe(false); // workspace:^ is ^0.1.0, which holds 0.1.1
    expect(r.has('tool')).toBe(false); // devDependencies never release
  });

  it('gives a peer dependent a major for a minor, and a workspace:^ dependent a patch under 1.0', () => {
    const caret = pkg('caret', '2.0.0', { dependencies: { '@dendrite/tensor': 'workspace:^' } });
    const r = expectedReleases([...all, caret], [cs('a', [{ name: '@dendrite/tensor', type: 'minor' }])]);
    expect(r.get('plugin')).toMatchObject({ type: 'major', to: '1.0.0' });
    expect(r.get('caret')).toMatchObject({ type: 'patch', to: '2.0.1' }); // ^0.1.0 does not hold 0.2.0
    expect(r.has('@dendrite/optim')).toBe(false); // nn only takes a patch: ^0.1.0 holds 0.1.1
  });

  it('refuses groups it does not model, and unknown package names', () => {
    expect(() => expectedReleases(all, [], { fixed: [['a', 'b']] })).toThrow(/fixed/);
    expect(() => expectedReleases(all, [cs('a', [{ name: 'nope', type: 'patch' }])])).toThrow(/nope/);
  });
});

describe('checkManifest', () => {
  const good = {
    name: '@dendrite/nn',
    version: '0.2.0',
    description: 'layers',
    license: 'MIT',
    engines: { node: '>=20.19.0' },
    repository: { type: 'git', url: 'git+https://example.invalid/dendrite.git', directory: 'packages/nn' },
    dependencies: { '@dendrite/tensor': '^0.2.0', 'gpu.js': '2.24.1' },
  };
  const published = new Map([
    ['@dendrite/nn', '0.2.0'],
    ['@dendrite/tensor', '0.2.0'],
  ]);

  it('accepts a publishable manifest', () => {
    expect(checkManifest(good, published)).toEqual([]);
  });

  it('names each problem', () => {
    const bad = {
      ...good,
      private: true,
      engines: undefined,
      repository: { url: 'x' },
      scripts: { postinstall: 'node x.js' },
      exports: { '.': { 'dendrite-source': './src/index.ts' } },
      dependencies: { '@dendrite/tensor': 'workspace:*', '@dendrite/autograd': '^0.2.0' },
      peerDependencies: { '@dendrite/tensor': '^0.3.0' },
    };
    const problems = checkManifest(bad, published).join('\n');
    expect(problems).toMatch(/private/);
    expect(problems).toMatch(/engines/);
    expect(problems).toMatch(/directory/);
    expect(problems).toMatch(/postinstall/);
    expect(problems).toMatch(/dendrite-source/);
    expect(problems).toMatch(/workspace:\*/);
    expect(problems).toMatch(/@dendrite\/autograd was not published/);
    expect(problems).toMatch(/does not accept @dendrite\/tensor@0\.2\.0/);
  });

  it('notes exact internal pins', () => {
    expect(exactInternalPins({ dependencies: { '@dendrite/tensor': '0.2.0', x: '1.0.0' } })).toEqual([
      'dependencies.@dendrite/tensor: 0.2.0',
    ]);
    expect(exactInternalPins(good)).toEqual([]);
  });
});

describe('checkFiles', () => {
  const map = (sources, contents) =>
    JSON.stringify({ version: 3, sources, sourcesContent: contents, mappings: '' });

  it('accepts dist with self-contained source maps', () => {
    const files = new Map([
      ['package.json', '{}'],
      ['README.md', ''],
      ['dist/index.js', 'x\n//# sourceMappingURL=index.js.map\n'],
      ['dist/index.js.map', map(['../src/index.ts'], ['export const x = 1;'])],
      ['dist/index.d.ts', ''],
      ['dist/index.d.cts', ''],
    ]);
    expect(checkFiles(files)).toEqual([]);
  });

  it('refuses tests, sources, declaration maps and maps without their sources', () => {
    const files = new Map([
      ['dist/a.test.js', ''],
      ['src/index.ts', ''],
      ['dist/index.d.ts.map', '{}'],
      ['dist/index.js', '//# sourceMappingURL=index.js.map'],
      ['dist/index.js.map', map(['../src/index.ts'], [])],
      ['dist/orphan.js.map', map([], [])],
    ]);
    const problems = checkFiles(files).join('\n');
    expect(problems).toMatch(/a\.test\.js: a test/);
    expect(problems).toMatch(/src\/index\.ts/);
    expect(problems).toMatch(/declaration map/);
    expect(problems).toMatch(/lacks the text of 1 source/);
    expect(problems).toMatch(/orphan\.js\.map without dist\/orphan\.js/);
  });
});

describe('checkChangelog', () => {
  const changelog =
    '# @dendrite/nn\n\n## 0.2.0\n\n### Minor Changes\n\n- Add `Linear`\n  with bias.\n\n## 0.1.0\n\n- Old.\n';
  it('finds each changeset in the newest section', () => {
    expect(checkChangelog(changelog, '0.2.0', [{ id: 'a', summary: 'Add `Linear` with bias.' }])).toEqual([]);
  });
  it('reports a missing file, a wrong version and a missing entry', () => {
    expect(checkChangelog(undefined, '0.2.0', [])).toEqual(['ships no CHANGELOG.md']);
    expect(checkChangelog(changelog, '0.3.0', [])[0]).toMatch(/newest section is 0\.2\.0/);
    expect(checkChangelog(changelog, '0.2.0', [{ id: 'b', summary: 'Old.' }])[0]).toMatch(/b\.md/);
  });
});

describe('README extraction', () => {
  const md = [
    '# x',
    '```sh',
    'npm i @dendrite/tensor @dendrite/nn@0.2.0   # both',
    'npm i webgpu',
    '```',
    '```ts',
    "import { tensor } from '@dendrite/tensor';",
    'const x: number = 1;',
    '```',
    '```ts',
    'model.forward(x);',
    '```',
    '```text',
    "import { no } from '@dendrite/tensor';",
    '```',
  ].join('\n');

  it('finds the blocks, the programs and the install line', () => {
    expect(codeBlocks(md).map((b) => b.lang)).toEqual(['sh', 'ts', 'ts', 'text']);
    expect(candidatePrograms(md).map((b) => b.line)).toEqual([6]);
    expect(installedByReadme(md)).toEqual(['@dendrite/tensor', '@dendrite/nn']);
  });

  it('strips types and keeps the imports', () => {
    const js = toJavaScript(
      "import { type T, tensor } from '@dendrite/tensor';\nconst x: T = tensor([1]);\n",
    );
    expect(js).toContain("import { tensor } from '@dendrite/tensor';");
    expect(js).toContain('const x = tensor([1]);');
  });
});

describe('registry npmrc', () => {
  it('routes only the scope, with the token keyed to the registry', () => {
    const url = 'http://127.0.0.1:4873/';
    expect(authKey(url)).toBe('//127.0.0.1:4873/');
    expect(scopeNpmrc(url)).toBe('@dendrite:registry=http://127.0.0.1:4873/\n');
    expect(publishNpmrc(url, 't')).toBe(
      '@dendrite:registry=http://127.0.0.1:4873/\n//127.0.0.1:4873/:_authToken=t\n',
    );
  });
});

describe('turbo order', () => {
  it('every public package is a devDependency here, so turbo builds it before the release test', () => {
    const own = JSON.parse(readFileSync(join(toolDir, 'package.json'), 'utf8')).devDependencies;
    const publicNames = workspacePackages(repoRoot)
      .filter((p) => p.manifest.private !== true)
      .map((p) => p.name);
    expect(publicNames.length).toBeGreaterThan(0);
    expect(publicNames.filter((n) => own[n] !== 'workspace:*')).toEqual([]);
  });
});
