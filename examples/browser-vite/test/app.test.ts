// Builds the app with Vite (as `npm run build` does, into a temp folder), serves the build from a tiny
// static server, opens it in headless Chromium and waits for the page to report that training is done
// (its #status element's data-state attribute): the loss went down, nothing went wrong in the console,
// and the JavaScript it ships stays within its size budget.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, openPage, runNode, type Served, serve, waitForAttribute } from '@dendrite/browser-test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
/**
 * The gzipped JavaScript budget of this MLP app (tensor + autograd + nn + optim are ~35 KB of it).
 * 35 KiB until 2026-12-02, when the core's async surface (`t.toAsync`, and sync reads that refuse
 * naming their async forms) took the bundle from 35,530 to 35,865 bytes; a jump of kilobytes is
 * what this catches (a backend or a whole package pulled in by accident).
 */
const BUDGET_BYTES = 36 * 1024;

const out = mkdtempSync(join(tmpdir(), 'dendrite-example-vite-'));
let build: { code: number | null; output: string };
let server: Served | undefined;
let browser: Awaited<ReturnType<typeof launch>> | undefined;

/** `vite build --outDir <out>`, as `npm run build` runs it. */
function viteBuild(): Promise<{ code: number | null; output: string }> {
  const bin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  return runNode([bin, 'build', '--outDir', out, '--emptyOutDir'], ROOT);
}

beforeAll(async () => {
  build = await viteBuild();
  if (build.code !== 0) throw new Error(`vite build failed:\n${build.output}`);
  server = await serve({ '/': out });
  browser = await launch();
}, 120_000); // ~4 s alone (build ~1 s, Chromium ~2 s)

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('browser-vite: an MLP trained in the page', () => {
  it('builds with Vite without warnings, its JavaScript within 35 KB gzipped', () => {
    expect(build.output).not.toMatch(/warn|\(!\)/i);
    const assets = join(out, 'assets');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const bytes = scripts.map((f) => readFileSync(join(assets, f)));
    const raw = bytes.reduce((n, b) => n + b.length, 0);
    const gzipped = bytes.reduce((n, b) => n + gzipSync(b).length, 0); // zlib's default level, as servers use
    mkdirSync(join(ROOT, '.reports'), { recursive: true });
    writeFileSync(
      join(ROOT, '.reports', 'bundle-size.json'),
      `${JSON.stringify({ files: scripts, raw, gzipped, budget: BUDGET_BYTES }, null, 2)}\n`,
    );
    console.log(`browser-vite bundle: ${raw} bytes, ${gzipped} bytes gzipped (budget ${BUDGET_BYTES})`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('trains in Chromium: the page reports done, the loss went down, no console errors', async () => {
    const { page, problems } = await openPage(browser!.context, `${server!.url}/`);
    const state = await waitForAttribute(page, '#status', 'data-state', ['done', 'error']);
    expect(state, (await page.locator('#status').textContent()) ?? '').toBe('done');
    const losses = JSON.parse(
      (await page.locator('#status').getAttribute('data-losses')) ?? '[]',
    ) as number[];
    expect(losses).toHaveLength(40);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 2);
    expect(Number(await page.locator('#status').getAttribute('data-accuracy'))).toBeGreaterThan(0.9);
    // The plot: one point per epoch.
    const points =
      (await page.locator('#plot polyline.loss').getAttribute('points'))?.trim().split(/\s+/) ?? [];
    expect(points).toHaveLength(40);
    expect(problems).toEqual([]);
    expect(server!.missing).toEqual([]);
  }, 120_000); // ~3 s alone
});
