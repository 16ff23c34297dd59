import { describe, expect, it } from 'vitest';
import { BPETokenizer } from './bpe.js';
import { trainBPE } from './bpe-train.js';
import { BYTE_TO_UNICODE } from './bytes.js';
import { CharTokenizer } from './char.js';
import { TokenizerError } from './errors.js';
import { loadHFTokenizer } from './hf.js';
import { GPT2_PATTERN } from './pretokenize.js';
import { loadTokenizer, saveTokenizer } from './serialize.js';
import { loadTiktoken } from './tiktoken.js';
import type { Tokenizer } from './tokenizer.js';

const SAMPLE = "Hello, world! It's 2024 — naïve café 😀 日本語\n\n  tabs\tand spaces  ";

function sameTokenizer(a: Tokenizer, b: Tokenizer) {
  expect(b.kind).toBe(a.kind);
  expect(b.vocabSize).toBe(a.vocabSize);
  expect([...b.specialTokens]).toEqual([...a.specialTokens]);
  const ids = a.encode(SAMPLE, { allowedSpecial: 'all' });
  expect(b.encode(SAMPLE, { allowedSpecial: 'all' })).toEqual(ids);
  expect(b.decode(ids)).toBe(a.decode(ids));
}

describe("Dendrite's tokenizer JSON", () => {
  it('round-trips a char tokenizer', () => {
    const tok = CharTokenizer.fromCorpus(SAMPLE, { specialTokens: ['<|endoftext|>'] });
    const again = loadTokenizer(saveTokenizer(tok));
    expect(again).toBeInstanceOf(CharTokenizer);
    sameTokenizer(tok, again);
  });

  it('round-trips a trained BPE tokenizer (merges kept)', () => {
    const tok = trainBPE(SAMPLE.repeat(3), {
      vocabSize: 300,
      specialTokens: ['<|endoftext|>'],
      minFrequency: 1,
    });
    const again = loadTokenizer(saveTokenizer(tok)) as BPETokenizer;
    sameTokenizer(tok, again);
    expect(again.merges).toEqual(tok.merges);
    expect(again.pattern).toBe(tok.pattern);
    expect(again.wholeTokenFirst).toBe(false);
  });

  it('round-trips a tiktoken-rule tokenizer with gaps (ranks kept, no merges)', () => {
    const lines = Array.from({ length: 256 }, (_, b) => `${btoa(String.fromCharCode(b))} ${b}`);
    lines.push(`${btoa('he')} 260`, `${btoa(' t')} 262`);
    const tok = loadTiktoken(lines.join('\n'), {
      pattern: GPT2_PATTERN,
      specialTokens: { '<|endoftext|>': 270 },
    });
    const json = tok.toJSON();
    expect(json.merges).toBeUndefined();
    expect(json.tokens[256]).toBeNull();
    const again = loadTokenizer(JSON.parse(JSON.stringify(json)));
    sameTokenizer(tok, again);
    // (h,e) has the lower rank (260) and merges first, then (" ",t) (262).
    expect(again.encode(' the')).toEqual([262, 260]);
  });

  it('round-trips a Hugging Face import (added tokens, prefix space, normalisation)', () => {
    const vocab: Record<string, number> = {};
    for (let b = 0; b < 256; b++) vocab[BYTE_TO_UNICODE[b]] = b;
    vocab.he = 256;
    const hf = loadHFTokenizer({
      added_tokens: [{ id: 257, content: '[X]', special: false }],
      normalizer: { type: 'NFKC' },
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true },
      model: { type: 'BPE', vocab, merges: ['h e'], ignore_merges: true },
    });
    const again = loadTokenizer(saveTokenizer(hf)) as BPETokenizer;
    sameTokenizer(hf, again);
    expect(again.addPrefixSpace).toBe(true);
    expect(again.normalization).toBe('NFKC');
    expect(again.wholeTokenFirst).toBe(true);
    expect(again.encode('he[X]')).toEqual([32, 256, 257]);
  });

  it('names the broken field', () => {
    const good = JSON.parse(saveTokenizer(trainBPE('abab', { vocabSize: 258 })));
    const broken = (edit: (j: Record<string, unknown>) => void) => () => {
      const j = structuredClone(good);
      edit(j);
      return loadTokenizer(j);
    };
    expect(() => loadTokenizer('{')).toThrow(/not valid JSON/);
    expect(() => loadTokenizer('[]')).toThrow(/expected an object/);
    expect(broken((j) => (j.format = 'other'))).toThrow(/field "format"/);
    expect(broken((j) => (j.version = 2))).toThrow(/field "version" must be 1/);
    expect(broken((j) => (j.type = 'wordpiece'))).toThrow(/field "type"/);
    expect(broken((j) => ((j.tokens as unknown[])[3] = 'a$=='))).toThrow(/field "tokens\[3\]"/);
    expect(broken((j) => (j.merges = [1, 2, 3]))).toThrow(/field "merges"/);
    expect(broken((j) => (j.merges = [97, 122]))).toThrow(TokenizerError);
    expect(broken((j) => (j.pattern = 5))).toThrow(/field "pattern"/);
    expect(broken((j) => (j.specialTokens = { x: -1 }))).toThrow(/field "specialTokens.x"/);
    expect(broken((j) => (j.normalization = 'NFX'))).toThrow(/field "normalization"/);
    expect(broken((j) => (j.addPrefixSpace = 'yes'))).toThrow(/field "addPrefixSpace"/);
    expect(() =>
      loadTokenizer({ format: 'dendrite-tokenizer', version: 1, type: 'char', chars: [1] } as never),
    ).toThrow(/field "chars"/);
  });
});

