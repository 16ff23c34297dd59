// The built site in Chromium, for the decision-boundary playground (course/layers.md) and the
// debugging lesson (course/why-this-matters.md): each demo trains in the page with the real packages,
// and the tests wait on the data attributes the demos set, never on a fixed time.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demosSettled, launch, openPage, SCREENSHOTS, serve, WAIT_MS } from './support/site.js';

let site: Awaited<ReturnType<typeof serve>>;
let browser: Awaited<ReturnType<typeof launch>>;
let context: BrowserContext;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  site = await serve();
  browser = await launch();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function visit(path: string): Promise<{ page: Page; problems: string[] }> {
  const r = await openPage(context, `${site.url}${path}`);
  await demosSettled(r.page);
  return r;
}

/** What an attribute must become: equal to a string, or a number at least (or at most) some bound. */
type Want = { is: string } | { atLeast: number } | { atMost: number };

/** Waits until `attribute` of the element behind `locator` is as wanted (an event, not a delay). */
async function until(locator: Locator, attribute: string, want: Want, timeout = WAIT_MS): Promise<string> {
  const handle = await locator.elementHandle({ timeout });
  if (!handle) throw new Error(`no element for ${locator}`);
  await locator.page().waitForFunction(
    ({ el, name, want }) => {
      const v = el.getAttribute(name) ?? '';
      if ('is' in want) return v === want.is;
      if (v === '' || Number.isNaN(Number(v))) return false;
      return 'atLeast' in want ? Number(v) >= want.atLeast : Number(v) <= want.atMost;
    },
    { el: handle, name: attribute, want },
    { timeout, polling: 'raf' },
  );
  return (await locator.getAttribute(attribute)) ?? '';
}

async function screenshot(locator: Locator, name: string): Promise<void> {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Pixels of the canvas tinted towards each class colour (blue: class 1, orange: class 0). */
async function tints(canvas: Locator): Promise<{ blue: number; orange: number }> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let blue = 0;
    let orange = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i];
      const b = data[i + 2];
      if (b > r + 20) blue++;
      else if (r > b + 20) orange++;
    }
    return { blue, orange };
  });
}

