// Compiles assembly/*.ts (AssemblyScript) to the four WebAssembly variants the backend runs and writes
// generated/kernels.ts with each module as base64, so the package's bundle carries its kernels inside
// its JavaScript (no file to fetch, no native addon, no post-install step for users).
//
// generated/kernels.ts is a build product: never committed (generated/ is gitignored), made from
// assembly/ by this script and nothing else. Its first line stamps a digest of everything the compile
// reads (assembly/*, this script, the AssemblyScript and Binaryen versions); when the stamp matches,
// the file is current and the script returns without compiling (a few milliseconds), so every entry
// point that needs the file can simply run it: the root `postinstall`, turbo's `generate` task
// (which `build` and `typecheck` depend on), the package's `build` script and its vitest setup.
// `--force` compiles anyway. See README.md, "Why the binary lives where it does".
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The generated module, relative to the package root. */
export const TARGET = 'generated/kernels.ts';

const COMMON = ['-O3', '--enable', 'simd', '--runtime', 'stub', '--importMemory', '--noExportMemory'];

/**
 * Compiles the kernels; `shared` imports a shared memory (for worker threads), `relaxed` enables
 * relaxed SIMD (fused multiply-add in the matrix product) for engines that run it.
 */
export async function compileKernels(shared = false, relaxed = false, root = ROOT) {
  const { default: asc } = await import('assemblyscript/asc'); // loaded only when compiling
  let binary;
  const stderr = [];
  const features = relaxed ? ['--enable', 'relaxed-simd'] : [];
  const memory = shared
    ? ['--enable', 'threads', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '16384']
    : ['--initialMemory', '1'];
  const { error } = await asc.main(
    [join(root, 'assembly/index.ts'), ...COMMON, ...features, ...memory, '--outFile', 'kernels.wasm'],
    {
      writeFile(name, contents) {
        if (name.endsWith('.wasm')) binary = contents;
      },
      stderr: { write: (s) => stderr.push(String(s)) },
      stdout: { write: () => {} },
    },
  );
  if (error || !binary)
    throw new Error(`AssemblyScript compilation failed:\n${stderr.join('')}${error ?? ''}`);
  return Buffer.from(binary);
}

/** [export name, shared memory, relaxed SIMD, what it is] for each variant, in file order. */
const VARIANTS = [
  ['KERNELS_WASM_BASE64', false, false, 'The compiled WebAssembly kernels (imported memory), base64.'],
  [
    'KERNELS_SHARED_WASM_BASE64',
    true,
    false,
    'The same kernels for a shared memory (worker threads), base64.',
  ],
  ['KERNELS_RELAXED_WASM_BASE64', false, true, 'The kernels with relaxed SIMD (fused multiply-add), base64.'],
  ['KERNELS_SHARED_RELAXED_WASM_BASE64', true, true, 'Relaxed SIMD for a shared memory, base64.'],
];

/** The compiler's version and the Binaryen version it pins (both shape the bytes). */
function compilerVersions() {
  // createRequire, not import.meta.resolve: vitest's module runner (the tests import this file) lacks it.
  const asc = createRequire(import.meta.url)('assemblyscript/package.json');
  return `assemblyscript ${asc.version}, binaryen ${asc.dependencies?.binaryen ?? '?'}`;
}

/**
 * A digest of every input of the compile under `root`: the AssemblyScript sources (names and
 * bytes), this script (flags, variants, rendering) and the compiler versions.
 */
export function inputsDigest(root = ROOT, versions = compilerVersions()) {
  const hash = createHash('sha256').update(versions).update('\0');
  const files = readdirSync(join(root, 'assembly'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      relative(root, join(e.parentPath ?? e.path, e.name))
        .split(sep)
        .join('/'),
    )
    .sort();
  for (const file of [...files, 'scripts/build-wasm.mjs'])
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** The digest stamped on the first line of an existing generated module, or null. */
export function stampOf(root = ROOT) {
  const path = join(root, TARGET);
  if (!existsSync(path)) return null;
  const first = readFileSync(path, 'utf8').split('\n', 1)[0];
  return /^\/\/ inputs sha256 ([0-9a-f]{64})/.exec(first)?.[1] ?? null;
}

function base64Lines(wasm) {
  return (wasm.toString('base64').match(/.{1,100}/g) ?? []).map((l) => `  '${l}'`).join(' +\n');
}

/** generated/kernels.ts for the compiled variants (in the order of VARIANTS), stamped with `digest`. */
export function renderModule(binaries, digest) {
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  const head = VARIANTS.map(
    ([, shared, relaxed], i) =>
      `// ${shared ? 'shared memory' : 'plain'}${relaxed ? ', relaxed SIMD' : ''}: ${binaries[i].length} bytes, sha256 ${sha(binaries[i])}`,
  );
  const body = VARIANTS.map(
    ([name, , , doc], i) => `/** ${doc} */\nexport const ${name} =\n${base64Lines(binaries[i])};\n`,
  );
  return [
    `// inputs sha256 ${digest}`,
    '// Generated by scripts/build-wasm.mjs from assembly/*.ts — not committed, do not edit.',
    ...head,
    '',
    body.join('\n'),
  ].join('\n');
}

/**
 * Makes generated/kernels.ts current: compiles the four variants unless the file's stamp already
 * matches the inputs (or `force`). Written through a temporary file and a rename, so a concurrent
 * reader (another task, a test run) sees the old file or the new one, never half of one.
 */
export async function ensureKernels({ root = ROOT, force = false, log = console.log } = {}) {
  const digest = inputsDigest(root);
  if (!force && stampOf(root) === digest) return { compiled: false, seconds: 0 };
  const started = performance.now();
  const binaries = [];
  for (const [, shared, relaxed] of VARIANTS) binaries.push(await compileKernels(shared, relaxed, root));
  const path = join(root, TARGET);
  mkdirSync(join(root, 'generated'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, renderModule(binaries, digest));
  renameSync(temporary, path);
  const seconds = (performance.now() - started) / 1000;
  log(`backend-wasm: compiled assembly/ (4 variants) into ${TARGET} in ${seconds.toFixed(1)} s`);
  return { compiled: true, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureKernels({ force: process.argv.includes('--force') });
}