describe('BPETokenizer spec validation', () => {
  const bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  it('rejects duplicate tokens, bad merges and clashing special ids', () => {
    expect(() => new BPETokenizer({ tokens: [...bytes, Uint8Array.of(97)] })).toThrow(
      /tokens 97 and 256 are the same bytes/,
    );
    expect(() => new BPETokenizer({ tokens: bytes, merges: [[97, 98]] })).toThrow(
      /merges\[0\] .* not a token/,
    );
    expect(() => new BPETokenizer({ tokens: bytes, merges: [[97, 999]] })).toThrow(
      /names an id that is not a token/,
    );
    expect(() => new BPETokenizer({ tokens: bytes, specialTokens: { '<s>': 97 } })).toThrow(
      /already the token "a"/,
    );
    expect(() => new BPETokenizer({ tokens: [new Uint8Array(0)] })).toThrow(/non-empty/);
    expect(() => new BPETokenizer({ tokens: bytes, normalization: 'X' as 'NFC' })).toThrow(/normalization/);
  });
});

describe("Dendrite's tokenizer JSON is untrusted input", () => {
  const good = () => JSON.parse(saveTokenizer(trainBPE('abab', { vocabSize: 258 })));

  it('refuses special and added token ids far beyond the file', () => {
    const j = good();
    j.specialTokens = { '<|x|>': 60_000_000 };
    expect(() => loadTokenizer(j)).toThrow(
      /field "specialTokens.<\|x\|>" has id 60000000, out of range: a vocabulary of 258 token\(s\) may use ids 0\.\.1539/,
    );
    j.specialTokens = {};
    j.addedTokens = { y: 4_000_000_000 };
    expect(() => loadTokenizer(j)).toThrow(/field "addedTokens.y" has id 4000000000, out of range/);
    const c = {
      format: 'dendrite-tokenizer',
      version: 1,
      type: 'char',
      chars: ['a'],
      specialTokens: { x: 4e9 },
    };
    expect(() => loadTokenizer(c as never)).toThrow(
      /field "specialTokens.x" has id 4000000000, out of range/,
    );
  });

  it('refuses a token list that is mostly unused ids', () => {
    const j = good();
    j.tokens = [...j.tokens, ...new Array(5000).fill(null)];
    expect(() => loadTokenizer(j)).toThrow(/field "tokens" has 5257 ids but only 257 tokens/);
  });

  it('refuses a pattern the linear matcher cannot bound, and runs any other in linear time', () => {
    const j = good();
    j.pattern = '(a|aa)*\\1';
    expect(() => loadTokenizer(j)).toThrow(/field "pattern" is refused: .*back-references/);
    j.pattern = '(a+)+b';
    const tok = loadTokenizer(j);
    expect(tok.encode('a'.repeat(28))).toEqual(tok.encode('a'.repeat(14)).concat(tok.encode('a'.repeat(14))));
  });

  it('checks id merges that make long tokens against the split table (linear)', () => {
    const bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    const tokens = [
      ...bytes,
      Uint8Array.of(97, 97),
      new Uint8Array(100).fill(97),
      new Uint8Array(200).fill(97),
    ];
    const spec = (merges: [number, number][]) => ({ tokens, merges, wholeTokenFirst: true });
    // 257 + 257 spells 200 a's, token 258 (looked up in the split table: over 128 bytes).
    const tok = new BPETokenizer(
      spec([
        [97, 97],
        [257, 257],
      ]),
    );
    expect(tok.encode('a'.repeat(200))).toEqual([258]);
    expect(() => new BPETokenizer(spec([[257, 258]]))).toThrow(
      /merges\[0\] = \[257, 258\]: their concatenation is not a token/,
    );
    expect(() => new BPETokenizer(spec([[257, 97]]))).toThrow(
      /merges\[0\] = \[257, 97\]: their concatenation is not a token/,
    );
  });
});

describe('BPETokenizer and CharTokenizer bound their ids', () => {
  const bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  it('refuses special ids far beyond the vocabulary', () => {
    expect(() => new BPETokenizer({ tokens: bytes, specialTokens: { '<s>': 50_000_000 } })).toThrow(
      /specialTokens\["<s>"\] has invalid id 50000000/,
    );
    expect(() => new BPETokenizer({ tokens: bytes, specialTokens: { '<s>': 2000 } })).toThrow(
      /"<s>" has id 2000, out of range: a vocabulary of 257 token\(s\) may use ids 0\.\.1537/,
    );
    expect(new BPETokenizer({ tokens: bytes, specialTokens: { '<s>': 1537 } }).vocabSize).toBe(1538);
    expect(() => new CharTokenizer(['a', 'b'], { '<s>': 4e9 })).toThrow(
      /"<s>" has id 4000000000, out of range/,
    );
  });
});
