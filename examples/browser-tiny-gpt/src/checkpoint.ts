import { GPT, validateConfig } from '@dendrite/gpt';
import { decodeSafetensors } from '@dendrite/nn';
import { loadTokenizer, type Tokenizer } from '@dendrite/tokenizer';

/** A tiny-gpt run folder, read over HTTP: the model with its weights, and its tokenizer. */
export async function loadCheckpoint(base: URL): Promise<{ model: GPT; tokenizer: Tokenizer }> {
  const get = async (name: string) => {
    const response = await fetch(new URL(name, base));
    if (!response.ok) throw new Error(`${new URL(name, base)}: HTTP ${response.status}`);
    return response;
  };
  const [config, tokenizerJSON, weights] = await Promise.all([
    get('config.json').then((r) => r.json()),
    get('tokenizer.json').then((r) => r.json()),
    get('model.safetensors').then((r) => r.arrayBuffer()),
  ]);
  const model = new GPT(validateConfig(config, 'config.json'));
  model.loadStateDict(decodeSafetensors(weights)); // nanoGPT's names; checked key by key and shape by shape
  model.eval(); // no dropout while generating
  const tokenizer = loadTokenizer(tokenizerJSON);
  if (tokenizer.vocabSize !== model.config.vocabSize)
    throw new Error(
      `tokenizer.json has ${tokenizer.vocabSize} tokens, config.json ${model.config.vocabSize}`,
    );
  return { model, tokenizer };
}
