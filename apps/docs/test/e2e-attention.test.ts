// The attention page in Chromium: its matrices are causal weights (rows sum to 1, zeros above the
// diagonal), the trained model's heat maps are @dendrite/nn's weights — recomputed here in Node from
// the weights the page lets you download — and hovering or focusing a row spells that row out.
import { readFile } from 'node:fs/promises';
import { noGrad } from '@dendrite/autograd';
import { GPT, type GPTConfig } from '@dendrite/gpt';
import { type Block, decodeSafetensors, type Embedding, type ModuleList, toTensors } from '@dendrite/nn';
import { arange, tensor } from '@dendrite/tensor';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fixed } from '../src/format.js';
import { readHead } from '../src/head-reading.js';
import { demosSettled, openPage, useSite, WAIT_MS } from './support/site.js';

const site = useSite();

async function visit(): Promise<{ page: Page; problems: string[] }> {
  const r = await openPage(site.context, `${site.url}/course/attention.html`);
  await demosSettled(r.page);
  return r;
}

const json = async <T>(locator: Locator, attribute: string): Promise<T> =>
  JSON.parse((await locator.getAttribute(attribute)) ?? 'null') as T;

/** Every row sums to 1 (to `tol`) and every entry above the diagonal is exactly 0. */
function expectCausal(m: number[][], tol = 1e-5): void {
  expect(m.length).toBeGreaterThan(0);
  m.forEach((row, i) => {
    expect(row).toHaveLength(m.length);
    expect(Math.abs(row.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(tol);
    expect(row.slice(i + 1).every((w) => w === 0)).toBe(true);
    expect(row.slice(0, i + 1).every((w) => w >= 0)).toBe(true);
  });
}

/**
 * The attention weights of every block and head, computed in Node on the cpu backend with
 * @dendrite/nn's own layers: ln_1 of the residual stream into `attn.attentionWeights`.
 */
function nodeAttention(model: GPT, ids: number[]): number[][][][] {
  return noGrad(() => {
    const t = model.transformer;
    const pos = arange(0, ids.length, 1, { dtype: 'int32' });
    let x = (t.get('wte') as Embedding)
      .forward(tensor([ids], { dtype: 'int32' }))
      .add((t.get('wpe') as Embedding).forward(pos));
    const layers: number[][][][] = [];
    for (const block of t.get('h') as ModuleList<Block>) {
      layers.push((block.attn.attentionWeights(block.ln_1.forward(x)).toArraySync() as number[][][][])[0]);
      x = block.forward(x);
    }
    return layers;
  });
}

/** Downloads the page's current weights and loads them into a GPT in Node. */
async function downloadModel(page: Page): Promise<{ model: GPT; step: number }> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }),
    page.getByTestId('heads-download').click(),
  ]);
  const decoded = decodeSafetensors(new Uint8Array(await readFile(await download.path())));
  const config = JSON.parse(decoded.metadata!.config) as GPTConfig;
  const model = new GPT(config);
  model.loadStateDict(toTensors(decoded));
  model.eval();
  return { model, step: Number(decoded.metadata!.step) };
}

/** The heat maps on the page for one block: one matrix per head. */
async function pageMaps(page: Page): Promise<number[][][]> {
  const maps = page.getByTestId('head-map');
  const n = await maps.count();
  const out: number[][][] = [];
  for (let h = 0; h < n; h++) out.push(await json<number[][]>(maps.nth(h), 'data-weights'));
  return out;
}

/** The page's maps of both blocks against Node's, entry by entry. */
async function compareWithNode(page: Page, tol: number): Promise<void> {
  const heads = page.getByTestId('heads');
  const ids = await json<number[]>(heads, 'data-ids');
  const { model, step } = await downloadModel(page);
  expect(step).toBe(Number(await heads.getAttribute('data-map-step'))); // the maps show these weights
  const want = nodeAttention(model, ids);
  for (const layer of [0, 1]) {
    await page.getByTestId('heads-layer').selectOption(String(layer));
    await expect.poll(() => heads.getAttribute('data-layer')).toBe(String(layer));
    const got = await pageMaps(page);
    expect(got).toHaveLength(4);
    got.forEach((m, h) => {
      expectCausal(m);
      let worst = 0;
      m.forEach((row, i) =>
        row.forEach((w, j) => (worst = Math.max(worst, Math.abs(w - want[layer][h][i][j])))),
      );
      expect(worst, `block ${layer} head ${h}`).toBeLessThan(tol);
    });
  }
}

