// Tokenizer benchmark: encode throughput and BPE training time, each beside a naive baseline
// measured in the same run. Runs on the built package (`pnpm build` first; `pnpm bench` in turbo
// builds it). Corpus: ../shared/data/tinyshakespeare.txt when present, else generated text.
// Set DENDRITE_GPT2_TIKTOKEN to add a row for the real GPT-2 vocabulary.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(dist))) {
  console.error('bench: dist/ is missing; run `pnpm build` in packages/tokenizer first.');
  process.exit(1);
}
const {
  CL100K_PATTERN,
  GPT2_PATTERN,
  GPT2_SPECIAL_TOKENS,
  compilePattern,
  compileSplitter,
  forEachPiece,
  loadTiktoken,
  pretokenize,
  trainBPE,
} = await import(dist.href);

// ---- corpus ---------------------------------------------------------------------------------
const shakespeare = fileURLToPath(new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url));
let corpus;
let corpusName;
if (existsSync(shakespeare)) {
  corpus = readFileSync(shakespeare, 'utf8');
  corpusName = 'tinyshakespeare.txt';
} else {
  // Pseudo-English from a fixed word list and a seeded LCG, about 1 MB.
  const words =
    'the of and to in a is that for it as was with be by on not he I this are or his from at which but have an they you were her she there one all we their'.split(
      ' ',
    );
  let s = 12345;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const parts = [];
  let n = 0;
  while (n < 1_000_000) {
    const w = words[Math.floor(rnd() * words.length)];
    const sep = rnd() < 0.08 ? '.\n' : rnd() < 0.1 ? ', ' : ' ';
    parts.push(w, sep);
    n += w.length + sep.length;
  }
  corpus = parts.join('');
  corpusName = 'generated text';
}
const MB = new TextEncoder().encode(corpus).length / 1e6;

const time = (fn) => {
  const t0 = performance.now();
  const result = fn();
  return { ms: performance.now() - t0, result };
};

// ---- baselines ------------------------------------------------------------------------------
/** Naive trainer: recount every pair over every distinct pre-token before each merge. */
function naiveTrain(text, nMerges, pattern) {
  const counts = new Map();
  for (const p of pretokenize(text, compilePattern(pattern))) counts.set(p, (counts.get(p) ?? 0) + 1);
  let words = [...counts].map(([w, c]) => ({ ids: [...new TextEncoder().encode(w)], c }));
  const merges = [];
  let next = 256;
  while (merges.length < nMerges) {
    const stats = new Map();
    for (const { ids, c } of words)
      for (let i = 0; i + 1 < ids.length; i++) {
        const k = ids[i] * 65536 + ids[i + 1];
        stats.set(k, (stats.get(k) ?? 0) + c);
      }
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of stats)
      if (c > bestCount || (c === bestCount && k < best)) [best, bestCount] = [k, c];
    if (best < 0 || bestCount < 2) break;
    const a = Math.floor(best / 65536);
    const b = best % 65536;
    merges.push([a, b]);
    const id = next++;
    words = words.map(({ ids, c }) => {
      const out = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(ids[i]);
      }
      return { ids: out, c };
    });
  }
  return merges;
}

/** Naive encoder: per pre-token, recompute every adjacent pair's rank after each merge; no cache. */
function naiveEncoder(tok) {
  const rank = new Map();
  tok.merges.forEach(([a, b], i) => {
    rank.set(a * 65536 + b, i);
  });
  const mergedId = tok.merges.map(([a, b]) => tok.idOfBytes([...tok.tokenBytes(a), ...tok.tokenBytes(b)]));
  const regex = compilePattern(tok.pattern);
  return (text) => {
    const out = [];
    for (const piece of pretokenize(text, regex)) {
      let ids = [...new TextEncoder().encode(piece)];
      for (;;) {
        let best = Infinity;
        let at = -1;
        for (let i = 0; i + 1 < ids.length; i++) {
          const r = rank.get(ids[i] * 65536 + ids[i + 1]);
          if (r !== undefined && r < best) [best, at] = [r, i];
        }
        if (at < 0) break;
        const merged = mergedId[best];
        const next = [];
        for (let i = 0; i < ids.length; i++) {
          if (i + 1 < ids.length && rank.get(ids[i] * 65536 + ids[i + 1]) === best) {
            next.push(merged);
            i++;
          } else next.push(ids[i]);
        }
        ids = next;
      }
      out.push(...ids);
    }
    return out;
  };
}

