// The tokenizer lesson in Chromium, against @dendrite/tokenizer run here in Node: the trainer's merges
// for a typed text are trainBPE's, one step adds one token, the ids panel shows the library's ids, and
// a tokenizer file given to the file input (generated in this test, in both formats) encodes as the
// library's loaders do in Node.

import { join } from 'node:path';
import {
  CharTokenizer,
  GPT2_PATTERN,
  loadHFTokenizer,
  loadTiktoken,
  toHFTokenizerJSON,
  toTiktokenRanks,
  trainBPE,
} from '@dendrite/tokenizer';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { courseCorpus } from '../src/corpus.js';
import { charsAndBytes, courseTokenizers, LANGUAGES, PATTERNS } from '../src/tokenizer-lesson.js';
import { demosSettled, openPage, SCREENSHOTS, useSite, WAIT_MS } from './support/site.js';

const site = useSite();

const PAGE = '/course/tokenizers.html';
const poll = { timeout: WAIT_MS };

async function visit(): Promise<{ page: Page; problems: string[] }> {
  const r = await openPage(site.context, `${site.url}${PAGE}`);
  await demosSettled(r.page);
  return r;
}

/** A number attribute of the first element of a locator. */
async function attr(loc: Locator, name: string): Promise<number> {
  return Number(await loc.getAttribute(name));
}

/** The `data-ids` JSON of a token row. */
async function ids(loc: Locator): Promise<(number | null)[]> {
  return JSON.parse((await loc.getAttribute('data-ids')) ?? 'null');
}

/** The merges listed on the page, as [left, right, token]. */
function listedMerges(page: Page): Promise<number[][]> {
  return page
    .getByTestId('bpe-merge')
    .evaluateAll((els) =>
      els.map((e) => ['data-left', 'data-right', 'data-token'].map((a) => Number(e.getAttribute(a)))),
    );
}

// Text typed into the trainer: not the page's default, so nothing here can come from the build.
const TYPED =
  'a cat sat on a mat; the cat ate a rat, and a bat sat on the cat. ' +
  'the mat was flat, the hat was fat, and that was that. '.repeat(2);

