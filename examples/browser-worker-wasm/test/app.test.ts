// Bundles the app with esbuild (no warnings allowed), serves it with the example's own server
// (COOP/COEP headers), opens it in headless Chromium and waits for the page to report that the worker
// finished training (#status's data-state): cross-origin isolated, more than one thread, a model that
// learned, nothing wrong in the console.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, waitForAttribute } from '@dendrite/browser-test';
import type { BuildResult } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../build.mjs';
import { startServer } from '../serve.mjs';
import type { TrainingResult } from '../src/protocol.js';

const out = mkdtempSync(join(tmpdir(), 'dendrite-example-wasm-'));
let built: BuildResult;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let browser: Awaited<ReturnType<typeof launch>> | undefined;

beforeAll(async () => {
  built = await bundle({ outdir: out });
  server = await startServer({ root: out });
  browser = await launch();
}, 120_000); // ~3 s alone (bundle ~0.5 s, Chromium ~2 s)

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('browser-worker-wasm: threads in a Web Worker on an isolated page', () => {
  it('bundles with esbuild without a warning', () => {
    expect(built.errors).toEqual([]);
    expect(built.warnings.map((w) => w.text)).toEqual([]);
  });

  it('trains on the wasm backend with threads: isolated, > 1 thread, the loss went down', async () => {
    const { page, problems } = await openPage(browser!.context, server!.url);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const state = await waitForAttribute(page, '#status', 'data-state', ['done', 'error']);
    expect(state, (await page.locator('#status').textContent()) ?? '').toBe('done');
    const r = JSON.parse(
      (await page.locator('#status').getAttribute('data-result')) ?? '{}',
    ) as TrainingResult;
    expect(r.isolated).toBe(true); // the worker too
    expect(r.sharedMemory).toBe(true);
    expect(r.reason).toBeNull();
    expect(r.backend).toBe('wasm');
    expect(r.workers).toBeGreaterThanOrEqual(1); // still running after every product of training
    expect(r.threads).toBeGreaterThan(1);
    expect(r.largestProduct).toBeGreaterThanOrEqual(r.parallelMin); // so the products were split
    expect(r.losses).toHaveLength(30);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0] / 2);
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(await page.locator('#threads').textContent()).toMatch(/kernel thread/);
    expect(problems).toEqual([]);
  }, 120_000); // ~3 s alone
});