// ---- runs -----------------------------------------------------------------------------------
const rows = [];
const fmt = (x, unit) => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ${unit}`;

const trained = {};
for (const vocabSize of [512, 4096]) {
  const { ms, result } = time(() => trainBPE(corpus, { vocabSize, pattern: GPT2_PATTERN }));
  trained[vocabSize] = result;
  const nMerges = result.merges.length;
  const K = 12;
  const probe = time(() => naiveTrain(corpus, K, GPT2_PATTERN));
  const agree = JSON.stringify(probe.result) === JSON.stringify(result.merges.slice(0, K));
  const naiveMs = (probe.ms / K) * nMerges;
  rows.push([
    `train BPE, vocab ${vocabSize} (${nMerges} merges)`,
    fmt(ms / 1000, 's'),
    `${fmt(naiveMs / 1000, 's')} naive recount (extrapolated from ${K} merges${agree ? '' : '; MERGES DIFFER'})`,
    `${(naiveMs / ms).toFixed(0)}×`,
  ]);
}

const tok = trained[4096];
const cold = time(() => tok.encode(corpus));
const warm = time(() => tok.encode(corpus));
const slice = corpus.slice(0, 200_000);
const sliceMB = new TextEncoder().encode(slice).length / 1e6;
const naive = naiveEncoder(tok);
const base = time(() => naive(slice));
const same = JSON.stringify(base.result) === JSON.stringify(tok.encode(slice));
const baseRate = sliceMB / (base.ms / 1000);
rows.push([
  'encode, vocab 4096, first pass',
  fmt(MB / (cold.ms / 1000), 'MB/s'),
  `${fmt(baseRate, 'MB/s')} naive, no cache (on ${fmt(sliceMB, 'MB')}${same ? '' : '; IDS DIFFER'})`,
  `${(MB / (cold.ms / 1000) / baseRate).toFixed(1)}×`,
]);
rows.push([
  'encode, vocab 4096, warm cache',
  fmt(MB / (warm.ms / 1000), 'MB/s'),
  'same baseline',
  `${(MB / (warm.ms / 1000) / baseRate).toFixed(1)}×`,
]);
const dec = time(() => tok.decode(cold.result));
rows.push(['decode, vocab 4096', fmt(MB / (dec.ms / 1000), 'MB/s'), '', '']);

if (process.env.DENDRITE_GPT2_TIKTOKEN) {
  const gpt2 = loadTiktoken(readFileSync(process.env.DENDRITE_GPT2_TIKTOKEN, 'utf8'), {
    pattern: GPT2_PATTERN,
    specialTokens: GPT2_SPECIAL_TOKENS,
  });
  const g = time(() => gpt2.encodeOrdinary(corpus));
  rows.push(['encode, real GPT-2 ranks, first pass', fmt(MB / (g.ms / 1000), 'MB/s'), '', '']);
}

// ---- pre-tokenisers for untrusted patterns --------------------------------------------------
// A pattern outside the native allow-list runs on the linear-time matcher: its speed beside the
// native engine on the same pattern (the Llama 3 pattern with `\s+$` added, so not allow-listed).
const split = (fn) => {
  let n = 0;
  fn((p) => {
    n += p.length;
  });
  return n;
};
const OTHER = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]+|\s+(?!\S)|\s+`;
const linearSplit = compileSplitter(OTHER);
const nativeSplit = compilePattern(OTHER);
const bestOf3 = (fn) => ({ ms: Math.min(...[0, 1, 2].map(() => time(fn).ms)) });
split((fn) => linearSplit.forEachPiece(corpus, fn)); // warm up both
split((fn) => forEachPiece(corpus, nativeSplit, fn));
const lin = bestOf3(() => split((fn) => linearSplit.forEachPiece(corpus, fn)));
const nat = bestOf3(() => split((fn) => forEachPiece(corpus, nativeSplit, fn)));
rows.push([
  'pre-tokenise, linear-time matcher',
  fmt(MB / (lin.ms / 1000), 'MB/s'),
  `${fmt(MB / (nat.ms / 1000), 'MB/s')} native RegExp, same pattern`,
  `${(nat.ms / lin.ms).toFixed(2)}×`,
]);

// Scaling: splitting a run 4× longer must take about 4× the time (quadratic would be 16×). The
// worst ratio over runs of spaces, newlines, letters, capitals, digits, Thai and punctuation.
const O200K = String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const runs = [' ', '\n', ' \n', 'a', 'A', '1', 'ก', '!'];
for (const [name, pattern] of [
  ['GPT-2 (native)', GPT2_PATTERN],
  ['cl100k_base (native)', CL100K_PATTERN],
  ['o200k_base (native)', O200K],
  ['(a+)+b (linear matcher)', '(a+)+b'],
  ['\\s+$|\\s (linear matcher)', String.raw`\s+$|\s`],
]) {
  const splitter = compileSplitter(pattern);
  let worst = 0;
  let worstRun = '';
  for (const r of runs) {
    const short = `${r.repeat(100_000 / r.length)}x`;
    const long = `${r.repeat(400_000 / r.length)}x`;
    split((fn) => splitter.forEachPiece(short, fn));
    const a = bestOf3(() => split((fn) => splitter.forEachPiece(short, fn))).ms;
    const b = bestOf3(() => split((fn) => splitter.forEachPiece(long, fn))).ms;
    if (b / a > worst) [worst, worstRun] = [b / a, JSON.stringify(r)];
  }
  rows.push([
    `pre-tokenise 4× longer runs, ${name}`,
    `${worst.toFixed(1)}× time (worst: ${worstRun})`,
    '4× is linear',
    '',
  ]);
}

// ---- table ----------------------------------------------------------------------------------
console.log(`\n@dendrite/tokenizer bench — ${corpusName}, ${fmt(MB, 'MB')}, Node ${process.versions.node}\n`);
const header = ['task', 'dendrite', 'baseline (same run)', 'speed-up'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log('');
