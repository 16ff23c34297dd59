import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trainBPE } from './bpe-train.js';
import { BYTE_TO_UNICODE } from './bytes.js';
import { TokenizerError } from './errors.js';
import { loadHFTokenizer, toHFTokenizerJSON } from './hf.js';
import { GPT2_PATTERN } from './pretokenize.js';
import { GPT2_SPECIAL_TOKENS, loadTiktoken } from './tiktoken.js';

/* biome-ignore lint/suspicious/noExplicitAny: test fixtures are edited freely */
type Json = any;

/**
 * A small byte-level BPE tokenizer.json: bytes at ids 0–255 (id = byte value, written in GPT-2's
 * byte ↔ unicode alphabet, so a space is "Ġ"), then seven merged tokens. Expected ids below
 * follow from the merge list by hand: lowest merge index first, leftmost on ties.
 */
function fixture(): Json {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[BYTE_TO_UNICODE[b]] = b;
  ['Ġt', 'he', 'Ġthe', 'll', 'ab', 'bc', 'abc'].forEach((t, i) => {
    vocab[t] = 256 + i;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 263,
        content: '<|endoftext|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 264,
        content: '[NEW]',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: false,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      // merge index = priority: "Ġ t" first … "a bc" last.
      merges: ['Ġ t', 'h e', 'Ġt he', 'l l', 'a b', 'b c', 'a bc'],
    },
  };
}

describe('Hugging Face tokenizer.json: encoding by the merge list', () => {
  const tok = loadHFTokenizer(JSON.stringify(fixture()));

  it('applies merges in list order', () => {
    expect(tok.encode('the')).toEqual([116, 257]); // (h,e) → he; "t he" is not a merge
    expect(tok.encode(' the')).toEqual([258]); // (Ġ,t) → Ġt; (h,e) → he; (Ġt,he) → Ġthe
    expect(tok.encode(' hello')).toEqual([32, 257, 259, 111]); // he, ll; no "he ll" merge
    expect(tok.encode('bc')).toEqual([261]);
  });

  it('only merges listed pairs, even when the concatenation is a token', () => {
    // (a,b) comes before (b,c), leaving "ab c" — not a merge, though "abc" is in the vocab.
    expect(tok.encode('abc')).toEqual([260, 99]);
  });

  it('always matches non-special added tokens; special ones follow the policy', () => {
    expect(tok.encode('a[NEW]b')).toEqual([97, 264, 98]);
    expect(tok.encodeOrdinary('a[NEW]b')).toEqual([97, 264, 98]);
    expect(tok.encode('<|endoftext|>x', { allowedSpecial: 'all' })).toEqual([263, 120]);
    expect(() => tok.encode('<|endoftext|>x')).toThrow(TokenizerError);
    expect(tok.decode([97, 264, 263])).toBe('a[NEW]<|endoftext|>');
    expect(tok.vocabSize).toBe(265);
  });

  it('accepts merges as [a, b] pairs', () => {
    const j = fixture();
    j.model.merges = j.model.merges.map((m: string) => m.split(' '));
    const t = loadHFTokenizer(j);
    expect(t.encode(' the')).toEqual([258]);
    expect(t.encode('abc')).toEqual([260, 99]);
  });

  it('honours ignore_merges (a piece that is a token is used whole)', () => {
    const j = fixture();
    j.model.ignore_merges = true;
    const t = loadHFTokenizer(j);
    expect(t.encode('abc')).toEqual([262]);
    expect(t.encode(' abc')).toEqual([32, 260, 99]);
  });

  it('honours add_prefix_space per text segment', () => {
    const j = fixture();
    j.pre_tokenizer.add_prefix_space = true;
    const t = loadHFTokenizer(j);
    expect(t.encode('the')).toEqual([258]);
    expect(t.encode(' the')).toEqual([258]);
    expect(t.encode('a[NEW]the')).toEqual([32, 97, 264, 258]);
  });

  it('applies an NFC normalizer', () => {
    expect(tok.encode('e\u0301')).toEqual([101, 204, 129]);
    const j = fixture();
    j.normalizer = { type: 'NFC' };
    expect(loadHFTokenizer(j).encode('e\u0301')).toEqual([195, 169]);
  });

  it('supports a Split regex before a ByteLevel without regex', () => {
    const j = fixture();
    j.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: String.raw` ?\p{L}+|\p{N}{1,3}|\s+|[^\s\p{L}\p{N}]+` },
          behavior: 'Isolated',
          invert: false,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    };
    const t = loadHFTokenizer(j);
    expect(t.encode('12345 the')).toEqual([49, 50, 51, 52, 53, 258]);
    expect(t.encode('ab  the')).toEqual([260, 32, 32, 116, 257]);
  });

  it('shows tokens in the byte-level alphabet', () => {
    expect(tok.idToToken(258)).toBe('Ġthe');
    expect(tok.tokenToId('Ġthe')).toBe(258);
    expect(tok.idToToken(263)).toBe('<|endoftext|>');
    expect(tok.tokenToId('nope')).toBeUndefined();
  });

  it('exports back to an equivalent tokenizer.json', () => {
    const again = loadHFTokenizer(toHFTokenizerJSON(tok));
    for (const s of ['the', ' the', ' hello', 'abc', 'a[NEW]b'])
      expect(again.encode(s)).toEqual(tok.encode(s));
    const trained = trainBPE('the cat sat on the mat; 12345 cats!', {
      vocabSize: 270,
      pattern: GPT2_PATTERN,
    });
    const viaHF = loadHFTokenizer(toHFTokenizerJSON(trained));
    expect(viaHF.encode('the cats sat')).toEqual(trained.encode('the cats sat'));
  });
});

