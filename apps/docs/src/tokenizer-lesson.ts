/**
 * The tokenizer lesson: the same text as characters, UTF-8 bytes and BPE tokens; byte-pair
 * encoding trained one merge at a time (the merges are `trainBPE`'s, reported by its `onMerge`
 * callback, and the pair-count table beside them is recounted here so the learner sees every
 * candidate); the ids one sentence gets under several tokenizers; and the quirks of language
 * models that tokenization explains.
 */
import {
  BPETokenizer,
  CharTokenizer,
  CL100K_PATTERN,
  CL100K_SPECIAL_TOKENS,
  compileSplitter,
  encodeUtf8,
  GPT2_PATTERN,
  GPT2_SPECIAL_TOKENS,
  GPT4_PATTERN,
  loadHFTokenizer,
  loadTiktoken,
  PAIR_BASE,
  parseTiktokenRanks,
  type Tokenizer,
  toWellFormed,
  trainBPE,
} from '@dendrite/tokenizer';

/** The pre-tokenisers the trainer demo offers: tiktoken's patterns, and no split at all. */
export const PATTERNS = {
  gpt4: { label: 'GPT-4 (cl100k_base)', pattern: GPT4_PATTERN },
  gpt2: { label: 'GPT-2', pattern: GPT2_PATTERN },
  none: { label: 'none: the whole text is one piece', pattern: String.raw`[\s\S]+` },
} as const;

export type PatternName = keyof typeof PATTERNS;

// ---------------------------------------------------------------------------------------------
// Showing bytes and tokens

/** Two hex digits, upper case: `C3`. */
export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

const strict = new TextDecoder('utf-8', { fatal: true });
const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥', '\r': '␍' };

/**
 * A token's bytes as a learner can read them: whole UTF-8 characters as themselves (a space as
 * ␣, a newline as ↵) and any byte that is only part of a character as `‹E2›`.
 */
export function showBytes(bytes: ArrayLike<number>): string {
  const b = Uint8Array.from(bytes as ArrayLike<number>);
  let out = '';
  let i = 0;
  while (i < b.length) {
    const lead = b[i];
    const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    let ch: string | undefined;
    if (size > 0 && i + size <= b.length) {
      try {
        ch = strict.decode(b.subarray(i, i + size));
      } catch {
        ch = undefined;
      }
    }
    if (ch === undefined) {
      out += `‹${hex(lead)}›`;
      i++;
    } else {
      out += VISIBLE[ch] ?? ch;
      i += size;
    }
  }
  return out;
}

/** One character (code point) and its UTF-8 bytes. */
export interface CharView {
  char: string;
  bytes: number[];
}

/** The text's characters (code points, as `CharTokenizer` counts them), each with its UTF-8 bytes. */
export function charsAndBytes(text: string): CharView[] {
  return [...toWellFormed(text)].map((char) => ({ char, bytes: [...encodeUtf8(char)] }));
}

/** One token of an encoded text. */
export interface TokenView {
  id: number;
  bytes: number[];
  /** {@link showBytes} of the token. */
  shown: string;
}

/** The tokens `tok` gives `text` (special-token text is ordinary text here). */
export function tokenViews(tok: Tokenizer, text: string): TokenView[] {
  return tok.encodeOrdinary(text).map((id) => {
    const bytes = [...tok.tokenBytes(id)];
    return { id, bytes, shown: showBytes(bytes) };
  });
}