describe('the decision-boundary playground', () => {
  it('learns XOR to 100 % with one hidden tanh layer; without activations, at any depth, it cannot', async () => {
    const { page, problems } = await visit('/course/layers.html');
    const pg = page.getByTestId('playground');
    const canvas = page.getByTestId('pg-canvas');
    await until(pg, 'data-drawn', { atLeast: 1 });
    expect(await pg.getAttribute('data-activation')).toBe('tanh');
    expect(await pg.getAttribute('data-layers')).toBe('1');

    await page.getByTestId('pg-train').click();
    await until(pg, 'data-accuracy', { is: '1' });
    await page.getByTestId('pg-pause').click();
    await until(pg, 'data-state', { is: 'paused' });
    const steps = Number(await pg.getAttribute('data-step'));
    expect(steps).toBeGreaterThan(0);
    expect(await pg.getAttribute('data-straight')).toBe('false');
    expect(await page.getByTestId('pg-accuracy').textContent()).toBe('100.0 %');
    // The boundary is drawn: the heat map under the points shows both classes' colours.
    const learned = await tints(canvas);
    expect(learned.blue).toBeGreaterThan(10_000);
    expect(learned.orange).toBeGreaterThan(10_000);
    await screenshot(pg, 'playground-xor');

    // Take the activations out: the same steps leave a straight boundary and at most 75 %.
    await page.getByTestId('pg-linear').click();
    await until(pg, 'data-activation', { is: 'identity' });
    for (const layers of [1, 3]) {
      while (Number(await pg.getAttribute('data-layers')) < layers)
        await page.getByTestId('pg-add-layer').click();
      await until(pg, 'data-step', { is: '0' });
      await page.getByTestId('pg-train').click();
      await until(pg, 'data-step', { atLeast: steps });
      await page.getByTestId('pg-pause').click();
      await until(pg, 'data-state', { is: 'paused' });
      expect(Number(await pg.getAttribute('data-accuracy'))).toBeLessThanOrEqual(0.75);
      expect(await pg.getAttribute('data-straight')).toBe('true');
      expect(await page.getByTestId('pg-boundary').textContent()).toContain('a straight line');
    }
    await screenshot(pg, 'playground-linear');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('why this matters: each demo breaks, and one click fixes it', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await visit('/course/why-this-matters.html'));
  });
  afterAll(async () => {
    expect(problems).toEqual([]);
    await page?.close();
  });

  const NUMBERS = ['loss', 'val-loss', 'gap', 'dead', 'grad-first', 'grad-max', 'step'] as const;
  type Settled = { verdict: string; broken: string } & Record<(typeof NUMBERS)[number], number>;

  /** Runs a scenario (a click, unless it is the one the demo starts with) and waits for its verdict. */
  async function settle(lesson: string, scenario: string, click = true): Promise<Settled> {
    const demo = page.getByTestId(`why-${lesson}`);
    if (click) await page.getByTestId(`why-${lesson}-${scenario}`).click();
    await until(demo, 'data-scenario', { is: scenario });
    await until(demo, 'data-state', { is: 'done' });
    const read = async (name: string) => (await demo.getAttribute(`data-${name}`)) ?? '';
    const numbers = Object.fromEntries(
      await Promise.all(NUMBERS.map(async (name) => [name, Number(await read(name))] as const)),
    ) as Record<(typeof NUMBERS)[number], number>;
    return { verdict: await read('verdict'), broken: await read('broken'), ...numbers };
  }

  it('dead ReLUs: a learning rate of 0.3 kills most units; a smaller one, or GELU, does not', async () => {
    const broken = await settle('dead-relu', 'large-lr', false);
    expect(broken.verdict).toBe('dead');
    expect(broken.broken).toBe('true');
    expect(broken.dead).toBeGreaterThanOrEqual(0.75);
    expect(broken.loss).toBeGreaterThan(0.65);
    await screenshot(page.getByTestId('why-dead-relu'), 'why-dead-relu');
    const smaller = await settle('dead-relu', 'small-lr');
    expect(smaller.verdict).toBe('learns');
    expect(smaller.dead).toBeLessThan(0.5);
    expect(smaller.loss).toBeLessThan(0.05);
    const gelu = await settle('dead-relu', 'gelu');
    expect(gelu.verdict).toBe('learns');
    expect(gelu.dead).toBe(0);
  });

  it('gradients: N(0, 1) weights explode, the default init vanishes at depth 10; Kaiming, LayerNorm and clipping fix it', async () => {
    const exploding = await settle('gradients', 'large-init', false);
    expect(exploding.verdict).toBe('explodes');
    expect(exploding['grad-max']).toBeGreaterThan(1e3);
    const vanishing = await settle('gradients', 'default-init');
    expect(vanishing.verdict).toBe('vanishes');
    expect(vanishing['grad-first']).toBeLessThan(1e-4);
    expect(await page.getByTestId('why-grad-0').textContent()).toMatch(/e-\d/);
    await screenshot(page.getByTestId('why-gradients'), 'why-gradients-vanishing');
    for (const fix of ['kaiming', 'layernorm', 'clip']) {
      const fixed = await settle('gradients', fix);
      expect(fixed.verdict, fix).toBe('learns');
      expect(fixed.broken, fix).toBe('false');
      expect(fixed.loss, fix).toBeLessThan(0.05);
    }
  });

  it('learning rate: SGD at 10 diverges on the network, at 0.5 it converges', async () => {
    const large = await settle('learning-rate', 'too-large', false);
    expect(large.verdict).toBe('diverges');
    const good = await settle('learning-rate', 'good');
    expect(good.verdict).toBe('converges');
    expect(good.loss).toBeLessThan(0.1);
  });

  it('overfitting: validation loss far above training loss on 40 points; more data and early stopping close the gap', async () => {
    const broken = await settle('overfitting', 'small-data', false);
    expect(broken.verdict).toBe('overfits');
    expect(broken.gap).toBeGreaterThan(0.3);
    expect(broken['val-loss']).toBeGreaterThan(broken.loss);
    await screenshot(page.getByTestId('why-overfitting'), 'why-overfitting');
    for (const fix of ['more-data', 'early-stop']) {
      const fixed = await settle('overfitting', fix);
      expect(fixed.verdict, fix).toBe('generalises');
      expect(fixed.gap, fix).toBeLessThan(0.25);
    }
  });

  it('tokenization: " neuron" is one token of the course tokenizer, "neuron" without its space is several', async () => {
    const mine = page.getByTestId('quirk-mine');
    expect(await until(mine, 'data-tokens', { atLeast: 1 })).toBe('1');
    await page.getByTestId('quirk-input').fill('neuron');
    await until(mine, 'data-letters', { is: '6' });
    expect(Number(await mine.getAttribute('data-tokens'))).toBeGreaterThan(1);
    await screenshot(page.locator('.demo[data-demo="token-quirks"]'), 'why-tokens');
  });
});
