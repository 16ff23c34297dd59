// The built site in real headless Chromium: every page loads without errors, every course page has a
// working live demo, and the demos compute what the course says (the capstone and the newer lessons
// have their own e2e-*.test.ts files). Screenshots of the key pages go to .reports/screenshots/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiModules, demosSettled, openPage, SCREENSHOTS, sitePages, useSite } from './support/site.js';

const site = useSite();
const opened: Page[] = [];

/** Opens a page, waits for its demos, and fails the test on any console error it logged. */
async function visit(path: string): Promise<{ page: Page; problems: string[] }> {
  const r = await openPage(site.context, `${site.url}${path}`);
  opened.push(r.page);
  await demosSettled(r.page);
  return r;
}

/** Checks a page's log; with a name, first saves a screenshot of its first demo (or its top). */
async function done(page: Page, problems: string[], screenshot?: string): Promise<void> {
  if (screenshot) {
    const demo = page.locator('.demo').first();
    if ((await demo.count()) > 0) await demo.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -80)); // clear of the fixed top bar
    await page.screenshot({ path: join(SCREENSHOTS, `${screenshot}.png`) });
  }
  expect(problems).toEqual([]);
  await page.close();
}

const number = (s: string | null) => Number((s ?? '').replace('−', '-').replace(/,/g, ''));

