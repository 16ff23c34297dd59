/**
 * Checkpoints of a run folder (see run-folder.ts for the folder itself):
 *
 * - `config.json` — the model's GPTConfig; `tokenizer.json` — the tokenizer (Dendrite's JSON).
 *   Written once, at a run's first checkpoint; they never change during a run.
 * - `training-state.safetensors` — everything `--resume` needs in ONE file: weights, AdamW
 *   moments, and (in the header) the iteration, RNG states, settings and the text's fingerprint.
 *   It is the commit point of a checkpoint: written first, atomically.
 * - `model.safetensors` — the weights with nanoGPT's names (what PyTorch reads), written second.
 *
 * Both safetensors files carry the run's identity in their header: the config and the SHA-256 of
 * the tokenizer. Every reader checks it against `config.json` and `tokenizer.json`, so weights
 * can never be paired with the wrong config or vocabulary. A kill between the two writes leaves
 * the state one checkpoint ahead of the weights; `sample` and `eval` then read the weights from
 * the state (the newest of the two wins), and the next `--resume` rewrites `model.safetensors`.
 *
 * Non-finite numbers are never saved: {@link prepareCheckpoint} scans the weights and moments
 * before anything is written and throws a {@link NonFiniteError} instead.
 */
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GPT, validateConfig } from '@dendrite/gpt';
import {
  encodeSafetensors,
  loadSafetensors,
  type SafetensorsEntry,
  toTensors,
  writeFileAtomic,
} from '@dendrite/nn/node';
import type { Optimizer, OptimizerStateDict } from '@dendrite/optim';
import type { Tensor } from '@dendrite/tensor';
import { loadTokenizer, type Tokenizer } from '@dendrite/tokenizer';
import { DivergedError, errnoCode, fsError, UserError, withFsErrors } from './errors.js';
import {
  encodeModelEntries,
  encodeModelWeights,
  FILES,
  identityMetadata,
  type RunIdentity,
  runIdentityFiles,
  STATE_FORMAT,
} from './format.js';
import { decodeTrainerState, encodeTrainerState, type TrainerState } from './trainer-state.js';

export { FILES, type RunIdentity, type TrainerState };

/** Throws when a weights file's header says it belongs to another config or tokenizer. */
async function checkIdentity(
  metadata: Record<string, string>,
  id: RunIdentity,
  path: string,
  dir: string,
): Promise<void> {
  const expected = await identityMetadata(id);
  // Files without the fields (written by other tools) are checked by their tensors' shapes only.
  if (metadata.config !== undefined && metadata.config !== expected.config) {
    throw new UserError(
      `${path} was saved for another model than ${join(dir, FILES.config)} describes (${metadata.config}); the folder was edited by hand? Restore config.json or train a new run`,
    );
  }
  if (metadata.tokenizer_sha256 !== undefined && metadata.tokenizer_sha256 !== expected.tokenizer_sha256) {
    throw new UserError(
      `${path} was saved with another tokenizer than ${join(dir, FILES.tokenizer)}; the folder was edited by hand? Restore tokenizer.json or train a new run`,
    );
  }
}

/** Writes `config.json` and `tokenizer.json` (each atomically). */
export async function writeRunFiles(dir: string, id: RunIdentity): Promise<void> {
  const files = runIdentityFiles(id);
  await writeAtomic(join(dir, FILES.config), files[FILES.config]);
  await writeAtomic(join(dir, FILES.tokenizer), files[FILES.tokenizer]);
}

/** `writeFileAtomic` with file-system errors as one-line {@link UserError}s naming the file. */
export function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  return withFsErrors('write', path, () => writeFileAtomic(path, data), 'the previous file is intact');
}

/** Weights or optimizer moments that are not finite numbers: never written to a checkpoint. */
export class NonFiniteError extends DivergedError {
  constructor(
    /** The tensor holding the first non-finite value. */
    readonly tensor: string,
    /** That value (NaN, Infinity or -Infinity). */
    readonly value: number,
  ) {
    super(`${tensor} holds ${value}`);
    this.name = 'NonFiniteError';
  }
}

