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
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
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
      while (Number(await pg.getAttribute('data-layers')) < layers) await page.getByTestId('pg-add-layer').click();
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
