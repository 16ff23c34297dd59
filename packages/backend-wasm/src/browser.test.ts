// The backend in a real browser (Debian's Chromium through playwright-core; .ci/run installs it):
// storage in linear memory and SIMD products on a plain page's main thread, and Web Worker
// threads inside a worker of a cross-origin-isolated page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BrowserContext,
  ISOLATION_HEADERS,
  launch,
  type Page,
  type Served,
  serve,
} from '@dendrite/browser-test';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** Runs in the page or a worker: products and a few fused ops on `wasm`, compared with `cpu`. */
const ENTRY = `
import { cpuBackend, Generator, matmul, randn, setBackend } from '@dendrite/tensor';
import { enableThreads, threadCount, threadSupport, wasmBackend, wasmSupport } from './index.ts';

function worst(x, y) {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return m;
}

export async function check(wantThreads) {
  const started = wantThreads ? await enableThreads(1) : 0;
  setBackend(wasmBackend);
  const g = new Generator(5);
  const a = randn([2, 96, 80], { generator: g });
  const b = randn([80, 130], { generator: g });
  const q = randn([6, 64, 32], { generator: g });
  const k = randn([6, 64, 32], { generator: g });
  const run = (x, y, z, w) => [
    matmul(x, y).dataSync(),
    matmul(z, w.mT).softmax(-1).dataSync(),
    matmul(x, y).layerNorm(130).gelu().dataSync(),
  ];
  const got = run(a, b, q, k);
  const cpu = [a, b, q, k].map((t) => t.to(cpuBackend));
  const want = run(...cpu);
  return {
    supported: wasmSupport().supported,
    isolated: globalThis.crossOriginIsolated === true,
    threadReason: threadSupport().reason,
    started,
    threads: threadCount(),
    error: Math.max(...got.map((x, i) => worst(x, want[i]))),
    backend: matmul(a, b).backend.name,
  };
}
`;

const WORKER = `
import { check } from './bundle.js';
self.onmessage = async (e) => {
  try { self.postMessage(await check(e.data)); }
  catch (err) { self.postMessage({ failure: String((err && err.stack) || err) }); }
};
`;

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { check } from './bundle.js';
window.onMain = (threads) => check(threads);
window.inWorker = (threads) => new Promise((resolve) => {
  const w = new Worker('./worker.js', { type: 'module' });
  w.onmessage = (e) => resolve(e.data);
  w.onerror = (e) => resolve({ failure: e.message });
  w.postMessage(threads);
});
window.ready = true;
</script>`;

interface Result {
  supported: boolean;
  isolated: boolean;
  threadReason: string | null;
  started: number;
  threads: number;
  error: number;
  backend: string;
  failure?: string;
}

let dir: string;
let plain: Served;
let isolated: Served;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: SRC, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['dendrite-source'],
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  dir = mkdtempSync(join(tmpdir(), 'dendrite-wasm-browser-'));
  writeFileSync(join(dir, 'bundle.js'), bundled.outputFiles[0].text);
  writeFileSync(join(dir, 'worker.js'), WORKER);
  writeFileSync(join(dir, 'index.html'), PAGE);
  plain = await serve({ '/': dir });
  isolated = await serve({ '/': dir }, ISOLATION_HEADERS);
  ({ context, close: closeBrowser } = await launch());
}, 60_000);

afterAll(async () => {
  await closeBrowser?.();
  await plain?.close();
  await isolated?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(served: Served): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${served.url}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}

describe('backend-wasm in Chromium', () => {
  it('runs on a plain page (fixed, unshared memory): results match the CPU backend', async () => {
    const page = await open(plain);
    const r = (await page.evaluate('onMain(true)')) as Result;
    expect(r.failure).toBeUndefined();
    expect(r).toMatchObject({ supported: true, isolated: false, started: 0, threads: 0, backend: 'wasm' });
    expect(r.threadReason).toMatch(/not shared/);
    expect(r.error).toBeLessThan(1e-4);
    await page.close();
  }, 60_000);

  it('refuses threads on an isolated page’s main thread (it may not block), and still computes', async () => {
    const page = await open(isolated);
    const r = (await page.evaluate('onMain(true)')) as Result;
    expect(r.failure).toBeUndefined();
    expect(r).toMatchObject({ supported: true, isolated: true, started: 0, threads: 0 });
    expect(r.threadReason).toMatch(/may not block/);
    expect(r.error).toBeLessThan(1e-4);
    await page.close();
  }, 60_000);

  it('starts Web Worker threads from a worker of an isolated page; results match the CPU backend', async () => {
    const page = await open(isolated);
    const r = (await page.evaluate('inWorker(true)')) as Result;
    expect(r.failure).toBeUndefined();
    expect(r).toMatchObject({ supported: true, isolated: true, threadReason: null, started: 1, threads: 1 });
    expect(r.error).toBeLessThan(1e-4);
    await page.close();
  }, 60_000);
});
