import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  browserSpecifiers,
  checkPackedManifest,
  cleanNpmEnv,
  diagnosticOwner,
  discoverPackages,
  importSpecifiers,
  isNodeOnlySubpath,
  mapLimit,
  parseTscDiagnostics,
  typesFile,
} from '../src/lib.mjs';

const published = {
  name: '@dendrite/x',
  version: '1.0.0',
  type: 'module',
  types: './dist/index.d.ts',
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js' },
    './nn': { types: './dist/nn.d.ts', import: './dist/nn.js' },
    './package.json': './package.json',
  },
  dependencies: { '@dendrite/tensor': '0.1.0' },
};

describe('checkPackedManifest', () => {
  it('accepts a manifest whose publishConfig replaced the development exports', () => {
    expect(checkPackedManifest(published)).toEqual([]);
  });

  it('names a workspace export that publishConfig.exports forgot', () => {
    const source = {
      ...published,
      exports: {
        '.': { 'dendrite-source': './src/index.ts', import: './dist/index.js' },
        './nn': { 'dendrite-source': './src/nn.ts', import: './dist/nn.js' },
        './backend': { 'dendrite-source': './src/backend.ts', import: './dist/backend.js' },
        './package.json': './package.json',
      },
    };
    expect(checkPackedManifest(published, source)).toEqual([
      'exports["./backend"] is in the workspace package.json but not in publishConfig.exports: the published package would not have it',
    ]);
    const { './backend': _backend, ...sameSubpaths } = source.exports;
    expect(checkPackedManifest(published, { ...source, exports: sameSubpaths })).toEqual([]);
  });

  it('rejects the development exports and unrewritten workspace ranges', () => {
    const dev = {
      ...published,
      exports: {
        '.': { 'dendrite-source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
      },
      dependencies: { '@dendrite/tensor': 'workspace:*' },
    };
    const problems = checkPackedManifest(dev);
    expect(problems).toContain('exports still has the development-only "dendrite-source" condition');
    expect(problems).toContain('exports["."]["dendrite-source"] points at source "./src/index.ts"');
    expect(problems.some((p) => p.includes('workspace:*'))).toBe(true);
  });

  it('accepts import/require conditions with their own types, and an imports map into dist/', () => {
    const dual = {
      ...published,
      main: './dist/index.cjs',
      types: './dist/index.d.cts',
      exports: {
        '.': {
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
      },
      imports: { '#workers': { node: './dist/workers.node.js', default: './dist/workers.browser.js' } },
    };
    expect(checkPackedManifest(dual)).toEqual([]);
    const devImports = {
      ...dual,
      imports: {
        '#workers': { 'dendrite-source': { node: './src/workers.node.ts' }, default: './dist/w.js' },
      },
    };
    expect(checkPackedManifest(devImports)).toContain(
      'imports still has the development-only "dendrite-source" condition',
    );
  });

  it('rejects a main or types field that points into src/', () => {
    expect(checkPackedManifest({ ...published, main: 'src/index.js' })).toEqual([
      'main points at source "src/index.js"',
    ]);
    expect(checkPackedManifest({ ...published, types: './lib/index.ts' })).toHaveLength(1);
  });
});

describe('importSpecifiers', () => {
  it('imports every JavaScript subpath and skips package.json', () => {
    expect(importSpecifiers(published)).toEqual(['@dendrite/x', '@dendrite/x/nn']);
  });

  it('handles a bare conditions object and a string export', () => {
    expect(importSpecifiers({ name: 'a', exports: { import: './i.js' } })).toEqual(['a']);
    expect(importSpecifiers({ name: 'a', exports: './i.js' })).toEqual(['a']);
  });
});

describe('browserSpecifiers', () => {
  it('leaves out the Node-only subpaths (./node, ./node-*) and nothing else', () => {
    const manifest = {
      name: '@dendrite/x',
      exports: { '.': './i.js', './node': './n.js', './node-webgpu': './w.js', './nodes': './s.js' },
    };
    expect(browserSpecifiers(manifest)).toEqual(['@dendrite/x', '@dendrite/x/nodes']);
    expect(isNodeOnlySubpath('./node')).toBe(true);
    expect(isNodeOnlySubpath('./nodes')).toBe(false);
  });
});

describe('typescript helpers', () => {
  it('typesFile loads every specifier', () => {
    const text = typesFile(['@d/x', '@d/x/node']);
    expect(text).toContain("import type * as m0 from '@d/x';");
    expect(text).toContain("import type * as m1 from '@d/x/node';");
    expect(text).toContain('export type Loaded = [typeof m0, typeof m1];');
  });

  it('parseTscDiagnostics keeps elaborations with their error', () => {
    const out = [
      "usage.cts(14,6): error TS2339: Property 'backward' does not exist on type 'Tensor'.",
      'node_modules/@d/x/dist/index.d.ts(3,1): error TS2304: Cannot find name',
      "  'WeakRef'.",
      'error TS5083: Cannot read file tsconfig.json.',
    ].join('\n');
    expect(parseTscDiagnostics(out)).toEqual([
      {
        file: 'usage.cts',
        line: 14,
        code: 'TS2339',
        message: "Property 'backward' does not exist on type 'Tensor'.",
      },
      {
        file: 'node_modules/@d/x/dist/index.d.ts',
        line: 3,
        code: 'TS2304',
        message: "Cannot find name\n'WeakRef'.",
      },
      { file: '', line: 0, code: '', message: 'error TS5083: Cannot read file tsconfig.json.' },
    ]);
  });

  it('diagnosticOwner finds the package by installed path or generated file name', () => {
    const pkgs = [
      { name: '@d/nn', dirName: 'nn' },
      { name: '@d/tensor', dirName: 'tensor' },
    ];
    expect(diagnosticOwner('node_modules/@d/tensor/dist/index.d.cts', pkgs)?.dirName).toBe('tensor');
    expect(diagnosticOwner('types/nn.cts', pkgs)?.dirName).toBe('nn');
    expect(diagnosticOwner('usage.ts', pkgs)).toBeUndefined();
  });
});

describe('discoverPackages', () => {
  it('finds every folder under packages/ with a package.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'dendrite-discover-'));
    try {
      for (const [dir, name] of [
        ['zeta', '@d/zeta'],
        ['alpha', '@d/alpha'],
      ]) {
        mkdirSync(join(root, 'packages', dir), { recursive: true });
        writeFileSync(
          join(root, 'packages', dir, 'package.json'),
          JSON.stringify({ name, version: '0.0.1' }),
        );
      }
      mkdirSync(join(root, 'packages', 'empty'));
      expect(discoverPackages(root).map((p) => p.name)).toEqual(['@d/alpha', '@d/zeta']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('helpers', () => {
  it('mapLimit keeps order', async () => {
    const out = await mapLimit([3, 1, 2], 2, async (n) => {
      await new Promise((r) => setTimeout(r, n));
      return n * 10;
    });
    expect(out).toEqual([30, 10, 20]);
  });

  it('cleanNpmEnv drops pnpm script variables but keeps the registry', () => {
    const env = cleanNpmEnv({
      PATH: '/bin',
      npm_config_registry: 'r',
      npm_package_name: 'x',
      npm_config_frozen_lockfile: 'true',
    });
    expect(env).toEqual({ PATH: '/bin', npm_config_registry: 'r' });
  });
});
