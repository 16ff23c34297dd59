// The tokenizer lesson's demo logic in Node: the trainer's steps are trainBPE's merges, its pair
// table agrees with the counts trainBPE reports, every intermediate tokenizer is the one trainBPE
// gives for that vocabulary size, and files load through the library's loaders.
import {
  CharTokenizer,
  GPT2_PATTERN,
  GPT4_PATTERN,
  loadHFTokenizer,
  loadTiktoken,
  PAIR_BASE,
  toHFTokenizerJSON,
  toTiktokenRanks,
  trainBPE,
} from '@dendrite/tokenizer';
import { describe, expect, it } from 'vitest';
import { courseCorpus } from '../src/corpus.js';
import {
  applyMerge,
  charIds,
  charsAndBytes,
  cost,
  countPairs,
  LANGUAGES,
  loadTokenizerFile,
  PATTERNS,
  pieces,
  rankPairs,
  showBytes,
  spelling,
  splitCorpus,
  tokenizerAfter,
  tokensByPiece,
  tokenViews,
  traceBPE,
  trainWithEvents,
  variants,
  vocabTradeoff,
} from '../src/tokenizer-lesson.js';

const TEXTS = [
  'the token, the tokens, the tokenizer: a tokenizer turns text into tokens, and tokens into ids. '.repeat(3),
  'aaaa aaa aa a aaaa aaaaa banana bandana',
  'Café au lait, café noir, 咖啡 咖啡 咖啡 🙂🙂 🙂🙂 naïve naïve résumé résumé',
  'low lower lowest slow slower slowest\nnew newer newest\n\nlow low low',
];

describe('characters and bytes', () => {
  it('shows each character with its UTF-8 bytes: 1 for ASCII, 2 for é, 3 for CJK, 4 for an emoji', () => {
    const views = charsAndBytes('aé猫🙂');
    expect(views.map((v) => v.char)).toEqual(['a', 'é', '猫', '🙂']);
    expect(views.map((v) => v.bytes.length)).toEqual([1, 2, 3, 4]);
    expect(views[1].bytes).toEqual([0xc3, 0xa9]);
  });

  it('writes token bytes readably: whole characters as themselves, parts of one as hex', () => {
    expect(showBytes([0x20, 0x61])).toBe('␣a');
    expect(showBytes([0xc3, 0xa9])).toBe('é');
    expect(showBytes([0xc3])).toBe('‹C3›');
    expect(showBytes([0xf0, 0x9f, 0x99])).toBe('‹F0›‹9F›‹99›');
    expect(showBytes([0x61, 0x0a, 0xe7, 0x8c, 0xab])).toBe('a↵猫');
  });

  it("a BPE's tokens cover the text's bytes exactly", () => {
    const tok = trainBPE(TEXTS[2], { vocabSize: 280 });
    const views = tokenViews(tok, TEXTS[2]);
    expect(views.flatMap((v) => v.bytes)).toEqual([...new TextEncoder().encode(TEXTS[2])]);
    expect(views.map((v) => v.id)).toEqual(tok.encode(TEXTS[2]));
  });
});

