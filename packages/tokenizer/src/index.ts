/**
 * @dendrite/tokenizer — both ends of a language model: text ↔ token ids (character-level and
 * byte-level BPE tokenizers: trained here, or imported from tiktoken and Hugging Face files),
 * and the LM head's sampling: logits → probabilities → tokens, with `generate` driving a model.
 * File helpers that need `node:fs` live in `@dendrite/tokenizer/node`.
 */

export { decodeBase64, encodeBase64 } from './base64.js';
export { BPETokenizer, type BPETokenizerSpec, type NormalizationForm } from './bpe.js';
export { BytePairEncoder, mergePiece, PAIR_BASE } from './bpe-encode.js';
export { type TrainBPEOptions, trainBPE } from './bpe-train.js';
export { BYTE_TO_UNICODE, bytesToUnicode, UNICODE_TO_BYTE, unicodeToBytes } from './bytes.js';
export { CharTokenizer, type CharTokenizerOptions } from './char.js';
export { TokenizerError } from './errors.js';
export {
  type CausalLM,
  type FinishReason,
  type GenerateOptions,
  generate,
  type KVCache,
} from './generate.js';
export { loadHFTokenizer, toHFTokenizerJSON } from './hf.js';
export { MAX_VOCAB_SIZE } from './limits.js';
export {
  CL100K_PATTERN,
  compilePattern,
  compileSplitter,
  forEachPiece,
  GPT2_PATTERN,
  GPT4_PATTERN,
  type PieceSplitter,
  pretokenize,
  translatePattern,
} from './pretokenize.js';
export {
  applyPenalties,
  probabilities,
  processLogits,
  rowProbabilities,
  type SampleOptions,
  type SamplingOptions,
  sample,
  sampleRow,
  sampleSync,
  validateSamplingOptions,
} from './sampling.js';
export {
  type BPETokenizerJSON,
  type CharTokenizerJSON,
  loadTokenizer,
  saveTokenizer,
  type TokenizerJSON,
} from './serialize.js';
export { decodeStream, type StreamDecoder, Utf8StreamDecoder } from './streaming.js';
export {
  CL100K_SPECIAL_TOKENS,
  GPT2_SPECIAL_TOKENS,
  loadTiktoken,
  parseTiktokenRanks,
  type TiktokenOptions,
  toTiktokenRanks,
} from './tiktoken.js';
export { ENDOFTEXT, type EncodeOptions, type Tokenizer, type TokenizerKind } from './tokenizer.js';
export { decodeUtf8, encodeUtf8, isWellFormed, toWellFormed } from './utf8.js';
