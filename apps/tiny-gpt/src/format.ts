/**
 * The run folder's format, without a file system: the file names, the formats written in the
 * safetensors headers, the run's identity (config + tokenizer SHA-256) that every reader checks,
 * and the bytes of `config.json`, `tokenizer.json` and `model.safetensors` for a model in memory.
 * Nothing here imports a Node module (the SHA-256 is Web Crypto's, global in Node ≥ 20 and in
 * browsers and their workers), so a page can write a folder that `tiny-gpt sample` and `eval`
 * read: `import { runFolderFiles } from 'tiny-gpt/format'`. checkpoint.ts writes the same bytes
 * to disk.
 */
import type { GPT, GPTConfig } from '@dendrite/gpt';
import { encodeSafetensors, type SafetensorsEntry, serializeStateDict } from '@dendrite/nn';
import { saveTokenizer, type Tokenizer } from '@dendrite/tokenizer';

/** The files of a run folder. */
export const FILES = {
  config: 'config.json',
  tokenizer: 'tokenizer.json',
  model: 'model.safetensors',
  state: 'training-state.safetensors',
  metrics: 'metrics.jsonl',
  plot: 'loss.svg',
  lock: 'train.lock',
} as const;

/** `format` in the header of `training-state.safetensors`. */
export const STATE_FORMAT = 'tiny-gpt-training-state/2';
/** `format` in the header of `model.safetensors`. */
export const MODEL_FORMAT = 'dendrite-gpt';

/** A run's identity: its config and tokenizer, as written in `config.json` and `tokenizer.json`. */
export interface RunIdentity {
  config: GPTConfig;
  tokenizer: Tokenizer;
}

/** SHA-256 of a string's UTF-8 bytes, as lowercase hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The header fields that tie a weights file to its config and tokenizer. */
export async function identityMetadata(id: RunIdentity): Promise<Record<string, string>> {
  return {
    config: JSON.stringify(id.config),
    tokenizer_sha256: await sha256Hex(saveTokenizer(id.tokenizer)),
  };
}

/** `config.json` and `tokenizer.json` as written into a run folder. */
export function runIdentityFiles(id: RunIdentity): { [FILES.config]: string; [FILES.tokenizer]: string } {
  return {
    [FILES.config]: `${JSON.stringify(id.config, null, 2)}\n`,
    [FILES.tokenizer]: saveTokenizer(id.tokenizer),
  };
}

/** The header of `model.safetensors`: its format, the iteration and the run's identity fields. */
function modelMetadata(iter: number, identity: Record<string, string>): Record<string, string> {
  return { format: MODEL_FORMAT, iter: String(iter), ...identity };
}

/** `model.safetensors`: the weights with nanoGPT's names, the iteration and the run's identity. */
export async function encodeModelWeights(model: GPT, iter: number, id: RunIdentity): Promise<Uint8Array> {
  return serializeStateDict(model.stateDict(), modelMetadata(iter, await identityMetadata(id)));
}

/**
 * `model.safetensors` from weights already read (`{ dtype, shape, data }` by nanoGPT name) and the
 * identity fields of {@link identityMetadata}: the same bytes as {@link encodeModelWeights}, for a
 * writer that has read the weights once for other uses (the checkpoint's finiteness scan).
 */
export function encodeModelEntries(
  weights: Record<string, SafetensorsEntry>,
  iter: number,
  identity: Record<string, string>,
): Uint8Array {
  return encodeSafetensors(weights, modelMetadata(iter, identity));
}

/**
 * The three files a folder needs for `tiny-gpt sample` and `eval` (`config.json`,
 * `tokenizer.json`, `model.safetensors`), by name. Without `training-state.safetensors` the folder
 * cannot be resumed with `train --resume` (it says so), but it holds a run: the weights.
 */
export async function runFolderFiles(
  model: GPT,
  iter: number,
  id: RunIdentity,
): Promise<Record<string, string | Uint8Array>> {
  return { ...runIdentityFiles(id), [FILES.model]: await encodeModelWeights(model, iter, id) };
}
