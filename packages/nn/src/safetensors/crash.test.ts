/**
 * Crash safety of saveSafetensors: a child process saves a big state dict to one path in a loop
 * and is killed with SIGKILL at random moments. After every kill the file must load and equal one
 * complete version, never a torn or truncated one.
 *
 * Nothing here depends on how fast the machine is: a round waits for the child's first "saved N"
 * line (an event, not a time), the random delay before the kill only picks the moment, and the
 * verdict compares the file with the "saved N" lines read after the child's output has closed.
 *
 * The child runs plain Node, so `src/node.ts` (with @dendrite/tensor, from sources) is bundled
 * into a temp dir with the esbuild that tsup ships. The versions' contents come from one small
 * JS module that both the child and this test import.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tensor } from '@dendrite/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors } from '../node.js';

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

type VersionValues = (v: number) => { w: Float32Array; ids: Int32Array };

// Two contents that differ in every element, built once so each save is mostly writing: version v
// holds content v % 2 and says v in its metadata. A torn file (old and new bytes mixed, or cut
// short) cannot pass for either.

const ROWS = 1024;
const COLS = 1024; // 1M float32 weights + 256K int32 ids: ~5 MB per save

/** Deterministic content `v` (0 or 1). */
const VALUES_MODULE = `
export function versionValues(v) {
  const w = new Float32Array(${ROWS * COLS});
  for (let i = 0; i < w.length; i++) w[i] = ((i * 31 + v * 7919) % 65521) - 32000;
  const ids = new Int32Array(w.length / 4);
  for (let i = 0; i < ids.length; i++) ids[i] = i ^ Math.imul(v, 2654435761);
  return { w, ids };
}
`;

/** Saves versions argv[3], argv[3] + 1, … to argv[2] forever, printing "saved <v>" after each. */
const CHILD = `
import { saveSafetensors, tensor } from './node-bundle.mjs';
import { versionValues } from './values.mjs';
const path = process.argv[2];
const stateDicts = [0, 1].map((c) => {
  const { w, ids } = versionValues(c);
  return { 'layer.weight': tensor(w, { shape: [${ROWS}, ${COLS}] }), 'layer.ids': tensor(ids) };
});
for (let v = Number(process.argv[3]); ; v++) {
  await saveSafetensors(path, stateDicts[v % 2], { version: String(v) });
  process.stdout.write('saved ' + v + '\\n');
}
`;

/** A small seeded generator so the kill schedule is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Tracks the last version a child reported saved; `first` resolves on its first report. */
function watch(child: ChildProcess): { first: Promise<void>; lastSaved: () => number } {
  let last = -1;
  let err = '';
  let out = '';
  const first = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d) => {
      err += String(d);
    });
    child.stdout?.on('data', (d) => {
      out += String(d);
      for (const m of out.matchAll(/saved (\d+)\n/g)) last = Math.max(last, Number(m[1]));
      out = out.slice(out.lastIndexOf('\n') + 1);
      if (last >= 0) resolve();
    });
    child.once('exit', (code, signal) => {
      if (last < 0) reject(new Error(`child exited before saving (${code ?? signal}): ${err}`));
    });
  });
  return { first, lastSaved: () => last };
}

let dir: string;
let versionValues: VersionValues;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dendrite-crash-'));
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
  await esbuild.build({
    stdin: {
      contents: "export * from '../node.ts';\nexport { tensor } from '@dendrite/tensor';\n",
      resolveDir: dirname(fileURLToPath(import.meta.url)),
      sourcefile: 'crash-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['dendrite-source'],
    outfile: join(dir, 'node-bundle.mjs'),
    logLevel: 'silent',
  });
  await writeFile(join(dir, 'values.mjs'), VALUES_MODULE);
  await writeFile(join(dir, 'child.mjs'), CHILD);
  ({ versionValues } = (await import(pathToFileURL(join(dir, 'values.mjs')).href)) as {
    versionValues: VersionValues;
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveSafetensors under SIGKILL', () => {
  it('always leaves a file that loads and equals one complete version', async () => {
    const path = join(dir, 'model.safetensors');
    const initial = versionValues(0);
    await saveSafetensors(
      path,
      { 'layer.weight': tensor(initial.w, { shape: [ROWS, COLS] }), 'layer.ids': tensor(initial.ids) },
      { version: '0' },
    );
    const own = new Set(['node-bundle.mjs', 'values.mjs', 'child.mjs', 'model.safetensors']);

    const random = lcg(20240611);
    let previous = 0;
    for (let round = 1; round <= 10; round++) {
      const base = round * 1_000_000; // this child's versions: base, base + 1, …
      const proc = spawn(process.execPath, [join(dir, 'child.mjs'), path, String(base)], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // 'close', not 'exit': the child's last "saved N" lines may still be in the pipe at 'exit'.
      const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));
      const progress = watch(proc);
      await progress.first;
      await sleep(5 + Math.floor(random() * 196)); // where in the save loop the kill lands
      proc.kill('SIGKILL');
      await closed;

      const { tensors, metadata } = await loadSafetensors(path);
      const v = Number(metadata.version);
      // The file is the last version this child reported, or the one it was finishing (renamed
      // before the kill, reported after it).
      const reported = progress.lastSaved();
      expect([reported, reported + 1], `round ${round}: version ${metadata.version}`).toContain(v);
      const want = versionValues(v % 2);
      expect(tensors['layer.weight'].shape).toEqual([ROWS, COLS]);
      const same = (a: ArrayBufferView, b: ArrayBufferView) =>
        Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
          Buffer.from(b.buffer, b.byteOffset, b.byteLength),
        );
      expect(same(tensors['layer.weight'].data, want.w), `round ${round}: weights of version ${v}`).toBe(
        true,
      );
      expect(same(tensors['layer.ids'].data, want.ids), `round ${round}: ids of version ${v}`).toBe(true);
      expect(v).not.toBe(previous);
      previous = v;

      // A kill mid-write may leave the writer's temp file behind; it never replaces the target.
      for (const name of await readdir(dir)) {
        if (own.has(name)) continue;
        expect(name).toMatch(/^\.model\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/);
        await unlink(join(dir, name));
      }
    }
  }, 180_000); // ~7 s alone (ten child processes, 5 MB saves); room for a machine 20× slower
});
