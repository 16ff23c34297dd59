import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Backend, type Generator, type Tensor, tensor } from '@dendrite/tensor';
import { builtInCorpus } from './corpus.js';
import { errnoCode, UserError } from './errors.js';
import { decodeText, parseEncoding } from './text.js';

/**
 * Where a run's text came from, stored with the run so `--resume` reads the same text from any
 * directory and notices when it changed.
 */
export interface TextSource {
  /** `built-in` (the corpus shipped with tiny-gpt), an absolute file path, or an http(s) URL. */
  location: string;
  /** The encoding it was decoded with. */
  encoding: string;
  /** Size of the raw bytes. */
  bytes: number;
  /** SHA-256 of the raw bytes, hex. */
  sha256: string;
}

/** A loaded text and where it came from. */
export interface LoadedText {
  text: string;
  /** For messages: the path or URL as given, or `built-in corpus`. */
  name: string;
  source: TextSource;
}

const BUILT_IN = 'built-in';

function fingerprint(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new UserError(`cannot download ${url}: ${(err as Error).message} (are you offline?)`);
  }
  if (!res.ok) throw new UserError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') throw new UserError(`data file not found: ${path}`);
    if (code === 'EISDIR') throw new UserError(`--data must be a file, got a folder: ${path}`);
    if (code === 'ERR_FS_FILE_TOO_LARGE' || code === 'ERR_STRING_TOO_LONG')
      throw new UserError(`data file too large: ${path} (tiny-gpt reads a text of at most 2 GiB)`);
    throw new UserError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/**
 * Reads training text from a file path or an http(s) URL (no source: the built-in corpus),
 * decoded strictly (see {@link decodeText}); returns it with its {@link TextSource}.
 */
export async function loadText(source?: string, options: { encoding?: string } = {}): Promise<LoadedText> {
  const encoding = parseEncoding(options.encoding);
  if (!source) {
    const text = builtInCorpus();
    const bytes = new TextEncoder().encode(text);
    return {
      text,
      name: 'built-in corpus',
      source: { location: BUILT_IN, encoding: 'utf-8', bytes: bytes.length, sha256: fingerprint(bytes) },
    };
  }
  const isUrl = /^https?:\/\//i.test(source);
  const bytes = isUrl ? await fetchBytes(source) : await readBytes(source);
  let text: string;
  try {
    text = decodeText(bytes, encoding, source);
  } catch (err) {
    if (errnoCode(err) === 'ERR_STRING_TOO_LONG')
      throw new UserError(`data too large: ${source} (more characters than a JavaScript string holds)`);
    throw err;
  }
  return {
    text,
    name: source,
    source: {
      location: isUrl ? source : resolve(source),
      encoding,
      bytes: bytes.length,
      sha256: fingerprint(bytes),
    },
  };
}

/**
 * Reads a run's text again on `--resume`: from where it was (or from `given`, when the user
 * points at a copy) and refuses it, naming sizes, when its bytes are not the ones the run
 * started with (the tokenizer and the train/validation split depend on them).
 */
export async function reloadText(saved: TextSource, given: string | undefined): Promise<LoadedText> {
  const location = given ?? (saved.location === BUILT_IN ? undefined : saved.location);
  let loaded: LoadedText;
  try {
    loaded = await loadText(location, { encoding: saved.encoding });
  } catch (err) {
    if (given === undefined && err instanceof UserError)
      throw new UserError(
        `cannot resume: the run's text ${saved.location} cannot be read (${err.message}); pass --data with a copy of it`,
      );
    throw err;
  }
  if (loaded.source.sha256 !== saved.sha256) {
    const where = given === undefined ? `the run's text ${saved.location}` : `--data ${given}`;
    throw new UserError(
      `cannot resume: ${where} is not the text the run was trained on (${loaded.source.bytes.toLocaleString('en-US')} bytes now, ${saved.bytes.toLocaleString('en-US')} then, different SHA-256); pass --data with the original text, or start a new run`,
    );
  }
  return loaded;
}

/** A batch of inputs and next-token targets, `[batch, blockSize]` int32 each. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/**
 * Token ids split into train (first 90%) and validation (last 10%), as nanoGPT does, and
 * batches of random windows: x = ids[i : i+T], y = ids[i+1 : i+T+1].
 */
export class TokenDataset {
  readonly train: Int32Array;
  readonly val: Int32Array;

  constructor(
    ids: ArrayLike<number>,
    readonly blockSize: number,
    valFraction = 0.1,
  ) {
    const all = Int32Array.from(ids);
    const n = Math.floor(all.length * (1 - valFraction));
    this.train = all.subarray(0, n);
    this.val = all.subarray(n);
    for (const [name, split] of [
      ['training', this.train],
      ['validation', this.val],
    ] as const) {
      if (split.length < blockSize + 1) {
        throw new UserError(
          `the corpus has ${all.length} tokens: its ${name} split (${split.length}) is shorter than the block size + 1 (${blockSize + 1}); use more text or a smaller block size`,
        );
      }
    }
  }

  /** Random windows from `split`, drawn with `generator` (so a seed reproduces the order). */
  batch(split: 'train' | 'val', batchSize: number, generator: Generator, backend?: Backend): Batch {
    const data = split === 'train' ? this.train : this.val;
    const T = this.blockSize;
    const x = new Int32Array(batchSize * T);
    const y = new Int32Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const start = generator.nextInt(0, data.length - T);
      x.set(data.subarray(start, start + T), b * T);
      y.set(data.subarray(start + 1, start + T + 1), b * T);
    }
    return {
      x: tensor(x, { shape: [batchSize, T], backend }),
      y: tensor(y, { shape: [batchSize, T], backend }),
    };
  }
}
