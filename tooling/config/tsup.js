// The one tsup preset every Dendrite package builds with. Switching to another bundler later
// (tsdown) means changing this file only.
//
// What a package ships (see CONTRIBUTING.md, "How packages are built"):
//
//   dist/<entry>.js      the code: ES modules, ES2022, shared chunks between entries
//   dist/<entry>.d.ts    its types, for `import`
//   dist/<entry>.cjs     for `require`: one line, `module.exports = require('./<entry>.js')`
//   dist/<entry>.d.cts   the same types, for `require` (TypeScript's node16/nodenext CommonJS mode)
//
// Why `require` gets a one-line facade and not a CommonJS build of the code. A real dual build
// ships every class twice; an app (or its dependencies) that both imports and requires a package
// would load both copies: two `Tensor` classes (`instanceof` fails across them), two backend
// registries (a `setBackend` through one is invisible to the other), and autograd's hook installed
// on one of them only. Node ≥ 20.19 can `require()` an ES module (without top-level await, which
// no Dendrite module uses), so the facade hands CommonJS callers the one ES module instance that
// `import` gets too; bundlers follow the same `require` to the same file. The cost: `require`
// needs Node ≥ 20.19 (every package's `engines`) or a bundler that follows `require` into an ES
// module (webpack and esbuild do); Jest's own CommonJS loader does not (use its ESM mode).
//
// Types. The .d.ts and .d.cts are one declaration bundle written twice, so TypeScript resolves
// `require` to CommonJS-format types (arethetypeswrong's node16-from-CJS check) and each format's
// module augmentations land on the same format's modules. Two things the dts bundler would lose
// are put back at the top of every declaration file:
//   - `/// <reference lib="es2022" />`: the code targets ES2022 and the types mention its library
//     (WeakRef, Iterable, ReadonlySet…); a user whose tsconfig leaves target/lib at TypeScript's
//     defaults (ES5 under `moduleResolution: bundler`) must not have to know that;
//   - side-effect imports of other packages (`import '@dendrite/autograd'`), which rollup-plugin-dts
//     drops: they carry module augmentations (`Tensor#backward`, `.grad`). Bare side-effect
//     imports in an entry file are found automatically; `typeImports` adds more.
//
// Node built-ins keep their `node:` prefix (tsup strips it by default: `removeNodeProtocol`), so
// a bundler targeting the browser reports them instead of looking for an npm package `os`.
// Node-only code lives in Node-only entries (`@dendrite/nn/node`) or behind `node`/`browser`
// conditions (`platformEntries`, see @dendrite/backend-wasm's `#workers`).
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { defineConfig } from 'tsup';

const TARGET = 'es2022';

/** `{ name: file }` from tsup's entry forms. */
function entryRecord(entry) {
  if (!Array.isArray(entry)) return entry;
  return Object.fromEntries(entry.map((file) => [basename(file, extname(file)), file]));
}

function readPackageJson() {
  try {
    return JSON.parse(readFileSync('package.json', 'utf8'));
  } catch {
    return {};
  }
}

/** Bare-specifier side-effect imports (`import '@dendrite/autograd';`) in the entry files. */
function sideEffectImports(files) {
  const found = new Set();
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^import\s+['"]([^'"./][^'"]*)['"];?\s*$/gm)) found.add(m[1]);
  }
  return [...found];
}

/**
 * The CommonJS build of an entry is its facade: esbuild never reads the entry's code (no second
 * copy is bundled), and what gets written is exactly `module.exports = require('./<name>.js')`.
 * tsup runs esbuild in ESM mode and converts afterwards, so the format is read from its
 * `TSUP_FORMAT` define.
 */
function cjsFacadeEsbuildPlugin(entries) {
  const byPath = new Map(Object.entries(entries).map(([name, file]) => [resolve(file), name]));
  return {
    name: 'dendrite:cjs-facade',
    setup(build) {
      if (build.initialOptions.define?.TSUP_FORMAT !== '"cjs"') return;
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        const name = byPath.get(args.path);
        if (name === undefined) return undefined;
        return { contents: `export * from 'dendrite-esm:./${name}.js';\n`, loader: 'js' };
      });
      build.onResolve({ filter: /^dendrite-esm:/ }, (args) => ({
        path: args.path.slice('dendrite-esm:'.length),
        external: true,
      }));
    },
  };
}

function cjsFacadePlugin(entries) {
  const names = new Set(Object.keys(entries));
  return {
    name: 'dendrite:cjs-facade-output',
    // Runs after the written files are final: each entry's .cjs becomes the exact one-liner.
    async buildEnd({ writtenFiles }) {
      if (this.format !== 'cjs') return;
      for (const { name: file } of writtenFiles) {
        const path = resolve(file);
        const base = basename(path);
        if (base.endsWith('.cjs.map')) await rm(path, { force: true });
        else if (base.endsWith('.cjs') && names.has(base.slice(0, -'.cjs'.length))) {
          const entry = base.slice(0, -'.cjs'.length);
          await writeFile(
            path,
            `'use strict';\n// The ES module itself, required (Node >= 20.19): one instance for import and require.\nmodule.exports = require('./${entry}.js');\n`,
          );
        } else if (base.endsWith('.cjs')) await rm(path, { force: true }); // no shared CommonJS chunks
      }
    },
  };
}

/**
 * @param {import('./tsup.d.ts').LibraryPresetOptions} [options]
 */
export function libraryPreset(options = {}) {
  const entry = entryRecord(options.entry ?? { index: 'src/index.ts' });
  const platformEntries = options.platformEntries ?? {};
  const dts = options.dts ?? true;
  // A private package (an app) is nobody's dependency: ES modules only, unless asked.
  const cjs = options.cjs ?? !readPackageJson().private;
  const typeImports = [
    ...new Set([...sideEffectImports(Object.values(entry)), ...(options.typeImports ?? [])]),
  ];
  const banner = [
    `/// <reference lib="${TARGET}" />`,
    ...typeImports.map((specifier) => `import '${specifier}';`),
  ].join('\n');
  return defineConfig({
    entry: { ...entry, ...platformEntries },
    format: cjs ? ['esm', 'cjs'] : ['esm'],
    platform: options.platform ?? 'neutral',
    target: TARGET,
    // Declarations for the public entries only: platform entries are internal modules.
    dts: dts ? { entry, banner } : false,
    sourcemap: true,
    clean: true,
    splitting: true, // shared chunks: one copy of each class across entries (instanceof works)
    treeshake: true,
    removeNodeProtocol: false,
    external: [/^node:/, ...(options.external ?? [])],
    noExternal: options.noExternal,
    banner: options.banner ? { js: options.banner } : undefined,
    esbuildPlugins: [cjsFacadeEsbuildPlugin({ ...entry, ...platformEntries })],
    plugins: [cjsFacadePlugin(entry)],
    // The dts build resolves workspace packages to their built .d.ts, not their sources.
    tsconfig: 'tsconfig.json',
  });
}
