// The course's code samples, edited and run in the built site in Chromium (RunnableCode.vue, which
// runs each sample in a Web Worker): every runnable sample, run unedited in the page, prints its
// examples/output/<name>.txt (what Node prints); an edit changes the result; a syntax error and a
// thrown error are shown as messages; the editor's keys work; Reset restores the file; an endless
// loop is stopped by Stop while the page stays responsive; a sample that needs Node says so instead
// of offering Run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_DIR, openPage, useSite, WAIT_MS } from './support/site.js';

const site = useSite();

const example = (name: string) => readFileSync(join(DOCS_DIR, 'examples', `${name}.ts`), 'utf8');
const output = (name: string) => readFileSync(join(DOCS_DIR, 'examples', 'output', `${name}.txt`), 'utf8');

/** The course pages and the samples each wraps in <RunnableCode>, read from the Markdown. */
const wrapped = readdirSync(join(DOCS_DIR, 'course'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({
    path: `/course/${f.replace(/\.md$/, '.html')}`,
    files: [
      ...readFileSync(join(DOCS_DIR, 'course', f), 'utf8').matchAll(/<RunnableCode file="([\w-]+)">/g),
    ].map((m) => m[1]),
  }))
  .filter((p) => p.files.length > 0);

/** Opens a page and waits until every sample on it has loaded its file (the component is mounted). */
async function visit(path: string): Promise<{ page: Page; problems: string[] }> {
  const r = await openPage(site.context, `${site.url}${path}`);
  await r.page.waitForFunction(
    () =>
      document.querySelectorAll('.runnable').length > 0 &&
      Array.from(document.querySelectorAll('.runnable')).every(
        (d) => d.getAttribute('data-ready') === 'true',
      ),
    undefined,
    { timeout: WAIT_MS },
  );
  return r;
}

/** Waits until the sample's run has ended (finished, failed or stopped) and returns its status. */
async function settled(sample: Locator): Promise<string> {
  await sample.and(sample.page().locator('.runnable:not([data-status="running"])')).waitFor();
  return (await sample.getAttribute('data-status')) ?? '';
}

async function runAndWait(sample: Locator): Promise<string> {
  await sample.getByTestId('runnable-run').click();
  return settled(sample);
}

describe('course code samples run in the page', () => {
  it('wraps samples on most course pages', () => {
    expect(wrapped.length).toBeGreaterThan(10);
  });

  // One test per page: each runnable sample, run as it is, prints exactly its output file.
  for (const { path, files } of wrapped) {
    it(`${path}: ${files.join(', ')}`, async () => {
      const { page, problems } = await visit(path);
      for (const name of files) {
        const sample = page.locator(`.runnable[data-file="${name}"]`);
        if ((await sample.getByTestId('runnable-needs-node').count()) > 0) {
          expect(await sample.getByTestId('runnable-needs-node').textContent()).toMatch(
            /^This sample needs Node \(it imports [^)]+\): run it with Node 20/,
          );
          expect(await sample.getByTestId('runnable-edit').count()).toBe(0);
          expect(example(name)).toMatch(/from '(node:|tiny-gpt|@dendrite\/[\w-]+\/node)/);
          continue;
        }
        await sample.getByTestId('runnable-edit').click();
        expect(await sample.getByTestId('runnable-editor').inputValue()).toBe(example(name));
        const status = await runAndWait(sample);
        const error = await sample.getByTestId('runnable-error').allTextContents();
        expect({ name, status, error }).toEqual({ name, status: 'done', error: [] });
        expect(await sample.getByTestId('runnable-output').textContent()).toBe(output(name));
      }
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('editing a sample in the page', () => {
  let page: Page;
  let problems: string[];
  let sample: Locator;
  const neuron = example('neuron');

  beforeAll(async () => {
    ({ page, problems } = await visit('/course/the-neuron.html'));
    sample = page.locator('.runnable[data-file="neuron"]');
    await sample.getByTestId('runnable-edit').click();
  });

  afterAll(async () => {
    await page?.close();
  });

  it('an edited weight changes the printed result', async () => {
    const edited = neuron.replace('tensor([0.4, 0.3, -0.6])', 'tensor([0.5, 0.3, -0.6])');
    expect(edited).not.toBe(neuron);
    await sample.getByTestId('runnable-editor').fill(edited);
    expect(await runAndWait(sample)).toBe('done');
    const lines = ((await sample.getByTestId('runnable-output').textContent()) ?? '').split('\n');
    // w₁ up by 0.1 with x₁ = 2: z and the output grow by 0.2, from the 0.3000 of the file
    expect(output('neuron').split('\n')[0]).toBe('z      = 0.3000');
    expect(lines.slice(0, 2)).toEqual(['z      = 0.5000', 'output = 0.5000']);
    expect(problems).toEqual([]);
  });

  it('a syntax error is shown as a message with its line', async () => {
    await sample.getByTestId('runnable-editor').fill(`${neuron}\nconst broken = ;\n`);
    expect(await runAndWait(sample)).toBe('failed');
    const line = neuron.split('\n').length + 1;
    expect(await sample.getByTestId('runnable-error').textContent()).toMatch(
      new RegExp(`^SyntaxError on line ${line}: `),
    );
    expect(await sample.getByTestId('runnable-output').textContent()).not.toContain('z      =');
    expect(problems).toEqual([]);
  });

  it('a thrown error is shown as a message with its line, after what was printed', async () => {
    const code = `${neuron}x.matmul(tensor([[1, 2]]));\n`;
    await sample.getByTestId('runnable-editor').fill(code);
    expect(await runAndWait(sample)).toBe('failed');
    const text = (await sample.getByTestId('runnable-output').textContent()) ?? '';
    expect(text.startsWith(output('neuron'))).toBe(true);
    const line = code.split('\n').length - 1;
    expect(await sample.getByTestId('runnable-error').textContent()).toMatch(
      new RegExp(`^\\w*Error on line ${line}: matmul`),
    );
    expect(problems).toEqual([]);
  });

  it('an import only Node has is refused with a message saying how to run it', async () => {
    await sample.getByTestId('runnable-editor').fill(`import { readFileSync } from 'node:fs';\n${neuron}`);
    expect(await runAndWait(sample)).toBe('failed');
    expect(await sample.getByTestId('runnable-error').textContent()).toMatch(
      /^This sample needs Node \(it imports node:fs\): run it with Node 20/,
    );
    expect(problems).toEqual([]);
  });

  it('Tab indents in the editor, Ctrl+Enter runs, and Escape then Tab leaves the editor', async () => {
    const editor = sample.getByTestId('runnable-editor');
    await editor.fill("console.log('indent');");
    await editor.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
    await editor.press('Tab');
    expect(await editor.inputValue()).toBe("  console.log('indent');");
    await editor.press('Control+Enter');
    expect(await settled(sample)).toBe('done');
    expect(await sample.getByTestId('runnable-output').textContent()).toBe('indent\n');
    await editor.focus();
    await editor.press('Escape');
    await editor.press('Tab');
    expect(await editor.evaluate((el) => el === document.activeElement)).toBe(false);
    expect(await editor.inputValue()).toBe("  console.log('indent');");
    expect(problems).toEqual([]);
  });

  it('Reset restores the file and clears the output', async () => {
    await sample.getByTestId('runnable-editor').fill('console.log("changed")');
    await sample.getByTestId('runnable-reset').click();
    expect(await sample.getByTestId('runnable-editor').inputValue()).toBe(neuron);
    expect(await sample.getByTestId('runnable-output').count()).toBe(0);
    expect(await sample.getAttribute('data-status')).toBe('idle');
    expect(problems).toEqual([]);
  });

  it('an endless loop runs in a worker: the page stays responsive and Stop ends it', async () => {
    await sample.getByTestId('runnable-editor').fill("console.log('looping');\nfor (;;) {}\n");
    await sample.getByTestId('runnable-run').click();
    await sample.getByTestId('runnable-output').getByText('looping').waitFor(); // it is running the loop
    expect(await sample.getAttribute('data-status')).toBe('running');
    // the main thread still answers (a frame is drawn) while the loop spins
    expect(
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve('drawn')))),
    ).toBe('drawn');
    await sample.getByTestId('runnable-stop').click();
    expect(await settled(sample)).toBe('stopped');
    expect(await sample.getByTestId('runnable-status').textContent()).toBe('Stopped.');
    // and the sample runs again afterwards
    await sample.getByTestId('runnable-reset').click();
    expect(await runAndWait(sample)).toBe('done');
    expect(await sample.getByTestId('runnable-output').textContent()).toBe(output('neuron'));
    expect(problems).toEqual([]);
  });

  it('a loop that prints forever is cut off at a limit, and Stop ends it', async () => {
    await sample.getByTestId('runnable-editor').fill('for (let i = 0; ; i++) console.log(i);\n');
    await sample.getByTestId('runnable-run').click();
    await sample.getByTestId('runnable-output').getByText('the output stops here').waitFor();
    expect(await sample.getAttribute('data-status')).toBe('running');
    await sample.getByTestId('runnable-stop').click();
    expect(await settled(sample)).toBe('stopped');
    const lines = ((await sample.getByTestId('runnable-output').textContent()) ?? '').split('\n');
    expect(lines.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(lines.at(-2)).toMatch(/^… the output stops here: a run shows at most [\d,]+ lines/);
    expect(problems).toEqual([]);
  });

  it("the editor's colours follow dark mode and restyle nothing else on the page", async () => {
    await sample.getByTestId('runnable-reset').click();
    const colours = () =>
      page.evaluate(() => ({
        keyword: getComputedStyle(document.querySelector('.runnable .hl-keyword')!).color,
        text: getComputedStyle(document.querySelector('.vp-doc p')!).color,
      }));
    const light = await colours();
    await page.evaluate(() => document.documentElement.classList.add('dark'));
    const dark = await colours();
    await page.evaluate(() => document.documentElement.classList.remove('dark'));
    expect(light.keyword).toBe('rgb(215, 58, 73)'); // github-light, as the site's code blocks
    expect(dark.keyword).toBe('rgb(249, 117, 131)'); // github-dark
    for (const c of ['rgb(179, 146, 240)', 'rgb(225, 228, 232)', 'rgb(121, 184, 255)', 'rgb(249, 117, 131)'])
      expect(dark.text).not.toBe(c);
    expect(problems).toEqual([]);
  });

  it('keeps the highlighted code in the pre-rendered page (before any script runs)', async () => {
    const html = await (await fetch(`${site.url}/course/the-neuron.html`)).text();
    expect(html).toMatch(/<div class="runnable" data-file="neuron"[^>]*>[\s\S]*?class="language-ts/);
    expect(html).toContain('One neuron: output = f(w₁x₁ + w₂x₂ + w₃x₃ + b)');
  });
});
