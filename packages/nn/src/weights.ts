/**
 * One-call weight files for a module (Node): `saveWeights(model, path)` and
 * `loadWeights(model, path)`, the safetensors files PyTorch's `safetensors.torch` reads and writes.
 */
import { StateDictError } from './errors.js';
import type { LoadStateDictOptions, LoadStateDictResult, Module } from './module.js';
import type { DecodeOptions } from './safetensors/format.js';
import { loadSafetensors, saveSafetensors } from './safetensors/fs.js';

/** Options of {@link loadWeights}: `strict` key matching (default true) and the decoder's limits. */
export interface LoadWeightsOptions extends LoadStateDictOptions, DecodeOptions {}

/** What {@link loadWeights} found: keys it could not match (non-strict loads) and the file's metadata. */
export interface LoadWeightsResult extends LoadStateDictResult {
  /** The file's `__metadata__` strings (`{}` when it has none). */
  metadata: Record<string, string>;
}

/**
 * Loads a safetensors file into `model`'s parameters and buffers, in place (optimizers holding
 * them keep working): each tensor is uploaded straight to its parameter's backend and dtype.
 * Errors name the file: it cannot be read (with the system `code`), it is malformed
 * (`SafetensorsError`), or its tensors do not fit the model (`StateDictError` listing the missing,
 * unexpected and mis-shaped keys). On any error the model is unchanged.
 *
 * @example
 * const { metadata } = await loadWeights(model, 'runs/tiny/model.safetensors');
 */
export async function loadWeights(
  model: Module,
  path: string,
  options: LoadWeightsOptions = {},
): Promise<LoadWeightsResult> {
  const { strict, ...decodeOptions } = options;
  const { tensors, metadata } = await loadSafetensors(path, decodeOptions);
  try {
    return { ...model.loadStateDict({ tensors }, { strict }), metadata };
  } catch (err) {
    if (!(err instanceof StateDictError)) throw err;
    const detail = err.message.replace(/^loadStateDict into [^:]*: /, '');
    throw new StateDictError(
      `loadWeights: '${path}' does not fit ${model.typeName}: ${detail}`,
      err.missingKeys,
      err.unexpectedKeys,
      err.mismatchedKeys,
    );
  }
}

/**
 * Saves `model.stateDict()` as a safetensors file, atomically (a crash leaves the old file or the
 * new one, never a mix), with optional string `metadata`. The folder must exist: a missing one is
 * an error saying so, naming `path`. Tied weights are written under each of their names.
 *
 * @example
 * await saveWeights(model, 'runs/tiny/model.safetensors', { step: '1200' });
 */
export async function saveWeights(
  model: Module,
  path: string,
  metadata?: Record<string, string>,
): Promise<void> {
  await saveSafetensors(path, model.stateDict(), metadata);
}