/** Each tensor read once (`await t.data()`), as the `{ dtype, shape, data }` entries safetensors encodes. */
async function readEntries(tensors: Record<string, Tensor>): Promise<Record<string, SafetensorsEntry>> {
  const names = Object.keys(tensors);
  const read = await Promise.all(
    names.map(async (name) => {
      const t = tensors[name];
      return { dtype: t.dtype, shape: [...t.shape], data: await t.data() };
    }),
  );
  return Object.fromEntries(names.map((name, i) => [name, read[i]]));
}

/** The first floating-point entry holding a NaN or an infinity, with that value; null when all are finite. */
function nonFiniteEntry(entries: Record<string, SafetensorsEntry>): { name: string; value: number } | null {
  for (const [name, { dtype, data }] of Object.entries(entries)) {
    if (dtype !== 'float32' && dtype !== 'float64') continue;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return { name, value: data[i] };
  }
  return null;
}

/** The first tensor holding a NaN or an infinity, with that value; null when all are finite. */
export async function findNonFinite(
  tensors: Record<string, Tensor>,
): Promise<{ name: string; value: number } | null> {
  return nonFiniteEntry(await readEntries(tensors));
}

/** A checkpoint serialized and checked, ready to write. */
export interface PreparedCheckpoint {
  iter: number;
  /** `training-state.safetensors`. */
  state: Uint8Array;
  /** `model.safetensors`. */
  model: Uint8Array;
}

/**
 * Serializes a checkpoint without writing anything: throws a {@link NonFiniteError} when a weight
 * or optimizer moment is not finite, so a broken checkpoint never reaches the disk (and nothing
 * of the previous one is touched).
 */
export async function prepareCheckpoint(
  model: GPT,
  optimizer: Optimizer,
  state: TrainerState,
  id: RunIdentity,
): Promise<PreparedCheckpoint> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(model.stateDict())) tensors[`model.${name}`] = t;
  const opt = optimizer.stateDict() as OptimizerStateDict;
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, entries] of Object.entries(opt.state)) {
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value === 'number') {
        scalars[index] = { ...scalars[index], [key]: value };
      } else tensors[`optimizer.${index}.${key}`] = value;
    }
  }
  try {
    // Every tensor is read once: scanned, then encoded into both files.
    const entries = await readEntries(tensors);
    const bad = nonFiniteEntry(entries);
    if (bad) throw new NonFiniteError(bad.name.replace(/^model\./, ''), bad.value);
    const identity = await identityMetadata(id);
    const stateBytes = encodeSafetensors(entries, {
      format: STATE_FORMAT,
      trainer: encodeTrainerState(state),
      optimizerScalars: JSON.stringify(scalars),
      optimizerGroups: JSON.stringify(opt.paramGroups),
      ...identity,
    });
    const weights = Object.fromEntries(
      Object.entries(entries)
        .filter(([name]) => name.startsWith('model.'))
        .map(([name, entry]) => [name.slice('model.'.length), entry]),
    );
    const modelBytes = encodeModelEntries(weights, state.iter, identity);
    return { iter: state.iter, state: stateBytes, model: modelBytes };
  } finally {
    for (const [key, t] of Object.entries(tensors)) if (key.startsWith('optimizer.')) t.dispose();
  }
}

/**
 * Writes a prepared checkpoint: the resume state first (the commit point), then the user-facing
 * weights, each file atomically; `between` runs after the first.
 */
export async function writeCheckpoint(
  dir: string,
  prepared: PreparedCheckpoint,
  between?: () => Promise<void>,
): Promise<void> {
  await writeAtomic(join(dir, FILES.state), prepared.state);
  await between?.();
  await writeAtomic(join(dir, FILES.model), prepared.model);
}

/** Writes `model.safetensors`: the weights with nanoGPT's names and the run's identity. */
export async function exportWeights(dir: string, model: GPT, iter: number, id: RunIdentity): Promise<void> {
  await writeAtomic(join(dir, FILES.model), await encodeModelWeights(model, iter, id));
}

