/**
 * `tiny-gpt export` and `tiny-gpt import`: a run folder to another tool's layout (nanoGPT's or
 * Hugging Face GPT-2's `config.json` + `model.safetensors`, see `exportGPT` in @dendrite/gpt) and
 * back into a run folder that `sample` and `eval` read. The tokenizer travels beside the weights
 * as `dendrite-tokenizer.json` (a name neither nanoGPT nor Hugging Face reads, so it is never
 * mistaken for theirs). Every file is written atomically.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exportGPT, GPT, GPT_FORMATS, type GPTFormat, importGPT } from '@dendrite/gpt';
import { loadTokenizer, saveTokenizer, type Tokenizer } from '@dendrite/tokenizer';
import { exportWeights, loadRunFiles, loadWeights, writeAtomic, writeRunFiles } from './checkpoint.js';
import { errnoCode, fsError, UserError } from './errors.js';
import { FILES } from './format.js';

/** The tokenizer file an export writes beside the weights. */
export const EXPORTED_TOKENIZER = 'dendrite-tokenizer.json';

/** Options of {@link exportRun} (the flags of `tiny-gpt export`). */
export interface ExportRunOptions {
  /** The run folder to export. */
  ckpt: string;
  format: GPTFormat;
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
  /** The layout (default: detected from `config.json`). */
  format?: GPTFormat;
  /** Dendrite tokenizer JSON (default: `dendrite-tokenizer.json` in `from`). */
  tokenizer?: string;
  /** Replace a run already in `out`. */
  overwrite?: boolean;
}

function checkFormat(format: unknown, flag = '--format'): GPTFormat | undefined {
  if (format === undefined) return undefined;
  if (!GPT_FORMATS.includes(format as GPTFormat)) {
    throw new UserError(`${flag} must be ${GPT_FORMATS.join(' or ')}, got '${String(format)}'`);
  }
  return format as GPTFormat;
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

/** Writes a run folder's model in another tool's layout; returns the files written and the iteration. */
export async function exportRun(options: ExportRunOptions): Promise<{ files: string[]; iter: number }> {
  const format = checkFormat(options.format) as GPTFormat;
  if (format === undefined) throw new UserError(`export needs --format ${GPT_FORMATS.join('|')}`);
  if (resolve(options.out) === resolve(options.ckpt)) {
    throw new UserError(`--out must be another folder than --ckpt (${options.ckpt})`);
  }
  const id = await loadRunFiles(options.ckpt);
  const model = new GPT(id.config);
  const { iter } = await loadWeights(options.ckpt, model, id);
  const exported = await exportGPT(model, format, { metadata: { iter: String(iter) } });
  const names = [FILES.config, FILES.model, EXPORTED_TOKENIZER];
  await prepareOut(options.out, options.overwrite ?? false, names);
  await writeAtomic(join(options.out, FILES.config), exported['config.json']);
  await writeAtomic(join(options.out, FILES.model), exported['model.safetensors']);
  await writeAtomic(join(options.out, EXPORTED_TOKENIZER), saveTokenizer(id.tokenizer));
  return { files: names.map((n) => join(options.out, n)), iter };
}

/** Reads another tool's layout into a new run folder; returns the format read and the iteration. */
export async function importRun(options: ImportRunOptions): Promise<{ format: GPTFormat; iter: number }> {
  const format = checkFormat(options.format);
  if (!existsSync(options.from)) throw new UserError(`--from folder not found: ${options.from}`);
  if (resolve(options.out) === resolve(options.from)) {
    throw new UserError(`--out must be another folder than --from (${options.from})`);
  }
  const configText = (await readInput(join(options.from, FILES.config), 'config.json')).toString('utf8');
  const weights = await readInput(join(options.from, FILES.model), 'model.safetensors');
  const tokenizerPath = options.tokenizer ?? join(options.from, EXPORTED_TOKENIZER);
  const tokenizerText = (
    await readInput(
      tokenizerPath,
      options.tokenizer ? '--tokenizer file' : `${EXPORTED_TOKENIZER} (or pass --tokenizer)`,
    )
  ).toString('utf8');
  let tokenizer: Tokenizer;
  try {
    tokenizer = loadTokenizer(tokenizerText);
  } catch (err) {
    throw new UserError(`${tokenizerPath}: ${(err as Error).message}`);
  }
  const {
    model,
    format: read,
    metadata,
  } = importGPT({ config: configText, weights }, { format, folder: options.from });
  if (tokenizer.vocabSize !== model.config.vocabSize) {
    throw new UserError(
      `${tokenizerPath} has ${tokenizer.vocabSize} tokens but ${join(options.from, FILES.config)} says ${model.config.vocabSize}; a run folder needs them equal`,
    );
  }
  const iter = Number.isSafeInteger(Number(metadata.iter)) ? Number(metadata.iter) : 0;
  const id = { config: model.config, tokenizer };
  await prepareOut(options.out, options.overwrite ?? false, [FILES.config, FILES.model, FILES.state]);
  // A training state left from another run would shadow the imported weights: remove it.
  await rm(join(options.out, FILES.state), { force: true });
  await writeRunFiles(options.out, id);
  await exportWeights(options.out, model, iter, id);
  return { format: read, iter };
}
