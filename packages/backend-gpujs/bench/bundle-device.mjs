#!/usr/bin/env node
// Bundles bench/device.mjs for a machine with a GPU and no node_modules (../shared/device-h200):
// one ES module, `<out>/bench.mjs`, with the Dendrite packages (from their sources), tiny-gpt's
// training rig and gpu.js inside; only Dawn stays outside, copied to `<out>/node_modules/webgpu`
// (index.js, package.json and the Linux x64 binary: dist/linux-x64/dawn.node in webgpu 0.6, where
// 0.3–0.4 had dist/linux-x64.dawn.node), and tiny Shakespeare beside the bundle when
// it is at hand (never committed: `.device/` is ignored).
//   node bench/bundle-device.mjs [--out <dir>] [--corpus <file> | --corpus none]
// Default out: the repository's `.device/`. Then, on the device: see the README's "Real-GPU figures".
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    out: { type: 'string', default: join(root, '.device') },
    corpus: { type: 'string' },
  },
});
// tiny Shakespeare: --corpus, else $DENDRITE_SHAKESPEARE, else ../shared/data beside the checkout
// (or beside a worktree's parent folder)
const corpusPath =
  opts.corpus ??
  [
    process.env.DENDRITE_SHAKESPEARE,
    resolve(root, '../shared/data/tinyshakespeare.txt'),
    resolve(root, '../../shared/data/tinyshakespeare.txt'),
  ].find((p) => p && existsSync(p));
const out = resolve(opts.out);
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'device.mjs')],
  outfile: join(out, 'bench.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', 'gl'],
  // the workspace packages' own sources (their `dendrite-source` export), not possibly stale dists
  conditions: ['dendrite-source'],
  // gpu.js is CommonJS: its `require`s of Node built-ins need a `require` inside an ES module
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

/** Copies `from` over `to`, even where an earlier copy of a read-only file is in the way. */
function replace(from, to) {
  rmSync(to, { force: true });
  copyFileSync(from, to);
}

// Dawn: the `webgpu` this package resolves (the version pinned for gpu.js), three files of it.
const require = createRequire(join(here, '../package.json'));
const dawn = dirname(require.resolve('webgpu/package.json'));
const dawnOut = join(out, 'node_modules/webgpu');
const binary = ['dist/linux-x64/dawn.node', 'dist/linux-x64.dawn.node'].find((f) =>
  existsSync(join(dawn, f)),
);
if (!binary) throw new Error(`bundle-device: no Linux x64 Dawn binary in ${dawn}/dist`);
for (const file of ['index.js', 'package.json', binary]) {
  mkdirSync(dirname(join(dawnOut, file)), { recursive: true });
  replace(join(dawn, file), join(dawnOut, file));
}

let corpus = 'none';
if (corpusPath !== undefined && corpusPath !== 'none') {
  replace(corpusPath, join(out, 'tinyshakespeare.txt'));
  corpus = corpusPath;
}
const mib = (f) => (statSync(join(out, f)).size / 2 ** 20).toFixed(1);
console.log(
  `${join(out, 'bench.mjs')} (${mib('bench.mjs')} MiB), Dawn ${mib(`node_modules/webgpu/${binary}`)} MiB, corpus: ${corpus}`,
);