describe('the tokenizer lesson in Chromium', () => {
  it('loads with all four demos ready and no console errors; characters, bytes and tokens match Node', async () => {
    const { page, problems } = await visit();
    expect(await page.locator('.demo[data-ready="true"]').count()).toBe(4);
    const text = 'Crème brûlée 🙂 猫 tokens';
    await page.getByTestId('views-text').fill(text);
    const views = charsAndBytes(text);
    await expect.poll(() => page.getByTestId('views-chars').textContent(), poll).toBe(String(views.length));
    expect(views.some((v) => v.bytes.length === 4)).toBe(true);
    expect(await page.getByTestId('views-bytes').textContent()).toBe(
      String(views.reduce((n, v) => n + v.bytes.length, 0)),
    );
    const bpe = courseTokenizers(courseCorpus()).bpe;
    const shownIds = await page
      .getByTestId('views-token')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
    expect(shownIds).toEqual(bpe.encode(text));
    expect(await page.getByTestId('tradeoff-row').count()).toBe(5);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the trainer's merges for a typed text are trainBPE's for the same vocabulary size; one step adds one token", async () => {
    const { page, problems } = await visit();
    const status = page.getByTestId('bpe-status');
    // Most of it pasted, the end typed key by key.
    const box = page.getByTestId('bpe-text');
    await box.fill(TYPED.slice(0, -12));
    await box.pressSequentially(TYPED.slice(-12));
    await expect.poll(() => box.inputValue(), poll).toBe(TYPED);
    await page.getByTestId('bpe-target').fill('20');
    await page.getByTestId('bpe-run').click();
    await expect.poll(() => attr(status, 'data-merges'), poll).toBe(20);

    const lib = trainBPE(TYPED, { vocabSize: 256 + 20 });
    expect(lib.vocabSize).toBe(276);
    expect(await attr(status, 'data-vocab')).toBe(276);
    expect(await listedMerges(page)).toEqual(lib.merges!.map(([l, r], i) => [l, r, 256 + i]));
    expect(await attr(status, 'data-length')).toBe(lib.encode(TYPED).length);

    // The highlighted row of the pair table is the next merge, with the count trainBPE will report.
    const reported: { left: number; right: number; count: number }[] = [];
    trainBPE(TYPED, { vocabSize: 256 + 21, onMerge: (m) => reported.push(m) });
    expect(reported).toHaveLength(21);
    const next = page.getByTestId('bpe-pair').first();
    expect([
      await attr(next, 'data-left'),
      await attr(next, 'data-right'),
      await attr(next, 'data-count'),
    ]).toEqual([reported[20].left, reported[20].right, reported[20].count]);
    const lengthBefore = await attr(status, 'data-length');
    await page.getByTestId('bpe-step').click();
    await expect.poll(() => attr(status, 'data-merges'), poll).toBe(21);
    expect(await attr(status, 'data-vocab')).toBe(277); // exactly one token more
    expect(await page.getByTestId('bpe-merge').count()).toBe(21);
    const last = page.getByTestId('bpe-last');
    expect(await attr(last, 'data-token')).toBe(276);
    expect(await attr(last, 'data-count')).toBe(reported[20].count);
    const after = trainBPE(TYPED, { vocabSize: 256 + 21 });
    expect(await attr(status, 'data-length')).toBe(after.encode(TYPED).length);
    expect(await attr(status, 'data-length')).toBeLessThan(lengthBefore);

    await page
      .locator('.demo[data-demo="bpe-trainer"]')
      .screenshot({ path: join(SCREENSHOTS, 'tokenizers-bpe.png') });

    // Undo takes it back; without a pre-tokenizer the merges are trainBPE's with that pattern.
    await page.getByTestId('bpe-back').click();
    await expect.poll(() => attr(status, 'data-vocab'), poll).toBe(276);
    await page.getByTestId('bpe-pattern').selectOption('none');
    const none = trainBPE(TYPED, { vocabSize: 256 + 20, pattern: PATTERNS.none.pattern });
    await expect
      .poll(() => listedMerges(page), poll)
      .toEqual(none.merges!.map(([l, r], i) => [l, r, 256 + i]));
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the ids panel shows the char ids of the course corpus and the ids of the BPE trained above', async () => {
    const { page, problems } = await visit();
    await page.getByTestId('bpe-text').fill(TYPED);
    await page.getByTestId('bpe-target').fill('12');
    await page.getByTestId('bpe-run').click();
    await expect.poll(() => attr(page.getByTestId('bpe-status'), 'data-merges'), poll).toBe(12);
    const sentence = 'The fat cat sat on that mat.';
    await page.getByTestId('ids-sentence').fill(sentence);
    const chars = CharTokenizer.fromCorpus(courseCorpus());
    await expect.poll(() => ids(page.getByTestId('ids-char')), poll).toEqual(chars.encode(sentence));
    const bpe = page.getByTestId('ids-bpe');
    await expect.poll(() => attr(bpe, 'data-merges'), poll).toBe(12);
    expect(await ids(bpe)).toEqual(trainBPE(TYPED, { vocabSize: 256 + 12 }).encode(sentence));
    expect(await page.getByTestId('ids-file-none').textContent()).toContain('No file loaded');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a tokenizer file given to the file input (.tiktoken and tokenizer.json) shows the library's ids", async () => {
    const { page, problems } = await visit();
    // A small GPT-2-style vocabulary trained here: GPT-2's own files are never part of the repository.
    const trained = trainBPE(courseCorpus().slice(0, 20_000), { vocabSize: 600, pattern: GPT2_PATTERN });
    const sentence = 'The tokenizer turns text into ids: 2024 naïve 🙂.';
    await page.getByTestId('ids-sentence').fill(sentence);

    const ranks = toTiktokenRanks(trained);
    await page.getByTestId('ids-file').setInputFiles({
      name: 'small.tiktoken',
      mimeType: 'text/plain',
      buffer: Buffer.from(ranks),
    });
    const shown = page.getByTestId('ids-file-ids');
    const fromRanks = loadTiktoken(ranks, { pattern: GPT2_PATTERN }).encode(sentence);
    await expect.poll(() => ids(shown), poll).toEqual(fromRanks);
    expect(await page.getByTestId('ids-file-name').textContent()).toContain('small.tiktoken');
    // The quirks demo switches to the loaded tokenizer.
    await expect.poll(() => page.getByTestId('quirks-file').isChecked(), poll).toBe(true);

    const json = JSON.stringify(toHFTokenizerJSON(trained));
    await page.getByTestId('ids-file').setInputFiles({
      name: 'tokenizer.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json),
    });
    const fromJson = loadHFTokenizer(json).encode(sentence);
    expect(fromJson).toEqual(trained.encode(sentence));
    await expect
      .poll(() => page.getByTestId('ids-file-name').textContent(), poll)
      .toContain('tokenizer.json');
    expect(await ids(shown)).toEqual(fromJson);

    await page.getByTestId('ids-file').setInputFiles({
      name: 'broken.tiktoken',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a rank file\n'),
    });
    await expect
      .poll(() => page.getByTestId('ids-file-error').textContent(), poll)
      .toContain('broken.tiktoken');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the quirks are computed with the course BPE: other scripts cost more tokens', async () => {
    const { page, problems } = await visit();
    const bpe = courseTokenizers(courseCorpus()).bpe;
    const rows = page.getByTestId('quirks-language');
    await expect.poll(() => rows.count(), poll).toBe(LANGUAGES.length);
    const tokens = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-tokens'))));
    expect(tokens).toEqual(LANGUAGES.map((l) => bpe.encode(l.text).length));
    await page.getByTestId('quirks-word').fill('neuron');
    await expect
      .poll(() => attr(page.getByTestId('quirks-spelling'), 'data-spaced'), poll)
      .toBe(bpe.encode(' neuron').length);
    expect(await page.getByTestId('quirks-casing').count()).toBe(6);
    expect(problems).toEqual([]);
    await page.close();
  });
});