describe('Hugging Face tokenizer.json: malformed input', () => {
  const load = (edit: (j: Json) => void) => () => {
    const j = fixture();
    edit(j);
    return loadHFTokenizer(j);
  };

  it('rejects bad JSON and unknown model types', () => {
    expect(() => loadHFTokenizer('{"model":')).toThrow(/tokenizer.json: not valid JSON/);
    expect(load((j) => delete j.model)).toThrow(/tokenizer.json: model is missing/);
    expect(load((j) => (j.model.type = 'WordPiece'))).toThrow(TokenizerError);
    expect(load((j) => (j.model.type = 'WordPiece'))).toThrow(/model.type "WordPiece" is not supported/);
  });

  it('names missing or broken merges', () => {
    expect(load((j) => delete j.model.merges)).toThrow(/model.merges is missing/);
    expect(load((j) => (j.model.merges[1] = 'h zz'))).toThrow(
      /model.merges\[1\]: "zz" is not in model.vocab/,
    );
    expect(load((j) => (j.model.merges[2] = 'x y'))).toThrow(
      /model.merges\[2\]: merged token "xy" is not in model.vocab/,
    );
    expect(load((j) => (j.model.merges[3] = 'a b c'))).toThrow(/model.merges\[3\]: must be two tokens/);
    expect(load((j) => (j.model.merges[3] = 7))).toThrow(/model.merges\[3\]: must be a "a b" string/);
    expect(load((j) => j.model.merges.push('h e'))).toThrow(
      /model.merges\[7\]: "h e" repeats an earlier merge/,
    );
  });

  it('names bad vocabulary entries', () => {
    expect(load((j) => delete j.model.vocab)).toThrow(/model.vocab is missing/);
    expect(load((j) => (j.model.vocab['a b'] = 300))).toThrow(
      /model.vocab\["a b"\] is not a byte-level token/,
    );
    expect(load((j) => (j.model.vocab.zz = 5))).toThrow(/model.vocab\["zz"\] reuses id 5/);
    expect(load((j) => (j.model.vocab.zz = -1))).toThrow(
      /model.vocab\["zz"\] must be a non-negative integer id/,
    );
  });

  it('rejects options this importer does not implement', () => {
    expect(load((j) => (j.model.dropout = 0.1))).toThrow(/model.dropout/);
    expect(load((j) => (j.model.byte_fallback = true))).toThrow(/model.byte_fallback/);
    expect(load((j) => (j.model.continuing_subword_prefix = '##'))).toThrow(
      /model.continuing_subword_prefix/,
    );
    expect(load((j) => (j.pre_tokenizer = { type: 'Whitespace' }))).toThrow(
      /pre_tokenizer.type "Whitespace" is not supported/,
    );
    expect(load((j) => (j.pre_tokenizer = null))).toThrow(/pre_tokenizer must be a ByteLevel/);
    expect(load((j) => (j.normalizer = { type: 'Lowercase' }))).toThrow(/normalizer.type "Lowercase"/);
    expect(load((j) => (j.added_tokens[0].id = 'x'))).toThrow(
      /added_tokens\[0\].id must be a non-negative integer/,
    );
    expect(load((j) => (j.added_tokens[1].content = '<|endoftext|>'))).toThrow(
      /added_tokens\[1\].content .* listed twice/,
    );
  });
});