describe('the attention page in Chromium', () => {
  it('averaging, masked and Q·Kᵀ weights are causal; sharpness 0 gives the average; Q·Kᵀ follows the tokens', async () => {
    const { page, problems } = await visit();
    const wei = await json<number[][]>(page.getByTestId('average-wei'), 'data-values');
    expectCausal(wei, 1e-6);
    expect(wei[3].map((w) => w.toFixed(2))).toEqual(['0.25', '0.25', '0.25', '0.25', '0.00']);
    const out = await json<number[][]>(page.getByTestId('average-out'), 'data-values');
    expect(out[4][0]).toBeCloseTo(0.8, 5); // the mean of h, e, l, l, o's first numbers
    const masked = page.getByTestId('mask-weights');
    expectCausal(await json<number[][]>(masked, 'data-values'), 1e-6);
    await page.getByTestId('mask-sharpness').fill('0');
    await expect
      .poll(async () =>
        (await json<number[][]>(masked, 'data-values')).map((r) => r.map((w) => w.toFixed(5))),
      )
      .toEqual(wei.map((r) => r.map((w) => w.toFixed(5))));
    const qkv = page.getByTestId('qkv-weights');
    expectCausal(await json<number[][]>(qkv, 'data-values'), 1e-5);
    await page.getByTestId('qkv-word').fill('attend');
    await expect.poll(async () => (await json<number[][]>(qkv, 'data-values')).length).toBe(6);
    expectCausal(await json<number[][]>(qkv, 'data-values'), 1e-5);
    await page.getByTestId('mh-heads').selectOption('8');
    await expect.poll(() => page.getByTestId('mh-shape').allTextContents()).toContain('[1 × 8 × 6 × 4]');
    expect(Number(await page.getByTestId('mh-check').textContent())).toBeLessThan(1e-5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the heat maps are @dendrite/nn’s weights for the page’s sentence, untrained and after training; a row spells out on hover and focus', async () => {
    const { page, problems } = await visit();
    const heads = page.getByTestId('heads');
    await expect.poll(() => heads.getAttribute('data-map-step'), { timeout: WAIT_MS }).toBe('0');
    expect(await json<string[]>(heads, 'data-chars')).toEqual([...'the model reads the text']);
    expect(await heads.getAttribute('data-backend')).toBe('wasm'); // Chromium runs WebAssembly SIMD

    // Untrained: the page's maps are Node's, and close to the plain average of the past.
    await compareWithNode(page, 1e-5);
    for (const m of await pageMaps(page))
      m.forEach((row, i) =>
        row.slice(0, i + 1).forEach((w) => expect(Math.abs(w - 1 / (i + 1))).toBeLessThan(0.05)),
      );

    // Train, stop after the maps have been redrawn twice, and compare again.
    await page.getByTestId('heads-train').click();
    await expect.poll(() => heads.getAttribute('data-state')).toBe('training');
    await expect
      .poll(async () => Number(await heads.getAttribute('data-map-step')), { timeout: 300_000 })
      .toBeGreaterThanOrEqual(50);
    await page.getByTestId('heads-stop').click();
    await expect.poll(() => heads.getAttribute('data-state'), { timeout: WAIT_MS }).toBe('stopped');
    const step = await heads.getAttribute('data-step');
    expect(await heads.getAttribute('data-map-step')).toBe(step);
    expect(await page.getByTestId('heads-step').textContent()).toBe(step);
    // float32 on the page's backend (wasm here) and on Node's cpu backend round differently
    await compareWithNode(page, 1e-4);

    // Under each map, the page's reading of that head is readHead of the weights it shows.
    const shown = await pageMaps(page);
    const chars = await json<string[]>(heads, 'data-chars');
    const readings = page.getByTestId('head-reading');
    expect(await readings.count()).toBe(4);
    for (let h = 0; h < 4; h++) {
      const r = readHead(shown[h], chars);
      expect(await readings.nth(h).getAttribute('data-pattern')).toBe(r.pattern ?? '');
      expect(await readings.nth(h).textContent()).toContain(`sharpness ${fixed(r.sharpness, 2)}`);
    }

    // Focus (keyboard) and hover (mouse) choose the row spelled out under the maps.
    const maps = await pageMaps(page);
    const focus = page.getByTestId('heads-focus');
    const rowOf = (h: number, i: number) =>
      page.getByTestId('head-map').nth(h).locator(`[data-testid="head-row"][data-row="${i}"]`);
    for (const [how, h, i] of [
      ['focus', 2, 5],
      ['hover', 0, 12],
      ['click', 3, 20],
    ] as const) {
      const row = rowOf(h, i);
      if (how === 'focus') await row.focus();
      else if (how === 'hover') await row.hover();
      else await row.click();
      await expect.poll(() => focus.getAttribute('data-row')).toBe(String(i));
      for (let head = 0; head < 4; head++) {
        const weights = await focus
          .locator(`[data-testid="focus-line"][data-head="${head}"] [data-testid="focus-char"]`)
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-weight'))));
        expect(weights).toEqual(maps[head][i]);
      }
    }

    // Characters outside the vocabulary are left out, and the page says so.
    await page.getByTestId('heads-sentence').fill('the ☃ cat');
    await expect.poll(async () => (await json<string[]>(heads, 'data-chars')).join('')).toBe('the  cat');
    await expect.poll(() => page.getByTestId('heads-dropped').textContent()).toContain('“☃”');
    await expect.poll(async () => (await pageMaps(page))[0]?.length).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  }, 600_000);
});
