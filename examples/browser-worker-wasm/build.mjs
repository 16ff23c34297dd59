// Bundles the page script and the training worker with esbuild for the browser, and copies the page.
//   node build.mjs            → dist/ (then `node serve.mjs` serves it cross-origin isolated)
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * Builds into `outdir`; returns esbuild's result (its `warnings` must be empty: the Dendrite packages
 * bundle for the browser without a Node module or a shim).
 * @param {{ outdir?: string }} [options]
 */
export async function bundle({ outdir = join(ROOT, 'dist') } = {}) {
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { main: join(ROOT, 'src', 'main.ts'), worker: join(ROOT, 'src', 'worker.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'silent', // warnings and errors come back in the result; the CLI below prints them
  });
  copyFileSync(join(ROOT, 'index.html'), join(outdir, 'index.html'));
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await bundle();
  const messages = await esbuild.formatMessages(result.warnings, { kind: 'warning', color: true });
  for (const m of messages) console.warn(m);
  for (const [file, { bytes }] of Object.entries(result.metafile.outputs))
    if (file.endsWith('.js')) console.log(`${file}  ${(bytes / 1024).toFixed(1)} KiB`);
  if (result.warnings.length > 0) process.exitCode = 1;
}
