/**
 * Hugging Face `tokenizer.json` import for byte-level BPE models (GPT-2, RoBERTa, GPT-NeoX,
 * Llama 3, Qwen 2 …). Tokens in `model.vocab` are strings in GPT-2's byte ↔ unicode alphabet
 * (see `bytes.ts`); `model.merges` lists merges in priority order.
 *
 * Supported: `model.type` "BPE" (byte-level), merges as "a b" strings or ["a", "b"] pairs,
 * `ignore_merges`, `added_tokens` (special ones follow the `EncodeOptions` policy, non-special
 * ones are always matched, as Hugging Face does), a `ByteLevel` pre-tokenizer alone or after one
 * `Split` (regex, behavior "Isolated"), and NFC/NFD/NFKC/NFKD normalizers. `post_processor` is
 * not applied (ids are as with `add_special_tokens=False`), and the `lstrip`/`rstrip`/
 * `single_word` flags of added tokens are ignored. Anything else is a `TokenizerError` naming the field.
 */
import { BPETokenizer, type NormalizationForm } from './bpe.js';
import { bytesToUnicode, unicodeToBytes } from './bytes.js';
import { TokenizerError } from './errors.js';
import { idLimit, idRule, MAX_VOCAB_SIZE } from './limits.js';
import { compileSplitter, GPT2_PATTERN } from './pretokenize.js';

type Json = Record<string, unknown>;

