// The built site in Chromium, for the decision-boundary playground (course/layers.md) and the
// debugging lesson (course/why-this-matters.md): each demo trains in the page with the real packages,
// and the tests wait on the data attributes the demos set, never on a fixed time.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demosSettled, openPage, SCREENSHOTS, useSite, WAIT_MS } from './support/site.js';

const site = useSite();

/**
 * A demo training until it reaches a state (100 % accuracy, a verdict) takes 1–5 s alone here; a wait
 * for one gets four times the usual bound, and each test, which trains once or twice, states its own
 * timeout: ten times what it takes on this machine under load.
 */
const TRAINING_MS = 4 * WAIT_MS;
const TEST = { timeout: 300_000 };

async function visit(path: string): Promise<{ page: Page; problems: string[] }> {
  const r = await openPage(site.context, `${site.url}${path}`);
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
  let page: Page;
  let problems: string[];
  let pg: Locator;
  /** Steps the tanh network took to reach 100 % on XOR. */
  let steps = 0;

  beforeAll(async () => {
    ({ page, problems } = await visit('/course/layers.html'));
    pg = page.getByTestId('playground');
  });
  afterAll(async () => {
    expect(problems).toEqual([]);
    await page?.close();
  });

  /** Trains (from step 0) until the attribute is as wanted, then pauses. */
  async function trainUntil(attribute: string, want: Want): Promise<void> {
    await until(pg, 'data-step', { is: '0' });
    await page.getByTestId('pg-train').click();
    await until(pg, attribute, want, TRAINING_MS);
    await page.getByTestId('pg-pause').click();
    await until(pg, 'data-state', { is: 'paused' });
  }

  it(
    'learns XOR to 100 % with one hidden layer of 4 tanh neurons, and draws a bent boundary',
    TEST,
    async () => {
      await until(pg, 'data-drawn', { atLeast: 1 });
      expect(await pg.getAttribute('data-activation')).toBe('tanh');
      expect(await pg.getAttribute('data-layers')).toBe('1');
      await trainUntil('data-accuracy', { is: '1' });
      steps = Number(await pg.getAttribute('data-step'));
      expect(steps).toBeGreaterThan(0);
      expect(await pg.getAttribute('data-accuracy')).toBe('1');
      expect(await pg.getAttribute('data-straight')).toBe('false');
      expect(await page.getByTestId('pg-accuracy').textContent()).toBe('100.0 %');
      // The boundary is drawn: the heat map under the points shows both classes' colours.
      const learned = await tints(page.getByTestId('pg-canvas'));
      expect(learned.blue).toBeGreaterThan(10_000);
      expect(learned.orange).toBeGreaterThan(10_000);
      await screenshot(pg, 'playground-xor');
    },
  );

  for (const layers of [1, 3]) {
    it(
      `without activations, ${layers} hidden layer(s) after the same steps: a straight line, at most 75 %`,
      TEST,
      async () => {
        expect(steps).toBeGreaterThan(0); // the test above ran
        if ((await pg.getAttribute('data-activation')) !== 'identity')
          await page.getByTestId('pg-linear').click();
        await until(pg, 'data-activation', { is: 'identity' });
        while (Number(await pg.getAttribute('data-layers')) < layers)
          await page.getByTestId('pg-add-layer').click();
        await until(pg, 'data-layers', { is: String(layers) });
        await trainUntil('data-step', { atLeast: steps });
        expect(Number(await pg.getAttribute('data-accuracy'))).toBeLessThanOrEqual(0.75);
        expect(await pg.getAttribute('data-straight')).toBe('true');
        expect(await page.getByTestId('pg-boundary').textContent()).toContain('a straight line');
        await screenshot(pg, `playground-linear-${layers}`);
      },
    );
  }
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
    await until(demo, 'data-state', { is: 'done' }, TRAINING_MS);
    const read = async (name: string) => (await demo.getAttribute(`data-${name}`)) ?? '';
    const numbers = Object.fromEntries(
      await Promise.all(NUMBERS.map(async (name) => [name, Number(await read(name))] as const)),
    ) as Record<(typeof NUMBERS)[number], number>;
    return { verdict: await read('verdict'), broken: await read('broken'), ...numbers };
  }

  /** One scenario per test, in page order; each demo starts with its first (broken) one. */
  const CASES: [lesson: string, scenario: string, title: string, check: (s: Settled) => void][] = [
    [
      'dead-relu',
      'large-lr',
      'a learning rate of 0.3 kills most ReLUs; the loss stalls',
      (s) => {
        expect(s.verdict).toBe('dead');
        expect(s.broken).toBe('true');
        expect(s.dead).toBeGreaterThanOrEqual(0.75);
        expect(s.loss).toBeGreaterThan(0.65);
      },
    ],
    [
      'dead-relu',
      'small-lr',
      'fix: at 0.01 most units live and the loss falls',
      (s) => {
        expect(s.verdict).toBe('learns');
        expect(s.dead).toBeLessThan(0.5);
        expect(s.loss).toBeLessThan(0.05);
      },
    ],
    [
      'dead-relu',
      'gelu',
      'fix: with GELU at 0.3 no unit dies',
      (s) => {
        expect(s.verdict).toBe('learns');
        expect(s.dead).toBe(0);
      },
    ],
    [
      'gradients',
      'large-init',
      'weights N(0, 1) in 10 layers: gradients explode',
      (s) => {
        expect(s.verdict).toBe('explodes');
        expect(s['grad-max']).toBeGreaterThan(1e3);
      },
    ],
    [
      'gradients',
      'default-init',
      "nn.Linear's default init, 10 layers deep: the first layer's gradient vanishes",
      (s) => {
        expect(s.verdict).toBe('vanishes');
        expect(s['grad-first']).toBeLessThan(1e-4);
      },
    ],
    ...(['kaiming', 'layernorm', 'clip'] as const).map(
      (fix) =>
        [
          'gradients',
          fix,
          `fix: ${fix} trains the deep network`,
          (s: Settled) => {
            expect(s.verdict).toBe('learns');
            expect(s.broken).toBe('false');
            expect(s.loss).toBeLessThan(0.05);
          },
        ] as [string, string, string, (s: Settled) => void],
    ),
    [
      'learning-rate',
      'too-large',
      'SGD at 10 diverges on the network',
      (s) => {
        expect(s.verdict).toBe('diverges');
      },
    ],
    [
      'learning-rate',
      'good',
      'fix: SGD at 0.5 converges',
      (s) => {
        expect(s.verdict).toBe('converges');
        expect(s.loss).toBeLessThan(0.1);
      },
    ],
    [
      'overfitting',
      'small-data',
      '40 points: validation loss far above the training loss',
      (s) => {
        expect(s.verdict).toBe('overfits');
        expect(s.gap).toBeGreaterThan(0.3);
        expect(s['val-loss']).toBeGreaterThan(s.loss);
      },
    ],
    ...(['more-data', 'early-stop'] as const).map(
      (fix) =>
        [
          'overfitting',
          fix,
          `fix: ${fix} closes the gap`,
          (s: Settled) => {
            expect(s.verdict).toBe('generalises');
            expect(s.gap).toBeLessThan(0.25);
          },
        ] as [string, string, string, (s: Settled) => void],
    ),
  ];
  const starts = new Set<string>();
  for (const [lesson, scenario, title, check] of CASES) {
    const first = !starts.has(lesson);
    starts.add(lesson);
    it(`${lesson}: ${title}`, TEST, async () => {
      const s = await settle(lesson, scenario, !first);
      check(s);
      if (first || scenario === 'default-init')
        await screenshot(page.getByTestId(`why-${lesson}`), `why-${lesson}-${scenario}`);
      if (scenario === 'default-init')
        expect(await page.getByTestId('why-grad-0').textContent()).toMatch(/e-\d/);
    });
  }

  it(
    'tokenization: " neuron" is one token of the course tokenizer, "neuron" without its space is several',
    TEST,
    async () => {
      const mine = page.getByTestId('quirk-mine');
      expect(await until(mine, 'data-tokens', { atLeast: 1 })).toBe('1');
      await page.getByTestId('quirk-input').fill('neuron');
      await until(mine, 'data-letters', { is: '6' });
      expect(Number(await mine.getAttribute('data-tokens'))).toBeGreaterThan(1);
      await screenshot(page.locator('.demo[data-demo="token-quirks"]'), 'why-tokens');
    },
  );
});
