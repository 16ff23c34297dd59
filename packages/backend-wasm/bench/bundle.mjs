// Bundles a bench module that reaches the backend's internals (src/, which the package does not
// export) with esbuild, the tensor core external (its build, as a user gets it), and imports it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `bench/<name>.ts` from source and returns its module. */
export async function importBundled(name) {
  const bundled = await build({
    entryPoints: [join(root, 'bench', name)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    conditions: ['dendrite-source'],
    external: ['@dendrite/tensor'],
    write: false,
    logLevel: 'silent',
  });
  // Inside the package, so that '@dendrite/tensor' resolves from its node_modules.
  const dir = join(root, 'node_modules', '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(name, '.ts')}.mjs`);
  writeFileSync(file, bundled.outputFiles[0].text);
  return import(pathToFileURL(file).href);
}