describe('the BPE trainer, step by step', () => {
  for (const [t, text] of TEXTS.entries()) {
    for (const name of Object.keys(PATTERNS) as (keyof typeof PATTERNS)[]) {
      it(`text ${t}, ${name} pre-tokenizer: the steps are trainBPE's merges, its counts and its tokenizers`, () => {
        const pattern = PATTERNS[name].pattern;
        const trace = traceBPE(text, { merges: 30, pattern });
        const lib = trainBPE(text, { vocabSize: 256 + 30, pattern });
        // No merge in these texts makes bytes that are already a token, so steps = merges = new tokens.
        expect(trace.steps.every((s) => !s.reused)).toBe(true);
        expect(trace.steps.map((s) => [s.left, s.right])).toEqual(lib.merges);
        expect(trace.steps.map((s) => s.token)).toEqual(trace.steps.map((_, i) => 256 + i));
        expect(lib.vocabSize).toBe(256 + trace.steps.length);
        for (const s of trace.steps) {
          // The table's best pair is the pair trainBPE merged, with the count trainBPE reported.
          expect(s.top[0]).toEqual({ left: s.left, right: s.right, count: s.count });
          expect(s.vocabSize).toBe(256 + s.step);
          expect([...lib.tokenBytes(s.token)]).toEqual([
            ...lib.tokenBytes(s.left),
            ...lib.tokenBytes(s.right),
          ]);
        }
        // After k merges: the tokenizer trainBPE gives for 256 + k tokens, and the length the table implies.
        for (let k = 0; k <= trace.steps.length; k++) {
          const after = tokenizerAfter(trace.trained, k);
          expect(after.toJSON()).toEqual(trainBPE(text, { vocabSize: 256 + k, pattern }).toJSON());
          const ids = after.encode(text);
          expect(ids.length).toBe(k === 0 ? trace.bytes : trace.steps[k - 1].length);
          expect(after.decode(ids)).toBe(text);
          const groups = tokensByPiece(trace, k);
          expect(groups.flat().map((v) => v.id)).toEqual(ids);
          // Tokens never cross a piece boundary: each piece is exactly its own tokens' bytes.
          groups.forEach((g, i) =>
            expect(g.flatMap((v) => v.bytes)).toEqual([...new TextEncoder().encode(trace.pieces[i])]),
          );
        }
        // Each merge shortens the text by its pair's count (less where the pair overlaps itself: aaa).
        let before = trace.bytes;
        for (const s of trace.steps) {
          if (s.left !== s.right) expect(s.length).toBe(before - s.count);
          expect(s.length).toBeLessThan(before);
          expect(s.length).toBeGreaterThanOrEqual(before - s.count);
          before = s.length;
        }
      });
    }
  }

  it('the pieces concatenate back to the text, and only the no-split setting lets a merge cross a space', () => {
    const text = TEXTS[0];
    for (const { pattern } of Object.values(PATTERNS)) expect(pieces(text, pattern).join('')).toBe(text);
    expect(pieces(text, GPT4_PATTERN).slice(0, 4)).toEqual(['the', ' token', ',', ' the']);
    const spansWords = (pattern: string) =>
      traceBPE(text, { merges: 40, pattern }).steps.some((s) => {
        const shown = showBytes(
          traceBPE(text, { merges: 40, pattern }).trained.tokenizer.tokenBytes(s.token),
        );
        return /\S␣|␣$/.test(shown);
      });
    expect(spansWords(GPT4_PATTERN)).toBe(false);
    expect(spansWords(PATTERNS.none.pattern)).toBe(true);
  });

  it('an empty or one-letter text trains nothing and shows nothing, without failing', () => {
    for (const text of ['', 'a']) {
      const trace = traceBPE(text, { merges: 10 });
      expect(trace.steps).toEqual([]);
      expect(trace.bytes).toBe(text.length);
      expect(tokensByPiece(trace, 0).flat().length).toBe(text.length);
      expect(tokenizerAfter(trace.trained, 0).vocabSize).toBe(256);
    }
  });

  it('says why training stopped early', () => {
    expect(traceBPE('ab ab ab ab', { merges: 50 }).stopped).toBe('every piece is one token');
    expect(traceBPE('the cat and the dog', { merges: 50 }).stopped).toBe('no pair occurs twice');
    expect(traceBPE(TEXTS[0], { merges: 5 }).stopped).toBe('');
  });

  it("ranks pairs by trainBPE's rule: count, then left id, then right id", () => {
    const words = [
      [1, 2, 1, 2, 3],
      [2, 1, 3, 1],
      [3, 1, 2],
    ];
    const counts = countPairs(words, [2, 3, 1]);
    expect(counts.get(1 * PAIR_BASE + 2)).toBe(5); // twice in the first word (×2), once in the third
    const all = [...counts].map(([key, count]) => ({
      left: Math.floor(key / PAIR_BASE),
      right: key % PAIR_BASE,
      count,
    }));
    all.sort((a, b) => b.count - a.count || a.left - b.left || a.right - b.right);
    expect(rankPairs(counts, 3)).toEqual(all.slice(0, 3));
    expect(rankPairs(counts, 100)).toEqual(all);
  });

  it('merges left to right, as training does (aaa → aa a)', () => {
    expect(applyMerge([97, 97, 97], 97, 97, 256)).toEqual([256, 97]);
    expect(applyMerge([97, 97, 97, 97], 97, 97, 256)).toEqual([256, 256]);
  });
});

