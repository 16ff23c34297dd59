// Trains a tiny checkpoint with the built tiny-gpt CLI (a few iterations, CPU backend) into a temp
// folder, builds the app with Vite, serves both (the checkpoint at /run/), and in headless Chromium:
// Generate streams text, Stop stops it — and it stays stopped: when the next Generate click starts a
// new run, the page's token count is still the count it had when it reported 'stopped'.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  launch,
  openPage,
  type Page,
  runNode,
  type Served,
  serve,
  waitForAttribute,
} from '@dendrite/browser-test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'node_modules', 'tiny-gpt', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dendrite-example-tiny-gpt-'));
const runDir = join(dir, 'run');
const site = join(dir, 'site');
let server: Served | undefined;
let browser: Awaited<ReturnType<typeof launch>> | undefined;

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: build tiny-gpt first (turbo builds it before this test)`);
  // A checkpoint in a second: one layer, width 16, four iterations on the built-in corpus.
  const config = join(dir, 'small.json');
  writeFileSync(
    config,
    JSON.stringify({ blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: true }),
  );
  const flags = [
    '--config',
    config,
    '--iters',
    '4',
    '--eval-interval',
    '2',
    '--eval-iters',
    '1',
    '--batch',
    '2',
  ];
  const train = await runNode(
    [CLI, 'train', ...flags, '--sample-tokens', '0', '--backend', 'cpu', '--out', runDir],
    dir,
  );
  if (train.code !== 0) throw new Error(`tiny-gpt train failed (exit ${train.code}):\n${train.output}`);
  for (const file of ['config.json', 'tokenizer.json', 'model.safetensors'])
    if (!existsSync(join(runDir, file))) throw new Error(`tiny-gpt train wrote no ${file}:\n${train.output}`);

  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const build = await runNode([vite, 'build', '--outDir', site, '--emptyOutDir'], ROOT);
  if (build.code !== 0) throw new Error(`vite build failed:\n${build.output}`);

  server = await serve({ '/': site, '/run/': runDir });
  browser = await launch();
}, 120_000); // ~6 s alone (training ~2 s, build ~1 s, Chromium ~2 s)

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const state = (page: Page) => page.locator('#status').getAttribute('data-state');
const count = async (page: Page) => Number(await page.locator('#output').getAttribute('data-tokens'));

/** Waits until the page has written more than `n` tokens. */
async function moreTokensThan(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.querySelector('#output')?.getAttribute('data-tokens')) > n,
    n,
  );
}

describe('browser-tiny-gpt: a checkpoint fetched over HTTP, streamed, stopped', () => {
  it('loads the run folder, streams text on Generate, and Stop stops it for good', async () => {
    const { page, problems } = await openPage(browser!.context, `${server!.url}/`);
    expect(
      await waitForAttribute(page, '#status', 'data-state', ['ready', 'error']),
      (await page.locator('#status').textContent()) ?? '',
    ).toBe('ready');

    await page.click('#generate');
    await moreTokensThan(page, 5); // text is streaming
    expect(await state(page)).toBe('generating');
    expect((await page.locator('#output').textContent())?.length).toBeGreaterThan('The '.length);

    await page.click('#stop');
    expect(await waitForAttribute(page, '#status', 'data-state', ['stopped', 'done', 'error'])).toBe(
      'stopped',
    );
    const atStop = await count(page);
    expect((await page.locator('#status').textContent()) ?? '').toBe(`Stopped after ${atStop} tokens.`);

    // A later event: the next Generate click. Its run records the count it started from, which must
    // be the count at 'stopped' (had the first run gone on, it would be higher by now).
    await page.click('#generate');
    await waitForAttribute(page, '#output', 'data-run', ['2']);
    expect(Number(await page.locator('#output').getAttribute('data-run-start-tokens'))).toBe(atStop);
    await moreTokensThan(page, atStop); // and the new run writes on from there
    await page.click('#stop');
    expect(await waitForAttribute(page, '#status', 'data-state', ['stopped', 'done', 'error'])).toBe(
      'stopped',
    );

    expect(problems).toEqual([]);
    expect(server!.missing).toEqual([]);
  }, 120_000); // ~2 s alone
});