/** Each character's id under a character tokenizer, or null for a character it has never seen. */
export function charIds(tok: CharTokenizer, text: string): { char: string; id: number | null }[] {
  return [...text].map((char) => {
    try {
      return { char, id: tok.encodeOrdinary(char)[0] };
    } catch {
      return { char, id: null };
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Training, one merge at a time

/** What `trainBPE`'s `onMerge` reports after each merge. */
export interface MergeEvent {
  merge: number;
  left: number;
  right: number;
  token: number;
  count: number;
}

/** A trained tokenizer and the merges `trainBPE` reported, in order. */
export interface TrainedBPE {
  tokenizer: BPETokenizer;
  events: MergeEvent[];
  pattern: string;
}

/** `trainBPE` with its `onMerge` events recorded. */
export function trainWithEvents(
  text: string | readonly string[],
  vocabSize: number,
  pattern: string = GPT4_PATTERN,
): TrainedBPE {
  const events: MergeEvent[] = [];
  const tokenizer = trainBPE(text, { vocabSize, pattern, onMerge: (e) => events.push({ ...e }) });
  return { tokenizer, events, pattern };
}

/**
 * The tokenizer after the first `k` merges of a training run: the 256 bytes, the tokens those
 * merges created and their merge list, as a `BPETokenizer`. Training is greedy, so this is what
 * `trainBPE` gives when asked for that vocabulary size.
 */
export function tokenizerAfter(trained: TrainedBPE, k: number): BPETokenizer {
  const events = trained.events.slice(0, Math.max(0, Math.min(k, trained.events.length)));
  let size = 256;
  const merges: [number, number][] = [];
  const seen = new Set<string>();
  for (const e of events) {
    size = Math.max(size, e.token + 1);
    const key = `${e.left},${e.right}`;
    if (!seen.has(key)) {
      seen.add(key);
      merges.push([e.left, e.right]);
    }
  }
  const tokens = Array.from({ length: size }, (_, id) => trained.tokenizer.tokenBytes(id));
  return new BPETokenizer({ tokens, merges, pattern: trained.pattern, wholeTokenFirst: false });
}

/** The pre-tokens of `text` under `pattern`, in order (they concatenate back to the text). */
export function pieces(text: string, pattern: string): string[] {
  const out: string[] = [];
  compileSplitter(pattern).forEachPiece(toWellFormed(text), (p) => out.push(p));
  return out;
}

/** A pair of neighbouring tokens and how often it occurs (weighted by how often its piece does). */
export interface PairCount {
  left: number;
  right: number;
  count: number;
}

/** One step of the trainer: the table it chose from, and the merge `trainBPE` made. */
export interface MergeStep {
  /** 1 for the first merge. */
  step: number;
  left: number;
  right: number;
  /** The new token's id (an earlier id when these bytes are already a token). */
  token: number;
  /** The count `trainBPE` reported for the pair it merged. */
  count: number;
  /** The most frequent pairs just before this merge, counted over the pieces (best first). */
  top: PairCount[];
  /** Whether the merge made no new token (its bytes were already one). */
  reused: boolean;
  /** Tokens in the whole text after this merge. */
  length: number;
  /** Tokens in the vocabulary after this merge. */
  vocabSize: number;
}

/** A training run on a learner's text, merge by merge. */
export interface BPETrace {
  trained: TrainedBPE;
  /** The text's pre-tokens, in order. */
  pieces: string[];
  /** Tokens in the text before any merge (its UTF-8 bytes). */
  bytes: number;
  steps: MergeStep[];
  /** The pair table after the last merge: what training would look at next. */
  next: PairCount[];
  /** Why training stopped before the asked number of merges, or '' when it did not. */
  stopped: '' | 'every piece is one token' | 'no pair occurs twice';
}

/** Every neighbouring pair in the words, counted (words weighted by their frequency), keyed `left·2^26 + right`. */
export function countPairs(words: readonly number[][], freq: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  words.forEach((w, i) => {
    for (let j = 0; j + 1 < w.length; j++) {
      const key = w[j] * PAIR_BASE + w[j + 1];
      counts.set(key, (counts.get(key) ?? 0) + freq[i]);
    }
  });
  return counts;
}

/** Whether pair a ranks before pair b under `trainBPE`'s rule: higher count, then smaller left id, then smaller right id. */
function before(a: PairCount, b: PairCount): boolean {
  return (
    a.count > b.count ||
    (a.count === b.count && (a.left < b.left || (a.left === b.left && a.right < b.right)))
  );
}

/** The `top` best pairs of a count table, best first, by `trainBPE`'s rule (see {@link countPairs}). */
export function rankPairs(counts: ReadonlyMap<number, number>, top = 8): PairCount[] {
  const best: PairCount[] = [];
  for (const [key, count] of counts) {
    const p = { left: Math.floor(key / PAIR_BASE), right: key % PAIR_BASE, count };
    if (best.length >= top && !before(p, best[best.length - 1])) continue;
    let i = best.length;
    while (i > 0 && before(p, best[i - 1])) i--;
    best.splice(i, 0, p);
    if (best.length > top) best.pop();
  }
  return best;
}

/** Replaces every (left, right) in `word` by `token`, scanning left to right (as training does). */
export function applyMerge(word: readonly number[], left: number, right: number, token: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
      out.push(token);
      i++;
    } else out.push(word[i]);
  }
  return out;
}

/**
 * Trains a BPE of `256 + merges` tokens on `text` with `trainBPE`, and replays its merges on the
 * text's pieces to show, before each one, the table of pair counts it was chosen from.
 */
export function traceBPE(
  text: string,
  options: { merges: number; pattern?: string; top?: number },
): BPETrace {
  const pattern = options.pattern ?? GPT4_PATTERN;
  const top = options.top ?? 8;
  const trained = trainWithEvents(text, 256 + options.merges, pattern);
  const order = pieces(text, pattern);
  const index = new Map<string, number>();
  const words: number[][] = [];
  const freq: number[] = [];
  for (const p of order) {
    const i = index.get(p);
    if (i === undefined) {
      index.set(p, words.length);
      words.push([...encodeUtf8(p)]);
      freq.push(1);
    } else freq[i]++;
  }
  const length = () => words.reduce((sum, w, i) => sum + w.length * freq[i], 0);
  const bytes = length();
  const steps: MergeStep[] = [];
  let vocabSize = 256;
  trained.events.forEach((e, i) => {
    const table = rankPairs(countPairs(words, freq), top);
    for (let w = 0; w < words.length; w++) words[w] = applyMerge(words[w], e.left, e.right, e.token);
    const reused = e.token < vocabSize;
    if (!reused) vocabSize = e.token + 1;
    steps.push({ step: i + 1, ...e, top: table, reused, length: length(), vocabSize });
  });
  const next = rankPairs(countPairs(words, freq), top);
  const stopped =
    steps.length >= options.merges
      ? ''
      : next.length === 0
        ? 'every piece is one token'
        : 'no pair occurs twice';
  return { trained, pieces: order, bytes, steps, next, stopped };
}

/** The text's tokens after the first `k` merges, grouped by the piece they come from. */
export function tokensByPiece(trace: BPETrace, k: number): TokenView[][] {
  const tok = tokenizerAfter(trace.trained, k);
  const views = tokenViews(tok, trace.pieces.join(''));
  const out: TokenView[][] = [];
  let v = 0;
  for (const piece of trace.pieces) {
    const size = encodeUtf8(piece).length;
    const group: TokenView[] = [];
    let got = 0;
    while (got < size && v < views.length) {
      got += views[v].bytes.length;
      group.push(views[v++]);
    }
    out.push(group);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The course's own tokenizers

/** The course corpus cut into training text (the first 90%) and held-out text (the rest). */
export function splitCorpus(corpus: string): { train: string; heldOut: string } {
  let cut = corpus.indexOf('\n\n', Math.floor(corpus.length * 0.9));
  if (cut < 0) cut = Math.floor(corpus.length * 0.9);
  return { train: corpus.slice(0, cut), heldOut: corpus.slice(cut) };
}

/** One row of the vocabulary-size trade-off table. */
export interface VocabRow {
  name: string;
  vocabSize: number;
  /** Tokens for the held-out text. */
  tokens: number;
  charsPerToken: number;
  /** Parameters of a token-embedding table this wide (the LM head shares it). */
  embedding: number;
}

/** Width of GPT-2 small, used to price a vocabulary in embedding parameters. */
export const EMBED_WIDTH = 768;

/**
 * Sequence length against vocabulary size on held-out course text: characters, bytes, and BPEs
 * of growing size (each the first merges of one `trainBPE` run on the training text).
 */
export function vocabTradeoff(corpus: string, sizes: readonly number[], trained: TrainedBPE): VocabRow[] {
  const { heldOut } = splitCorpus(corpus);
  const nChars = [...heldOut].length;
  const row = (name: string, vocabSize: number, tokens: number): VocabRow => ({
    name,
    vocabSize,
    tokens,
    charsPerToken: nChars / tokens,
    embedding: vocabSize * EMBED_WIDTH,
  });
  const chars = CharTokenizer.fromCorpus(corpus);
  const rows = [
    row('characters', chars.vocabSize, chars.encodeOrdinary(heldOut).length),
    row('bytes (BPE, no merges)', 256, encodeUtf8(heldOut).length),
  ];
  for (const size of sizes) {
    const tok = tokenizerAfter(trained, size - 256);
    rows.push(row(`BPE, ${size - 256} merges`, tok.vocabSize, tok.encodeOrdinary(heldOut).length));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Loading a tokenizer file the learner provides

/** A tokenizer read from a file, and what it was recognised as. */
export interface LoadedTokenizer {
  tokenizer: BPETokenizer;
  /** e.g. 'GPT-2 (r50k_base), tiktoken rank file'. */
  description: string;
}

/**
 * Reads a tiktoken `.tiktoken` rank file or a Hugging Face `tokenizer.json` with the library's
 * loaders. A rank file does not name its pre-tokeniser: one of cl100k_base's size gets the GPT-4
 * pattern and special tokens, GPT-2's size (50,256 ranks) gets GPT-2's special token, and every
 * other file GPT-2's pattern.
 */
export function loadTokenizerFile(name: string, text: string): LoadedTokenizer {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    const tokenizer = loadHFTokenizer(text);
    return {
      tokenizer,
      description: `${name}: a Hugging Face tokenizer.json, ${tokenizer.mergeableCount.toLocaleString('en-US')} tokens and ${tokenizer.merges?.length.toLocaleString('en-US')} merges`,
    };
  }
  const count = parseTiktokenRanks(text).filter((t) => t !== undefined).length;
  const n = count.toLocaleString('en-US');
  if (count === 100256) {
    const tokenizer = loadTiktoken(text, { pattern: CL100K_PATTERN, specialTokens: CL100K_SPECIAL_TOKENS });
    return { tokenizer, description: `${name}: cl100k_base (GPT-4), a tiktoken rank file of ${n} tokens` };
  }
  const gpt2 = count === 50256;
  const tokenizer = loadTiktoken(text, {
    pattern: GPT2_PATTERN,
    specialTokens: gpt2 ? GPT2_SPECIAL_TOKENS : undefined,
  });
  return {
    tokenizer,
    description: gpt2
      ? `${name}: GPT-2 (r50k_base), a tiktoken rank file of ${n} tokens`
      : `${name}: a tiktoken rank file of ${n} tokens, split with GPT-2's pattern`,
  };
}

// ---------------------------------------------------------------------------------------------
// Quirks

/** How a word reaches the model: its tokens with and without a leading space, and its letters. */
export function spelling(
  tok: Tokenizer,
  word: string,
  letter: string,
): { bare: TokenView[]; spaced: TokenView[]; letters: number; occurrences: number } {
  const l = letter.toLowerCase();
  const chars = [...word];
  return {
    bare: tokenViews(tok, word),
    spaced: tokenViews(tok, ` ${word}`),
    letters: chars.length,
    occurrences: l === '' ? 0 : chars.filter((c) => c.toLowerCase() === l).length,
  };
}

/** Sentences written for this lesson, one meaning in several scripts. */
export const LANGUAGES: readonly { language: string; text: string }[] = [
  { language: 'English', text: 'The model reads tokens, not letters.' },
  { language: 'French', text: 'Le modèle lit des jetons, pas des lettres.' },
  { language: 'German', text: 'Das Modell liest Tokens, keine Buchstaben.' },
  { language: 'Greek', text: 'Το μοντέλο διαβάζει σύμβολα, όχι γράμματα.' },
  { language: 'Russian', text: 'Модель читает токены, а не буквы.' },
  { language: 'Hindi', text: 'मॉडल अक्षर नहीं, टोकन पढ़ता है।' },
  { language: 'Chinese', text: '模型读的是词元，不是字母。' },
  { language: 'Japanese', text: 'モデルは文字ではなくトークンを読む。' },
];

/** Characters, bytes and tokens of a text, and tokens per character. */
export interface Cost {
  chars: number;
  bytes: number;
  tokens: number;
  tokensPerChar: number;
}

/** What `text` costs in tokens under `tok`. */
export function cost(tok: Tokenizer, text: string): Cost {
  const chars = [...text].length;
  const tokens = tok.encodeOrdinary(text).length;
  return { chars, bytes: encodeUtf8(text).length, tokens, tokensPerChar: chars === 0 ? 0 : tokens / chars };
}

/** A word as it appears at the start of a text and after a space, in three casings. */
export function variants(word: string): string[] {
  const w = word.trim();
  const lower = w.toLowerCase();
  const capital = lower.charAt(0).toUpperCase() + lower.slice(1);
  const forms = [lower, capital, w.toUpperCase()];
  return [...new Set(forms.flatMap((f) => [f, ` ${f}`]))];
}

// ---------------------------------------------------------------------------------------------
// The tokenizers every demo of the lesson shares

/** Vocabulary size of the lesson's English BPE, and the sizes of the trade-off table. */
export const COURSE_BPE_SIZE = 2048;
export const TRADEOFF_SIZES: readonly number[] = [512, 1024, 2048];

/** The course's character tokenizer (the capstone's) and a BPE trained on the course's English text. */
export interface CourseTokenizers {
  chars: CharTokenizer;
  /** One `trainBPE` run of {@link COURSE_BPE_SIZE} tokens on the training part of the corpus. */
  trained: TrainedBPE;
  bpe: BPETokenizer;
  tradeoff: VocabRow[];
}

let memo: { corpus: string; value: CourseTokenizers } | undefined;

/** The course tokenizers for `corpus`, trained once per page (a few hundred milliseconds). */
export function courseTokenizers(corpus: string): CourseTokenizers {
  if (memo?.corpus !== corpus) {
    const trained = trainWithEvents(splitCorpus(corpus).train, COURSE_BPE_SIZE);
    memo = {
      corpus,
      value: {
        chars: CharTokenizer.fromCorpus(corpus),
        trained,
        bpe: trained.tokenizer,
        tradeoff: vocabTradeoff(corpus, TRADEOFF_SIZES, trained),
      },
    };
  }
  return memo.value;
}