function fail(field: string, what: string): never {
  throw new TokenizerError(`tokenizer.json: ${field} ${what}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pattern used when no regex split happens (the whole segment is one piece). */
const WHOLE_SEGMENT = String.raw`[\s\S]+`;

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

interface PreTokenizerPlan {
  pattern: string;
  addPrefixSpace: boolean;
}

function planPreTokenizer(pre: unknown): PreTokenizerPlan {
  const field = 'pre_tokenizer';
  if (!isObject(pre)) {
    fail(field, `must be a ByteLevel pre-tokenizer for a byte-level BPE model, got ${JSON.stringify(pre)}`);
  }
  const byteLevel = (p: Json, f: string, split: string | undefined): PreTokenizerPlan => {
    const useRegex = p.use_regex ?? true;
    if (typeof useRegex !== 'boolean') fail(`${f}.use_regex`, 'must be a boolean');
    if (split !== undefined && useRegex) {
      fail(f, 'with use_regex true after a Split is not supported (two regex splits in a row)');
    }
    const aps = p.add_prefix_space ?? false;
    if (typeof aps !== 'boolean') fail(`${f}.add_prefix_space`, 'must be a boolean');
    return { pattern: split ?? (useRegex ? GPT2_PATTERN : WHOLE_SEGMENT), addPrefixSpace: aps };
  };
  if (pre.type === 'ByteLevel') return byteLevel(pre, field, undefined);
  if (pre.type === 'Sequence') {
    const list = pre.pretokenizers;
    if (!Array.isArray(list)) fail(`${field}.pretokenizers`, 'must be an array');
    let split: string | undefined;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      const f = `${field}.pretokenizers[${i}]`;
      if (!isObject(p)) fail(f, 'must be an object');
      if (p.type === 'Split' && split === undefined && i < list.length - 1) {
        const pat = p.pattern;
        if (isObject(pat) && typeof pat.Regex === 'string') {
          split = pat.Regex;
          checkPattern(split, `${f}.pattern.Regex`);
        } else if (isObject(pat) && typeof pat.String === 'string') {
          split = escapeLiteral(pat.String);
          checkPattern(split, `${f}.pattern.String`);
        } else fail(`${f}.pattern`, 'must be {"Regex": "…"} or {"String": "…"}');
        if (p.behavior !== 'Isolated')
          fail(`${f}.behavior`, `"${p.behavior}" is not supported (only "Isolated")`);
        if (p.invert === true) fail(`${f}.invert`, 'true is not supported');
        continue;
      }
      if (p.type === 'ByteLevel' && i === list.length - 1) return byteLevel(p, f, split);
      fail(`${f}.type`, `"${String(p.type)}" is not supported here (expected [Split,] ByteLevel)`);
    }
    fail(field, 'Sequence must end with a ByteLevel pre-tokenizer');
  }
  return fail(`${field}.type`, `"${String(pre.type)}" is not supported (expected ByteLevel or Sequence)`);
}

/**
 * Compiles a pattern from the file the way `BPETokenizer` will (`compileSplitter`: linear time
 * in the text whatever the pattern), so a pattern it cannot run safely is refused here, naming
 * the field.
 */
function checkPattern(pattern: string, field: string): void {
  try {
    compileSplitter(pattern);
  } catch (e) {
    fail(field, `is refused: ${(e as Error).message}`);
  }
}

function planNormalizer(norm: unknown): NormalizationForm | undefined {
  if (norm === null || norm === undefined) return undefined;
  if (!isObject(norm)) fail('normalizer', 'must be an object or null');
  const forms = ['NFC', 'NFD', 'NFKC', 'NFKD'];
  if (forms.includes(norm.type as string)) return norm.type as NormalizationForm;
  if (norm.type === 'Sequence' && Array.isArray(norm.normalizers)) {
    if (norm.normalizers.length === 0) return undefined;
    if (norm.normalizers.length === 1) return planNormalizer(norm.normalizers[0]);
  }
  return fail('normalizer.type', `"${String(norm.type)}" is not supported (only NFC, NFD, NFKC, NFKD)`);
}

/**
 * Builds a tokenizer from a Hugging Face `tokenizer.json` (its text or the parsed object).
 * Encoding gives the ids Hugging Face tokenizers gives with `add_special_tokens=False`; pass
 * `{ allowedSpecial: 'all' }` to match its handling of special tokens found in text.
 */
export function loadHFTokenizer(json: string | object): BPETokenizer {
  let root: unknown = json;
  if (typeof json === 'string') {
    try {
      root = JSON.parse(json);
    } catch (e) {
      throw new TokenizerError(`tokenizer.json: not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(root)) fail('root', 'must be an object');
  const model = root.model;
  if (!isObject(model)) fail('model', 'is missing');
  if (model.type !== undefined && model.type !== 'BPE') {
    fail('model.type', `"${String(model.type)}" is not supported (only byte-level "BPE")`);
  }
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) {
    fail('model.dropout', 'must be null (BPE dropout is a training-time option)');
  }
  if (model.byte_fallback === true)
    fail('model.byte_fallback', 'true is not supported (not a byte-level BPE)');
  for (const f of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[f] !== undefined && model[f] !== null && model[f] !== '') fail(`model.${f}`, 'must be empty');
  }
  if (model.ignore_merges !== undefined && typeof model.ignore_merges !== 'boolean') {
    fail('model.ignore_merges', 'must be a boolean');
  }

  // Ids are bounded by what the file holds (see limits.ts): a file of n tokens cannot ask for
  // id 4,000,000,000.
  const vocab = model.vocab;
  if (!isObject(vocab)) fail('model.vocab', 'is missing (expected an object of token → id)');
  const vocabEntries = Object.entries(vocab);
  const added = root.added_tokens ?? [];
  if (!Array.isArray(added)) fail('added_tokens', 'must be an array');
  const count = vocabEntries.length + added.length;
  if (count > MAX_VOCAB_SIZE) {
    fail('model.vocab', `has ${count} tokens (with added_tokens), more than the ${MAX_VOCAB_SIZE} allowed`);
  }
  const limit = idLimit(count);

  // added_tokens: special ones under the policy, the others always matched.
  const specialTokens: Record<string, number> = {};
  const addedTokens: Record<string, number> = {};
  const addedContent = new Set<string>();
  added.forEach((t, i) => {
    const f = `added_tokens[${i}]`;
    if (!isObject(t)) fail(f, 'must be an object');
    if (typeof t.content !== 'string' || t.content === '') fail(`${f}.content`, 'must be a non-empty string');
    if (!Number.isSafeInteger(t.id) || (t.id as number) < 0)
      fail(`${f}.id`, `must be a non-negative integer, got ${t.id}`);
    if ((t.id as number) >= limit) fail(`${f}.id`, `${t.id} is out of range: ${idRule(count)}`);
    if (addedContent.has(t.content)) fail(`${f}.content`, `${JSON.stringify(t.content)} is listed twice`);
    addedContent.add(t.content);
    (t.special === true ? specialTokens : addedTokens)[t.content] = t.id as number;
  });

  // model.vocab: GPT-2 token strings → bytes.
  const tokens: Uint8Array[] = [];
  const idOf = new Map<string, number>();
  for (const [tok, id] of vocabEntries) {
    const f = `model.vocab[${JSON.stringify(tok)}]`;
    if (!Number.isSafeInteger(id) || (id as number) < 0)
      fail(f, `must be a non-negative integer id, got ${id}`);
    if ((id as number) >= limit) fail(f, `has id ${id}, out of range: ${idRule(count)}`);
    const bytes = unicodeToBytes(tok);
    if (bytes === undefined || bytes.length === 0) {
      if (addedContent.has(tok)) continue; // an added token stored in the vocab; it keeps its own id
      fail(f, "is not a byte-level token (a character outside GPT-2's byte ↔ unicode map)");
    }
    const n = id as number;
    if (tokens[n] !== undefined)
      fail(f, `reuses id ${n} (already ${JSON.stringify(bytesToUnicode(tokens[n]))})`);
    tokens[n] = bytes;
    idOf.set(tok, n);
  }

  // model.merges: "a b" or ["a", "b"], in priority order.
  const rawMerges = model.merges;
  if (!Array.isArray(rawMerges))
    fail('model.merges', 'is missing (expected an array of "a b" strings or [a, b] pairs)');
  const seen = new Set<string>();
  const merges = rawMerges.map((m, i): [number, number] => {
    const f = `model.merges[${i}]:`;
    let pair: unknown[];
    if (typeof m === 'string') {
      pair = m.split(' ');
    } else if (Array.isArray(m)) {
      pair = m;
    } else {
      fail(f, `must be a "a b" string or an [a, b] pair, got ${JSON.stringify(m)}`);
    }
    if (pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      fail(f, `must be two tokens, got ${JSON.stringify(m)}`);
    }
    const [a, b] = pair as [string, string];
    const ia = idOf.get(a);
    const ib = idOf.get(b);
    if (ia === undefined) fail(f, `${JSON.stringify(a)} is not in model.vocab`);
    if (ib === undefined) fail(f, `${JSON.stringify(b)} is not in model.vocab`);
    if (!idOf.has(a + b)) fail(f, `merged token ${JSON.stringify(a + b)} is not in model.vocab`);
    const key = `${a} ${b}`;
    if (seen.has(key)) fail(f, `${JSON.stringify(key)} repeats an earlier merge`);
    seen.add(key);
    return [ia, ib];
  });

  const plan = planPreTokenizer(root.pre_tokenizer);
  return new BPETokenizer({
    tokens,
    merges,
    pattern: plan.pattern,
    addPrefixSpace: plan.addPrefixSpace,
    normalization: planNormalizer(root.normalizer),
    wholeTokenFirst: model.ignore_merges === true,
    specialTokens,
    addedTokens,
  });
}

