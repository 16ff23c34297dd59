// The backend where gpu.js users are: in Chromium (Debian's, through playwright-core; .ci/run
// installs it), on the GPU modes its software GPU gives a page — webgl2 and webgl through ANGLE on
// SwiftShader, webgpu on SwiftShader's Vulkan. In each: the whole conformance suite, as Node runs it
// (src/conformance.test.ts), and the training test's baby GPT against the CPU's losses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, launch, openPage, type Page, serve } from '@dendrite/browser-test';
import type { CaseResult } from '@dendrite/conformance/standalone';
import { casesToRun } from '@dendrite/conformance/standalone';
import { cpuBackend } from '@dendrite/tensor';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpujsMode } from './index.js';
import { BABY_LOSS_ATOL, trainBaby } from './test/baby-gpt.js';
import type * as Harness from './test/browser-page.js';
import { CONFORMANCE_SELECTION } from './test/conformance-options.js';

/** The GPU modes Chromium's software GPU gives a page; each must run everything below. */
const BROWSER_MODES: readonly GpujsMode[] = ['webgpu', 'webgl2', 'webgl'];
/** Training steps per mode (the Node test runs 50; SwiftShader is slow). */
const STEPS = 20;
/**
 * The bound on one mode's whole conformance run or training run: ~25 s alone for the suite in
 * webgl on this 2-core machine (~11 s webgpu), ~10 s for the training; room for 20× slower.
 */
const RUN_MS = 600_000;

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let closeServer: () => Promise<void>;
let page: Page;
let problems: string[];
let dir: string;

/** Calls a function of src/test/browser-page.ts in the page. */
function inPage<K extends keyof typeof Harness>(
  name: K,
  ...args: Parameters<(typeof Harness)[K]>
): Promise<Awaited<ReturnType<(typeof Harness)[K]>>> {
  return page.evaluate(
    ([fn, rest]) => {
      const harness = (window as unknown as { harness: Record<string, (...a: unknown[]) => unknown> })
        .harness;
      return harness[fn as string](...(rest as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<(typeof Harness)[K]>>>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dendrite-gpujs-browser-'));
  await build({
    entryPoints: [fileURLToPath(new URL('./test/browser-page.ts', import.meta.url))],
    outfile: join(dir, 'harness.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['dendrite-source'],
    logLevel: 'silent',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">' +
      "import * as harness from './harness.js'; window.harness = harness; document.body.dataset.ready = 'yes';" +
      '</script><body></body>',
  );
  const served = await serve({ '/': dir });
  closeServer = served.close;
  ({ context, close: closeBrowser } = await launch({ webgpu: true }));
  ({ page, problems } = await openPage(context, `${served.url}/`));
  await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await closeServer?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('gpu.js in Chromium, on its software GPU', () => {
  it(
    'offers webgpu, webgl2 and webgl; auto takes webgpu, which passes the suite below',
    async () => {
      const found = await inPage('probe');
      expect(found.modes).toEqual(['webgpu', 'webgl2', 'webgl', 'webasm', 'cpu']);
      expect(found.auto).toBe('webgpu');
      expect(found.renderer).toMatch(/SwiftShader/);
      expect(found.adapter).toMatch(/google|swiftshader/i);
    },
    RUN_MS,
  );

  for (const mode of BROWSER_MODES) {
    describe(`conformance: gpujs ${mode} in Chromium`, () => {
      const results = new Map<string, CaseResult>();
      beforeAll(async () => {
        for (const r of await inPage('conformance', mode)) results.set(r.name, r);
      }, RUN_MS);
      for (const c of casesToRun(CONFORMANCE_SELECTION)) {
        it(c.name, () => {
          const r = results.get(c.name);
          if (r === undefined) throw new Error(`${c.name}: the page reported no result`);
          if (r.status !== 'passed') throw new Error(`${r.status} in Chromium: ${r.message}`);
        });
      }
    });

    it(
      `trains the baby GPT on ${mode} for ${STEPS} steps: the CPU's losses, a fixed launch count per step`,
      async () => {
        const want = (await trainBaby(cpuBackend, STEPS)).losses;
        const got = await inPage('train', mode, STEPS);
        expect(want[STEPS - 1]).toBeLessThan(want[0] - 0.3); // it does learn
        for (let s = 0; s < STEPS; s++) {
          if (!(Math.abs(got.losses[s] - want[s]) <= BABY_LOSS_ATOL)) {
            throw new Error(`step ${s}: loss ${got.losses[s]} on ${mode} in Chromium, ${want[s]} on the CPU`);
          }
        }
        // compiled after two steps: every later step launches the same kernels
        expect(new Set(got.dispatches.slice(2)).size).toBe(1);
      },
      RUN_MS,
    );
  }

  it('the page logged no error', () => {
    expect(problems).toEqual([]);
  });
});