async function readJSON(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new UserError(`${what} not found: ${path}`);
    throw fsError(err, 'read', path);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what} is not valid JSON: ${path} (${(err as Error).message})`);
  }
}

/** No checkpoint in `dir` yet: the message `sample`, `eval` and `--resume` share. */
export function noCheckpoint(dir: string): UserError {
  return new UserError(
    `no checkpoint in ${dir} yet: a run writes its first one at its first evaluation (--eval-interval) or when it stops; train first`,
  );
}

/** The config and tokenizer of a run folder, checked against each other. */
export async function loadRunFiles(dir: string): Promise<RunIdentity> {
  if (!existsSync(dir)) throw new UserError(`checkpoint folder not found: ${dir}`);
  if (!existsSync(join(dir, FILES.state)) && !existsSync(join(dir, FILES.model))) throw noCheckpoint(dir);
  const config = validateConfig(
    await readJSON(join(dir, FILES.config), 'config.json'),
    join(dir, FILES.config),
  );
  const tokenizerJSON = await readJSON(join(dir, FILES.tokenizer), 'tokenizer.json');
  let tokenizer: Tokenizer;
  try {
    tokenizer = loadTokenizer(tokenizerJSON as Parameters<typeof loadTokenizer>[0]);
  } catch (err) {
    throw new UserError(`${join(dir, FILES.tokenizer)}: ${(err as Error).message}`);
  }
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new UserError(
      `${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json says vocabSize ${config.vocabSize}`,
    );
  }
  return { config, tokenizer };
}

/**
 * The metadata of a safetensors file, from its header only (the tensors are not read): used to
 * choose between the two checkpoint files before loading one. Undefined when the file is absent.
 */
export async function readMetadata(path: string): Promise<Record<string, string> | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw fsError(err, 'read', path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UserError(`${path} is not a file (a folder?)`);
    const size = info.size;
    const prefix = new Uint8Array(8);
    if (size < 8 || (await handle.read(prefix, 0, 8, 0)).bytesRead < 8)
      throw new UserError(`${path} is not a safetensors file (${size} bytes)`);
    const length = Number(new DataView(prefix.buffer).getBigUint64(0, true));
    if (length > size - 8 || length > 100_000_000)
      throw new UserError(`${path} is not a safetensors file (a header of ${length} bytes in ${size})`);
    const header = new Uint8Array(length);
    await handle.read(header, 0, length, 8);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header));
    } catch {
      throw new UserError(`${path} is not a safetensors file (its header is not JSON)`);
    }
    const metadata = (parsed as { __metadata__?: unknown }).__metadata__;
    return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, string>) : {};
  } catch (err) {
    throw fsError(err, 'read', path);
  } finally {
    await handle.close();
  }
}

/** The iteration a checkpoint file was written at, from its header (−1 when it does not say). */
function iterOf(metadata: Record<string, string>): number {
  if (metadata.format === STATE_FORMAT) {
    try {
      const iter: unknown = JSON.parse(metadata.trainer)?.iter;
      return typeof iter === 'number' && Number.isInteger(iter) ? iter : -1;
    } catch {
      return -1;
    }
  }
  const n = Number(metadata.iter);
  return Number.isInteger(n) ? n : -1;
}

async function loadTensors(path: string): Promise<Record<string, Tensor>> {
  try {
    const { tensors } = await loadSafetensors(path);
    return toTensors({ tensors });
  } catch (err) {
    if (errnoCode(err) !== undefined) throw fsError((err as Error).cause ?? err, 'read', path);
    if (err instanceof Error && err.name === 'SafetensorsError') throw new UserError(err.message);
    throw err;
  }
}

function loadInto(model: GPT, weights: Record<string, Tensor>, path: string): void {
  try {
    model.loadStateDict(weights);
  } catch (err) {
    throw new UserError(
      `${path} does not fit this model (a checkpoint from another config?): ${(err as Error).message}`,
    );
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
}

/** Refuses weights holding NaN or infinities: they would only ever produce NaN. */
async function checkFinite(weights: Record<string, Tensor>, path: string): Promise<void> {
  const bad = await findNonFinite(weights);
  if (bad) {
    for (const t of Object.values(weights)) t.dispose();
    throw new UserError(
      `${path} holds a non-finite weight (${bad.value} in '${bad.name}'): the run had diverged when it was saved; train again with a smaller --lr`,
    );
  }
}

/**
 * Loads the newest usable weights of a run folder into `model`: `model.safetensors`, or the
 * weights inside `training-state.safetensors` when that is newer (a kill between the two writes)
 * or alone (a kill during the first checkpoint). Returns the file and iteration used.
 */
export async function loadWeights(
  dir: string,
  model: GPT,
  id: RunIdentity,
): Promise<{ path: string; iter: number }> {
  const modelPath = join(dir, FILES.model);
  const statePath = join(dir, FILES.state);
  const modelMeta = await readMetadata(modelPath);
  const stateMeta = await readMetadata(statePath);
  if (!modelMeta && !stateMeta) throw noCheckpoint(dir);
  const useState =
    stateMeta !== undefined &&
    stateMeta.format === STATE_FORMAT &&
    (modelMeta === undefined || iterOf(stateMeta) > iterOf(modelMeta));
  const path = useState ? statePath : modelPath;
  const metadata = (useState ? stateMeta : modelMeta) as Record<string, string>;
  await checkIdentity(metadata, id, path, dir);
  const all = await loadTensors(path);
  let weights = all;
  if (useState) {
    weights = {};
    for (const [key, t] of Object.entries(all)) {
      if (key.startsWith('model.')) weights[key.slice('model.'.length)] = t;
      else t.dispose();
    }
  }
  await checkFinite(weights, path);
  loadInto(model, weights, path);
  return { path, iter: iterOf(metadata) };
}

/**
 * The trainer state of a run folder, from the header of `training-state.safetensors` (no tensor
 * is read), checked against the folder's config and tokenizer.
 */
export async function readTrainerState(dir: string, id: RunIdentity): Promise<TrainerState> {
  const path = join(dir, FILES.state);
  const metadata = await readMetadata(path);
  if (!metadata) {
    throw new UserError(
      `cannot resume: ${dir} has weights (${FILES.model}) but no ${FILES.state}, which --resume needs; sample and eval can use it, or start a new run with --overwrite`,
    );
  }
  if (metadata.format !== STATE_FORMAT) {
    throw new UserError(
      `cannot resume: ${path} is not a training state this tiny-gpt reads (format '${metadata.format ?? 'none'}', expected '${STATE_FORMAT}'); start a new run with --overwrite`,
    );
  }
  await checkIdentity(metadata, id, path, dir);
  return decodeTrainerState(metadata.trainer, path);
}

/**
 * The optimizer state dict a training state holds: its groups and per-parameter numbers in the
 * header, its tensors as `optimizer.<index>.<name>` (`T`: however the tensors were read).
 */
export function storedOptimizerState<T>(
  metadata: Record<string, string>,
  tensors: Record<string, T>,
): OptimizerStateDict<number | T> {
  const opt: OptimizerStateDict<number | T> = {
    state: {},
    paramGroups: JSON.parse(metadata.optimizerGroups ?? '[]'),
  };
  const scalars = JSON.parse(metadata.optimizerScalars ?? '{}') as Record<string, Record<string, number>>;
  for (const [index, entries] of Object.entries(scalars)) opt.state[Number(index)] = { ...entries };
  for (const [key, t] of Object.entries(tensors)) {
    if (!key.startsWith('optimizer.')) continue;
    const [, index, name] = key.split('.');
    opt.state[Number(index)] = { ...opt.state[Number(index)], [name]: t };
  }
  return opt;
}

/** Restores weights and optimizer state from `training-state.safetensors`. */
export async function loadTrainingState(dir: string, model: GPT, optimizer: Optimizer): Promise<void> {
  const path = join(dir, FILES.state);
  const metadata = (await readMetadata(path)) ?? {};
  const all = await loadTensors(path);
  const weights: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(all)) {
    if (key.startsWith('model.')) weights[key.slice('model.'.length)] = t;
    else if (!key.startsWith('optimizer.')) t.dispose();
  }
  const opt: OptimizerStateDict = storedOptimizerState(metadata, all);
  await checkFinite(weights, path);
  loadInto(model, weights, path);
  try {
    optimizer.loadStateDict(opt);
  } catch (err) {
    throw new UserError(`${path}: the optimizer state does not fit this model: ${(err as Error).message}`);
  } finally {
    for (const entries of Object.values(opt.state)) {
      for (const v of Object.values(entries)) if (typeof v !== 'number') v.dispose();
    }
  }
}

/** The iteration of `model.safetensors` per its header (−1 when absent or unknown). */
export async function weightsIter(dir: string): Promise<number> {
  const metadata = await readMetadata(join(dir, FILES.model));
  return metadata ? iterOf(metadata) : -1;
}
