/**
 * `tiny-gpt export` and `tiny-gpt import`: a run folder to another tool's layout (nanoGPT's or
 * Hugging Face GPT-2's `config.json` + `model.safetensors`, see `exportGPT` in @dendrite/gpt; or
 * nanoGPT's own `ckpt.pt` and `meta.pkl`, see ./nanogpt-ckpt.ts) and back into a run folder that
 * `sample` and `eval` read. The tokenizer travels beside the weights
 * as `dendrite-tokenizer.json` (a name neither nanoGPT nor Hugging Face reads, so it is never
 * mistaken for theirs). Every file is written atomically.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  exportGPT,
  exportNanoGPTCheckpoint,
  GPT,
  GPT_FORMATS,
  type GPTFormat,
  InteropError,
  importGPT,
  importNanoGPTCheckpoint,
  NANOGPT_CHECKPOINT,
} from '@dendrite/gpt';
import { loadTokenizer, saveTokenizer, type Tokenizer } from '@dendrite/tokenizer';
import { exportWeights, loadRunFiles, loadWeights, writeAtomic, writeRunFiles } from './checkpoint.js';
import { errnoCode, fsError, UserError } from './errors.js';
import { FILES } from './format.js';
import { charMeta, NANOGPT_META, nanoGPTTrainingState, tokenizerFromMeta } from './nanogpt-ckpt.js';

/** The tokenizer file an export writes beside the weights. */
export const EXPORTED_TOKENIZER = 'dendrite-tokenizer.json';

/** The layouts `export` writes and `import` reads: @dendrite/gpt's, and nanoGPT's own `ckpt.pt`. */
export type RunFormat = GPTFormat | 'nanogpt-ckpt';
export const RUN_FORMATS: readonly RunFormat[] = [...GPT_FORMATS, 'nanogpt-ckpt'];

/** Options of {@link exportRun} (the flags of `tiny-gpt export`). */
export interface ExportRunOptions {
  /** The run folder to export. */
  ckpt: string;
  format: RunFormat;
  /** nanogpt-ckpt: `config['dataset']`, the folder of nanoGPT's `data/` for `meta.pkl` (default: --out's name). */
  dataset?: string;
  /** The folder to write (created when missing). */
  out: string;
  /** Replace an export already in `out`. */
  overwrite?: boolean;
}

/** Options of {@link importRun} (the flags of `tiny-gpt import`). */
export interface ImportRunOptions {
  /** A folder with `config.json` and `model.safetensors` in either layout. */
  from: string;
  /** The run folder to write. */
  out: string;
  /** The layout (default: `nanogpt-ckpt` when `from` holds `ckpt.pt` and no `config.json`, else detected from `config.json`). */
  format?: RunFormat;
  /** Dendrite tokenizer JSON (default: `dendrite-tokenizer.json` in `from`, else nanoGPT's `meta.pkl` there). */
  tokenizer?: string;
  /** Replace a run already in `out`. */
  overwrite?: boolean;
}

function checkFormat(format: unknown, flag = '--format'): RunFormat | undefined {
  if (format === undefined) return undefined;
  if (!RUN_FORMATS.includes(format as RunFormat)) {
    const list = `${RUN_FORMATS.slice(0, -1).join(', ')} or ${RUN_FORMATS.at(-1)}`;
    throw new UserError(`${flag} must be ${list}, got '${String(format)}'`);
  }
  return format as RunFormat;
}

async function prepareOut(out: string, overwrite: boolean, files: readonly string[]): Promise<void> {
  const held = files.filter((f) => existsSync(join(out, f)));
  if (held.length > 0 && !overwrite) {
    throw new UserError(`${out} already holds ${held.join(', ')}; choose another --out or pass --overwrite`);
  }
  try {
    await mkdir(out, { recursive: true });
  } catch (err) {
    throw fsError(err, 'create', out);
  }
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new UserError(`${what} not found: ${path}`);
    throw fsError(err, 'read', path);
  }
}

/** What {@link exportRun} wrote. */
export interface ExportedRun {
  files: string[];
  iter: number;
  /** nanogpt-ckpt: the ckpt's dataset name, and whether it holds AdamW state and a meta.pkl was written. */
  nanoGPT?: { dataset: string; optimizer: boolean; meta: boolean };
}

/** Writes a run folder's model in another tool's layout; returns the files written and the iteration. */
export async function exportRun(options: ExportRunOptions): Promise<ExportedRun> {
  const format = checkFormat(options.format) as RunFormat;
  if (format === undefined) throw new UserError(`export needs --format ${RUN_FORMATS.join('|')}`);
  if (resolve(options.out) === resolve(options.ckpt)) {
    throw new UserError(`--out must be another folder than --ckpt (${options.ckpt})`);
  }
  const id = await loadRunFiles(options.ckpt);
  const model = new GPT(id.config);
  const { iter } = await loadWeights(options.ckpt, model, id);
  if (format === 'nanogpt-ckpt') return exportCheckpoint(options, model, iter, id.tokenizer);
  const exported = await exportGPT(model, format, { metadata: { iter: String(iter) } });
  const names = [FILES.config, FILES.model, EXPORTED_TOKENIZER];
  await prepareOut(options.out, options.overwrite ?? false, names);
  await writeAtomic(join(options.out, FILES.config), exported['config.json']);
  await writeAtomic(join(options.out, FILES.model), exported['model.safetensors']);
  await writeAtomic(join(options.out, EXPORTED_TOKENIZER), saveTokenizer(id.tokenizer));
  return { files: names.map((n) => join(options.out, n)), iter };
}