/**
 * Writes a byte-level BPE tokenizer that has a merge list (trained or imported from Hugging
 * Face) as a Hugging Face `tokenizer.json` object (GPT-2 layout).
 */
export function toHFTokenizerJSON(tokenizer: BPETokenizer): object {
  if (tokenizer.merges === undefined) {
    throw new TokenizerError('toHFTokenizerJSON: this tokenizer uses tiktoken ranks and has no merge list');
  }
  const vocab: Record<string, number> = {};
  tokenizer.ordinaryTokens().forEach((t, id) => {
    if (t !== undefined) vocab[bytesToUnicode(t)] = id;
  });
  const name = (id: number) => bytesToUnicode(tokenizer.tokenBytes(id));
  const addedTokens = [
    ...[...tokenizer.specialTokens].map(([content, id]) => ({ content, id, special: true })),
    ...[...tokenizer.addedTokens].map(([content, id]) => ({ content, id, special: false })),
  ]
    .sort((x, y) => x.id - y.id)
    .map(({ content, id, special }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special,
    }));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: tokenizer.addPrefixSpace, trim_offsets: true };
  const preTokenizer =
    tokenizer.pattern === GPT2_PATTERN
      ? { ...byteLevel, use_regex: true }
      : {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: tokenizer.pattern }, behavior: 'Isolated', invert: false },
            { ...byteLevel, use_regex: false },
          ],
        };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: tokenizer.normalization ? { type: tokenizer.normalization } : null,
    pre_tokenizer: preTokenizer,
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
      ignore_merges: tokenizer.wholeTokenFirst,
      vocab,
      merges: tokenizer.merges.map(([a, b]) => [name(a), name(b)]),
    },
  };
}