describe('the course tokenizers', () => {
  const corpus = courseCorpus();
  const { train, heldOut } = splitCorpus(corpus);
  const trained = trainWithEvents(train, 2048);

  it('the char tokenizer is the capstone one; unknown characters are marked, not dropped', () => {
    const chars = CharTokenizer.fromCorpus(corpus);
    const got = charIds(chars, 'The neuron 🙂');
    expect(got.filter((c) => c.id !== null).map((c) => c.id)).toEqual(chars.encode('The neuron '));
    expect(got.at(-1)).toEqual({ char: '🙂', id: null });
  });

  it('holds out the last tenth of the corpus, and bigger vocabularies give shorter sequences', () => {
    expect(train + heldOut).toBe(corpus);
    expect(heldOut.length / corpus.length).toBeGreaterThan(0.05);
    expect(heldOut.length / corpus.length).toBeLessThan(0.15);
    const rows = vocabTradeoff(corpus, [512, 1024, 2048], trained);
    expect(rows.map((r) => r.vocabSize)).toEqual([
      CharTokenizer.fromCorpus(corpus).vocabSize,
      256,
      512,
      1024,
      2048,
    ]);
    expect(rows[0].tokens).toBe([...heldOut].length);
    expect(rows[1].tokens).toBe(new TextEncoder().encode(heldOut).length);
    for (let i = 2; i < rows.length; i++) expect(rows[i].tokens).toBeLessThan(rows[i - 1].tokens);
    expect(rows[4].tokens).toBe(trainBPE(train, { vocabSize: 2048 }).encode(heldOut).length);
  });

  it('an English-trained BPE spends more tokens per character on other scripts', () => {
    const tok = tokenizerAfter(trained, 2048 - 256);
    const english = cost(tok, LANGUAGES[0].text);
    for (const { language, text } of LANGUAGES.slice(3)) {
      expect(cost(tok, text).tokensPerChar, language).toBeGreaterThan(2 * english.tokensPerChar);
    }
  });

  it('a common word is one token after a space: the model never sees its letters', () => {
    const tok = tokenizerAfter(trained, 2048 - 256);
    const s = spelling(tok, 'gradient', 'd');
    expect(s.spaced).toHaveLength(1);
    expect(s.bare.length).toBeGreaterThan(1);
    expect(s.occurrences).toBe(1);
    expect(s.letters).toBe(8);
  });

  it('spaces and capitals make different tokens', () => {
    expect(variants('network')).toEqual([
      'network',
      ' network',
      'Network',
      ' Network',
      'NETWORK',
      ' NETWORK',
    ]);
    const tok = tokenizerAfter(trained, 2048 - 256);
    const firsts = variants('network').map((v) => tok.encode(v)[0]);
    expect(new Set(firsts).size).toBeGreaterThan(3);
  });
});

describe('loading a tokenizer file', () => {
  const tok = trainBPE(TEXTS[0] + TEXTS[2], { vocabSize: 300, pattern: GPT2_PATTERN });
  const sentence = 'the tokenizer turns café into tokens';

  it('reads a tiktoken rank file with GPT-2 pattern', () => {
    const text = toTiktokenRanks(tok);
    const loaded = loadTokenizerFile('test.tiktoken', text);
    expect(loaded.description).toContain('tiktoken rank file of 300 tokens');
    expect(loaded.tokenizer.encode(sentence)).toEqual(
      loadTiktoken(text, { pattern: GPT2_PATTERN }).encode(sentence),
    );
    expect(loaded.tokenizer.decode(loaded.tokenizer.encode(sentence))).toBe(sentence);
  });

  it('reads a Hugging Face tokenizer.json, giving the ids of the tokenizer it was written from', () => {
    const text = JSON.stringify(toHFTokenizerJSON(tok));
    const loaded = loadTokenizerFile('tokenizer.json', text);
    expect(loaded.description).toContain('Hugging Face tokenizer.json');
    expect(loaded.tokenizer.encode(sentence)).toEqual(loadHFTokenizer(text).encode(sentence));
    expect(loaded.tokenizer.encode(sentence)).toEqual(tok.encode(sentence));
  });

  it('a file that is neither is an error naming the problem', () => {
    expect(() => loadTokenizerFile('x.txt', 'hello world')).toThrow(/line 1/);
    expect(() => loadTokenizerFile('x.json', '{"model": {"type": "WordPiece"}}')).toThrow(/WordPiece/);
  });
});