describe('Hugging Face tokenizer.json files are untrusted input', () => {
  const load = (edit: (j: Json) => void) => () => {
    const j = fixture();
    edit(j);
    return loadHFTokenizer(j);
  };
  const withSplit = (regex: string) => (j: Json) => {
    j.pre_tokenizer = {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    };
  };

  it('refuses vocabulary and added-token ids far beyond the file', () => {
    // 263 vocab entries + 2 added tokens: ids 0..1553 are allowed.
    expect(load((j) => (j.model.vocab.zz = 4_000_000_000))).toThrow(
      /model.vocab\["zz"\] has id 4000000000, out of range: a vocabulary of 266 token\(s\) may use ids 0\.\.1555/,
    );
    expect(load((j) => (j.model.vocab.zz = 2 ** 33))).toThrow(/has id 8589934592, out of range/); // was dropped silently
    expect(load((j) => (j.model.vocab.zz = 1_000_000))).toThrow(/has id 1000000, out of range/);
    expect(load((j) => (j.added_tokens[0].id = 60_000_000))).toThrow(
      /added_tokens\[0\].id 60000000 is out of range/,
    );
    expect(load((j) => (j.model.vocab.zz = 1500))().vocabSize).toBe(1501);
  });

  it('refuses a Split regex the linear matcher cannot bound, naming the field and the pattern', () => {
    expect(load(withSplit('(a*)*b'))).toThrow(TokenizerError);
    expect(load(withSplit('(a*)*b'))).toThrow(
      /pre_tokenizer.pretokenizers\[0\].pattern.Regex is refused: pre-tokeniser pattern "\(a\*\)\*b": a repeated group that can match the empty string/,
    );
    expect(load(withSplit(String.raw`(\w)\1`))).toThrow(/pattern.Regex is refused: .*back-references/);
    expect(load(withSplit('(?x)a'))).toThrow(/pattern.Regex is refused: compilePattern/);
  });

  it('runs a catastrophic Split regex like (a+)+b in linear time, with the native engine`s pieces', () => {
    const tok = load(withSplit('(a+)+b'))();
    // 28 a's: no match, one gap piece, one id per byte (the native RegExp takes 2^27 steps here).
    expect(tok.encode('a'.repeat(28))).toEqual(new Array(28).fill(97));
    const ids = tok.encode(`${'a'.repeat(100_000)}b`); // one match: 99,999 a's, then "ab"
    expect([ids.length, ids[0], ids[99_999]]).toEqual([100_000, 97, 260]);
    expect(tok.encode('xab ab')).toEqual([120, 260, 32, 260]); // pieces "x", "ab", " ", "ab"
  });

  it('keeps the known patterns (Llama 3, o200k) on the native engine with the same ids', () => {
    const llama3 = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
    const o200k = String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
    const ids = [49, 50, 51, 52, 53, 258, 32, 260, 39, 115]; // "123" "45" " the" " ab" "'s"
    expect(load(withSplit(llama3))().encode("12345 the ab's")).toEqual(ids);
    expect(load(withSplit(o200k))().encode("12345 the ab's")).toEqual(ids); // " ab's" is one piece
    expect(load(withSplit(o200k))().encode('AbcDEF\n\n x')).toEqual([65, 261, 68, 69, 70, 10, 10, 32, 120]); // b c merge
  });
});

// Real GPT-2: registered only when DENDRITE_GPT2_TOKENIZER_JSON points at GPT-2's tokenizer.json.
const GPT2_JSON = process.env.DENDRITE_GPT2_TOKENIZER_JSON;
if (GPT2_JSON) {
  describe('real GPT-2 tokenizer.json (DENDRITE_GPT2_TOKENIZER_JSON)', () => {
    const tok = loadHFTokenizer(readFileSync(GPT2_JSON, 'utf8'));

    it('encodes the known GPT-2 ids', () => {
      expect(tok.vocabSize).toBe(50257);
      expect(tok.encode('Hello world')).toEqual([15496, 995]);
      expect(tok.encode(' hello')).toEqual([23748]);
      expect(tok.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([50256]);
    });

    const GPT2_TIKTOKEN = process.env.DENDRITE_GPT2_TIKTOKEN;
    if (GPT2_TIKTOKEN) {
      it('agrees with the tiktoken rank file on mixed text', () => {
        const tt = loadTiktoken(readFileSync(GPT2_TIKTOKEN, 'utf8'), {
          pattern: GPT2_PATTERN,
          specialTokens: GPT2_SPECIAL_TOKENS,
        });
        const text =
          "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.  It's 12345 😀👍🏽 日本語 naïve café\t\t\r\n  end  ";
        expect(tok.encode(text)).toEqual(tt.encode(text));
      });
    }
  });
}