describe('the built docs site in Chromium', () => {
  const pages = sitePages();

  it('has an API reference page for every package under packages/', () => {
    const missing = apiModules().filter(
      (name) => !pages.includes(`/api/${name}.html`) && !pages.includes(`/api/${name}/index.html`),
    );
    expect(apiModules()).toContain('@dendrite/tensor');
    expect(missing).toEqual([]);
  });

  it("does not publish the docs app's contributor README", () => {
    expect(pages.filter((p) => /readme/i.test(p))).toEqual([]);
  });

  it('has the course, the guides and the API reference', () => {
    for (const p of [
      '/index.html',
      '/course/index.html',
      '/course/the-neuron.html',
      '/course/train-a-gpt.html',
      '/guide/installation.html',
      '/guide/tiny-gpt-cli.html',
      '/api/index.html',
      '/api/@dendrite/tensor.html',
      '/api/@dendrite/gpt.html',
    ]) {
      expect(pages).toContain(p);
    }
  });

  // One test per page (about 1.3 s each alone, 41 pages), so each has the whole test timeout to
  // itself on a loaded machine rather than sharing one across the site.
  describe('loads every page without console errors or failed requests; every course page has a working live demo', () => {
    const course = pages.filter((p) => p.startsWith('/course/') && p !== '/course/index.html');

    it('has the 17 course pages', () => {
      expect(course.length).toBe(17);
    });

    for (const path of pages) {
      it(path, async () => {
        const failures: string[] = [];
        const { page, problems } = await visit(path);
        const broken = await page.locator('.demo-error').allTextContents();
        for (const p of [...problems, ...broken.map((b) => `demo error: ${b}`)])
          failures.push(`${path}: ${p}`);
        if (course.includes(path) && (await page.locator('.demo[data-ready="true"]').count()) === 0) {
          failures.push(`${path}: no live demo loaded`);
        }
        // Every line plot has labelled ticks on both axes.
        const plots = await page.locator('svg.demo-svg:has(path.demo-line)').evaluateAll((svgs) =>
          svgs.map((svg) => ({
            label: svg.getAttribute('aria-label') ?? '',
            x: svg.querySelectorAll('.demo-tick[data-axis="x"] text').length,
            y: svg.querySelectorAll('.demo-tick[data-axis="y"] text').length,
          })),
        );
        for (const p of plots.filter((p) => p.x < 2 || p.y < 2)) {
          failures.push(`${path}: plot '${p.label}' has ${p.x} x ticks and ${p.y} y ticks`);
        }
        // A module tree printed by a demo (`(name): Class(`) names real classes, never a minifier's
        // one- or two-letter rename (`(wte): $e(65, 32)`).
        for (const text of await page.locator('.demo').allTextContents()) {
          for (const [, cls] of text.matchAll(/\([\w.]+\): ([$\w]+)\(/g)) {
            if (cls.length <= 2) failures.push(`${path}: minified class name '${cls}' in a demo`);
          }
        }
        await page.close();
        expect(failures).toEqual([]);
      });
    }
  });

  it('the neuron demo reacts to its sliders', async () => {
    const { page, problems } = await visit('/course/the-neuron.html');
    const out = page.getByTestId('neuron-output');
    await expect.poll(() => out.textContent()).toBe('0.3000'); // the worked example
    await page.getByTestId('w1').fill('1');
    await expect.poll(() => out.textContent()).toBe('1.5000'); // z grows by 0.6 × x₁ = 1.2
    await page.getByTestId('bias').fill('-2');
    await expect.poll(() => out.textContent()).toBe('0.0000'); // z = −0.6: ReLU silences it
    await page.getByTestId('activation').selectOption('identity');
    await expect.poll(() => out.textContent()).toBe('−0.6000');
    await done(page, problems, 'neuron');
  });

  it('the update table is computed on the page by SGD: 0.8488, −0.4292, 0.20995, 0.2965', async () => {
    const { page, problems } = await visit('/course/update-step.html');
    const after = page.getByTestId('update-after');
    await expect.poll(() => after.allTextContents()).toEqual(['0.8488', '−0.4292', '0.20995', '0.2965']);
    await page.getByTestId('update-lr').fill('0.1');
    await expect.poll(() => after.allTextContents()).toEqual(['0.838', '−0.422', '0.2095', '0.265']);
    await page.getByTestId('update-lr').fill('0.01');
    await expect.poll(() => after.allTextContents()).toEqual(['0.8488', '−0.4292', '0.20995', '0.2965']);
    await done(page, problems, 'update-step');
  });

  it('activation plots are drawn and a stack of linear layers collapses to one matrix', async () => {
    const { page, problems } = await visit('/course/activation-functions.html');
    for (const name of ['relu', 'gelu', 'sigmoid', 'tanh']) {
      const d = await page.getByTestId(`plot-${name}`).locator('path.demo-line').getAttribute('d');
      expect(d?.length).toBeGreaterThan(100);
    }
    expect(number(await page.getByTestId('collapse-diff').textContent())).toBeLessThan(1e-10);
    const relu = (await page.getByTestId('collapse-relu').textContent())!.split(',').map(number);
    expect(Math.max(...relu.map(Math.abs))).toBeGreaterThan(1e-3);
    expect(await page.getByTestId('softmax-p').allTextContents()).toEqual(['0.665', '0.245', '0.090']);
    await done(page, problems, 'activation-functions');
  });

  it('class names survive the minified production build: the layers table and model.toString()', async () => {
    const layers = await visit('/course/layers.html');
    await expect
      .poll(() => layers.page.getByTestId('layer-module').allTextContents())
      .toEqual(['Embedding', 'LayerNorm', 'CausalSelfAttention', 'FeedForward', 'Linear']);
    await done(layers.page, layers.problems);
    const compose = await visit('/course/composing-a-gpt.html');
    const tree = (await compose.page.getByTestId('model-tree').textContent()) ?? '';
    expect(tree).toMatch(/^GPT\(\n {2}vocab=/);
    const classes = new Set([...tree.matchAll(/\): ([$\w]+)\(/g)].map((m) => m[1]));
    expect([...classes].sort()).toEqual([
      'Block',
      'CausalSelfAttention',
      'Dropout',
      'Embedding',
      'FeedForward',
      'LayerNorm',
      'Linear',
      'ModuleDict',
      'ModuleList',
    ]);
    await done(compose.page, compose.problems);
  });

  it('the weighted-sum table has one value per neuron in both rows, and they agree', async () => {
    const { page, problems } = await visit('/course/what-is-a-neural-network.html');
    const matmul = await page.getByTestId('weighted-sum').allTextContents();
    expect(matmul).toHaveLength(4);
    expect(await page.getByTestId('weighted-sum-by-hand').allTextContents()).toEqual(matmul);
    await done(page, problems);
  });

  it('search lists course pages before the API reference', async () => {
    const { page, problems } = await visit('/index.html');
    for (const term of ['ReLU', 'bias']) {
      await page.locator('.VPNavBarSearch button').first().click();
      const input = page.locator('.VPLocalSearchBox input');
      await input.fill(term);
      const results = page.locator('.VPLocalSearchBox .results a');
      await expect.poll(() => results.count()).toBeGreaterThan(3);
      const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      // The lessons come first: the three best hits are course pages (the reference follows).
      expect(
        hrefs.slice(0, 3).filter((h) => !h.startsWith('/course/')),
        `${term}: ${hrefs.join(' ')}`,
      ).toEqual([]);
      await page.keyboard.press('Escape');
    }
    await done(page, problems);
  });

  it('the forward pass shows [seq_len × embed_dim] shapes that follow the text', async () => {
    const { page, problems } = await visit('/course/forward-pass.html');
    const shapes = page.getByTestId('stage-shape');
    await expect.poll(async () => (await shapes.allTextContents())[0]).toBe('[10]'); // "The neuron"
    await page.getByTestId('forward-text').fill('hello');
    await expect
      .poll(async () => (await shapes.allTextContents()).slice(0, 4))
      .toEqual(['[5]', '[5 × 32]', '[5 × 32]', '[5 × 32]']);
    expect((await shapes.allTextContents()).at(-1)).toBe('[5 × 89]');
    expect(await page.getByTestId('forward-left-out').count()).toBe(0); // nothing was left out
    // Input it cannot take is named, not silently dropped; the box takes no more than the context.
    await page.getByTestId('forward-text').fill('héllo ✓ 🙂');
    await expect.poll(() => page.getByTestId('forward-left-out').textContent()).toContain('"é" "✓" "🙂"');
    expect(await page.getByTestId('forward-text').getAttribute('maxlength')).toBe('32');
    await done(page, problems, 'forward-pass');
  });

  it('cross-entropy follows the target', async () => {
    const { page, problems } = await visit('/course/loss.html');
    const loss = page.getByTestId('ce-loss');
    await expect.poll(() => loss.textContent()).toBe('0.408');
    await page.locator('input[name="ce-target"]').nth(2).check();
    await expect.poll(() => loss.textContent()).toBe('2.408');
    await done(page, problems);
  });

  it("backpropagation draws autograd's exported graph with the chain-rule gradients", async () => {
    const { page, problems } = await visit('/course/backpropagation.html');
    const graph = page.getByTestId('graph');
    expect(await graph.locator('[data-node="op"]').count()).toBe(4);
    expect(await graph.locator('[data-node="leaf"]').count()).toBe(2);
    expect(await graph.locator('[data-node="constant"]').count()).toBe(2);
    expect(await page.getByTestId('grad-w').textContent()).toBe('−3.600');
    expect(await page.getByTestId('grad-b').textContent()).toBe('−1.800');
    await page.getByTestId('graph-w').fill('1');
    await expect.poll(() => page.getByTestId('grad-w').textContent()).toBe('0.400'); // 2·(2.1 − 2)·2
    // Readable at every width: in the three-input graph (the longest labels) at a laptop's and a
    // phone's width, every line of text is at least 10 px tall and stays inside its box.
    await page.locator('input[name="graph-kind"][value="three"]').check();
    await expect.poll(() => graph.locator('[data-node="op"]').count()).toBe(6);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const misfits = await graph.evaluate((svg) =>
        Array.from(svg.querySelectorAll('g[data-node]')).flatMap((g) => {
          const box = g.querySelector('[data-testid="graph-box"]')!.getBoundingClientRect();
          return Array.from(g.querySelectorAll('text'))
            .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
            .filter(({ r }) => r.height < 10 || r.left < box.left - 0.5 || r.right > box.right + 0.5)
            .map(
              ({ text, r }) =>
                `${text}: ${r.height.toFixed(1)} px tall, ${r.left.toFixed(0)}–${r.right.toFixed(0)} in ${box.left.toFixed(0)}–${box.right.toFixed(0)}`,
            );
        }),
      );
      expect(misfits, `at ${width} px`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await done(page, problems, 'backpropagation');
  });

  it('the learning-rate demo crawls, converges and diverges', async () => {
    const { page, problems } = await visit('/course/gradient-descent.html');
    const verdict = page.getByTestId('lr-verdict');
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('converges'); // 0.1
    await page.getByTestId('lr-small').click();
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('crawls');
    await page.getByTestId('lr-large').click();
    await expect.poll(() => verdict.getAttribute('data-verdict')).toBe('diverges');
    expect(await page.getByTestId('lr-value').textContent()).toBe('1.1');
    await done(page, problems, 'gradient-descent');
  });

  it('counts the parameters of a GPT config, by formula and by building it', async () => {
    const { page, problems } = await visit('/course/counting-parameters.html');
    await expect.poll(() => page.getByTestId('param-total').textContent()).toBe('809,856');
    await page.getByTestId('build').click();
    await expect.poll(() => page.getByTestId('param-built').textContent()).toBe('809,856');
    await page.getByTestId('preset').selectOption('gpt2');
    await expect.poll(() => page.getByTestId('param-total').textContent()).toBe('124,439,808');
    await done(page, problems, 'counting-parameters');
  });

  it('takes screenshots of the home page, a guide and the API reference', async () => {
    for (const [path, name] of [
      ['/index.html', 'home'],
      ['/course/index.html', 'course'],
      ['/guide/training-loop.html', 'guide-training-loop'],
      ['/api/@dendrite/gpt.html', 'api-gpt'],
    ]) {
      const { page, problems } = await visit(path);
      await done(page, problems, name);
    }
  });
});