/** `ckpt.pt` (with the run's AdamW state when it is of the same iteration), `meta.pkl` for characters. */
async function exportCheckpoint(
  options: ExportRunOptions,
  model: GPT,
  iter: number,
  tokenizer: Tokenizer,
): Promise<ExportedRun> {
  const dataset = options.dataset ?? basename(resolve(options.out));
  const state = await nanoGPTTrainingState(options.ckpt, iter);
  let bytes: Uint8Array;
  try {
    bytes = await exportNanoGPTCheckpoint(model, {
      iterNum: iter,
      config: { dataset },
      optimizer: state?.optimizer,
      bestValLoss: state?.bestValLoss,
    });
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  const meta = charMeta(tokenizer);
  const names = [NANOGPT_CHECKPOINT, ...(meta ? [NANOGPT_META] : []), EXPORTED_TOKENIZER];
  await prepareOut(options.out, options.overwrite ?? false, names);
  await writeAtomic(join(options.out, NANOGPT_CHECKPOINT), bytes);
  if (meta) await writeAtomic(join(options.out, NANOGPT_META), meta);
  await writeAtomic(join(options.out, EXPORTED_TOKENIZER), saveTokenizer(tokenizer));
  return {
    files: names.map((n) => join(options.out, n)),
    iter,
    nanoGPT: { dataset, optimizer: state !== undefined, meta: meta !== undefined },
  };
}

/** The tokenizer of an import: --tokenizer, else dendrite-tokenizer.json, else nanoGPT's meta.pkl in `from`. */
async function importTokenizer(options: ImportRunOptions): Promise<{ tokenizer: Tokenizer; path: string }> {
  const meta = join(options.from, NANOGPT_META);
  if (
    options.tokenizer === undefined &&
    !existsSync(join(options.from, EXPORTED_TOKENIZER)) &&
    existsSync(meta)
  ) {
    return { tokenizer: tokenizerFromMeta(await readInput(meta, NANOGPT_META), meta), path: meta };
  }
  const path = options.tokenizer ?? join(options.from, EXPORTED_TOKENIZER);
  const text = (
    await readInput(
      path,
      options.tokenizer
        ? '--tokenizer file'
        : `${EXPORTED_TOKENIZER} (or ${NANOGPT_META}, or pass --tokenizer)`,
    )
  ).toString('utf8');
  try {
    return { tokenizer: loadTokenizer(text), path };
  } catch (err) {
    throw new UserError(`${path}: ${(err as Error).message}`);
  }
}

/** Reads another tool's layout into a new run folder; returns the format read and the iteration. */
export async function importRun(options: ImportRunOptions): Promise<{ format: RunFormat; iter: number }> {
  let format = checkFormat(options.format);
  if (!existsSync(options.from)) throw new UserError(`--from folder not found: ${options.from}`);
  if (resolve(options.out) === resolve(options.from)) {
    throw new UserError(`--out must be another folder than --from (${options.from})`);
  }
  if (
    format === undefined &&
    existsSync(join(options.from, NANOGPT_CHECKPOINT)) &&
    !existsSync(join(options.from, FILES.config))
  ) {
    format = 'nanogpt-ckpt';
  }
  if (format === 'nanogpt-ckpt') return importCheckpoint(options);
  const configText = (await readInput(join(options.from, FILES.config), 'config.json')).toString('utf8');
  const weights = await readInput(join(options.from, FILES.model), 'model.safetensors');
  const tokenizer = await importTokenizer(options);
  const {
    model,
    format: read,
    metadata,
  } = importGPT({ config: configText, weights }, { format, folder: options.from });
  const iter = Number.isSafeInteger(Number(metadata.iter)) ? Number(metadata.iter) : 0;
  await writeImported(options, model, tokenizer, join(options.from, FILES.config), iter);
  return { format: read, iter };
}

/** nanoGPT's `ckpt.pt` (and its `meta.pkl`) into a run folder. */
async function importCheckpoint(options: ImportRunOptions): Promise<{ format: RunFormat; iter: number }> {
  const path = join(options.from, NANOGPT_CHECKPOINT);
  const bytes = await readInput(path, NANOGPT_CHECKPOINT);
  const tokenizer = await importTokenizer(options);
  let imported: ReturnType<typeof importNanoGPTCheckpoint>;
  try {
    imported = importNanoGPTCheckpoint(bytes, { file: path });
  } catch (err) {
    if (err instanceof InteropError) throw new UserError(err.message);
    throw err;
  }
  await writeImported(options, imported.model, tokenizer, `${path} (model_args)`, imported.iterNum);
  return { format: 'nanogpt-ckpt', iter: imported.iterNum };
}

/** Checks the tokenizer against the model and writes the run folder. */
async function writeImported(
  options: ImportRunOptions,
  model: GPT,
  tokenizer: { tokenizer: Tokenizer; path: string },
  configSource: string,
  iter: number,
): Promise<void> {
  if (tokenizer.tokenizer.vocabSize !== model.config.vocabSize) {
    throw new UserError(
      `${tokenizer.path} has ${tokenizer.tokenizer.vocabSize} tokens but ${configSource} says ${model.config.vocabSize}; a run folder needs them equal`,
    );
  }
  const id = { config: model.config, tokenizer: tokenizer.tokenizer };
  await prepareOut(options.out, options.overwrite ?? false, [FILES.config, FILES.model, FILES.state]);
  // A training state left from another run would shadow the imported weights: remove it.
  await rm(join(options.out, FILES.state), { force: true });
  await writeRunFiles(options.out, id);
  await exportWeights(options.out, model, iter, id);
}
