/**
 * nanoGPT's checkpoint layout: its `model_args` as `config.json` (see `toNanoGPTConfig`) and its
 * `state_dict()` names, which are Dendrite's own. What differs is around the edges:
 *
 * - `lm_head.weight` is an alias of `transformer.wte.weight` (tied): written under both names, as
 *   nanoGPT's `state_dict()` lists both; on import either name will do, and both must hold the
 *   same bits (an untied head is something Dendrite's GPT cannot express).
 * - `transformer.h.N.attn.bias` is not a learned bias but nanoGPT's causal mask, a persistent
 *   buffer it registers only when PyTorch lacks flash attention (PyTorch < 2.0): ones on and below
 *   the diagonal, `[1, 1, block_size, block_size]`. Never written; on import it is checked to be
 *   that mask and dropped. (PyTorch < 2.0 users load an export with `strict=False`, as nanoGPT's
 *   own `from_pretrained` skips these keys.)
 * - Prefixes from wrappers are removed: `_orig_mod.` (`torch.compile`) and `module.` (DDP).
 */
import type { SafetensorsEntry } from '@dendrite/nn';
import type { GPTConfig } from './config.js';
import { InteropError } from './errors.js';
import { sameBits } from './weight-entries.js';

const WRAPPER_PREFIXES = ['_orig_mod.', 'module.'];
const MASK = /^transformer\.h\.\d+\.attn\.bias$/;

/** nanoGPT's state-dict entries of a Dendrite GPT's (the same names, the tied head under both). */
export function toNanoGPTWeights(
  entries: Record<string, SafetensorsEntry>,
): Record<string, SafetensorsEntry> {
  const out = { ...entries };
  out['lm_head.weight'] ??= out['transformer.wte.weight'];
  return out;
}

/** Throws unless `entry` is the causal mask: 1 where column ≤ row, else 0, shaped [1, 1, T, T]. */
function checkMask(entry: SafetensorsEntry, name: string, config: GPTConfig, file: string): void {
  const T = config.blockSize;
  const [a, b, rows, cols] = entry.shape;
  if (entry.shape.length !== 4 || a !== 1 || b !== 1 || rows !== T || cols !== T) {
    throw new InteropError(
      file,
      name,
      `has shape [${entry.shape.join(', ')}]; as nanoGPT's causal-mask buffer it must be [1, 1, ${T}, ${T}] (block_size ${T})`,
    );
  }
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      if (entry.data[i * T + j] !== (j <= i ? 1 : 0)) {
        throw new InteropError(
          file,
          name,
          `is not nanoGPT's causal mask (at [${i}, ${j}]: ${entry.data[i * T + j]}); Dendrite's attention is always causal and cannot load another mask`,
        );
      }
    }
  }
}

/** Dendrite's state-dict entries from nanoGPT's: wrapper prefixes removed, masks checked and dropped, the tied head checked. */
export function fromNanoGPTWeights(
  entries: Record<string, SafetensorsEntry>,
  config: GPTConfig,
  file: string,
): Record<string, SafetensorsEntry> {
  const out: Record<string, SafetensorsEntry> = {};
  for (const [raw, entry] of Object.entries(entries)) {
    let name = raw;
    for (let again = true; again; ) {
      again = false;
      for (const p of WRAPPER_PREFIXES) {
        if (name.startsWith(p)) {
          name = name.slice(p.length);
          again = true;
        }
      }
    }
    if (MASK.test(name)) {
      checkMask(entry, raw, config, file);
      continue;
    }
    if (Object.hasOwn(out, name))
      throw new InteropError(file, raw, `repeats '${name}' (after removing wrapper prefixes)`);
    out[name] = entry;
  }
  const head = out['lm_head.weight'];
  const wte = out['transformer.wte.weight'];
  if (head && wte) {
    if (!sameBits(head, wte)) {
      throw new InteropError(
        file,
        'lm_head.weight',
        "differs from 'transformer.wte.weight': an untied LM head, which Dendrite's GPT (always tied) cannot express",
      );
    }
    delete out['lm_head.weight'];
  }
  return out;
}
