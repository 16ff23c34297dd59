import { noGrad } from '@dendrite/autograd';
import { decodeSafetensors, encodeSafetensors, type SafetensorsEntry } from '@dendrite/nn';
import { Generator, IndexError, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { toNanoGPTConfig, validateConfig } from './config.js';
import { ConfigError, InteropError } from './errors.js';
import { fromHFGPT2Config } from './hf-gpt2-format.js';
import { detectGPTFormat, exportGPT, importGPT } from './interop.js';
import { GPT } from './model.js';
import { bits, logitsOf, SMALL as small } from './test-utils.js';

const nanoConfig = {
  vocab_size: 11,
  block_size: 8,
  n_layer: 2,
  n_head: 2,
  n_embd: 8,
  dropout: 0.1,
  bias: false,
};

function entries(bytes: Uint8Array): Record<string, SafetensorsEntry> {
  return decodeSafetensors(bytes).tensors;
}

describe('nanoGPT config', () => {
  it("validateConfig reads nanoGPT's own config (snake_case keys)", () => {
    expect(validateConfig(nanoConfig)).toEqual({
      vocabSize: 11,
      blockSize: 8,
      nLayer: 2,
      nHead: 2,
      nEmbd: 8,
      dropout: 0.1,
      bias: false,
    });
    expect(toNanoGPTConfig(validateConfig(nanoConfig))).toEqual(nanoConfig);
  });

  it('refuses a field given in both spellings with different values, and still names unknown fields', () => {
    expect(() => validateConfig({ ...nanoConfig, nLayer: 3 }, 'cfg.json')).toThrow(
      "cfg.json: 'nLayer' (3) and nanoGPT's 'n_layer' (2) disagree; keep one",
    );
    expect(() => validateConfig({ ...nanoConfig, n_lyr: 2 })).toThrow(/unknown field 'n_lyr'/);
  });

  it('keeps geluApproximate out of a default config, and has no nanoGPT form for tanh GELU', () => {
    expect(validateConfig(small)).not.toHaveProperty('geluApproximate');
    expect(() => toNanoGPTConfig({ ...small, geluApproximate: 'tanh' })).toThrow(ConfigError);
  });
});

describe('GPT loss ignoreIndex', () => {
  it('defaults to −100 (PyTorch) and takes nanoGPT’s −1', async () => {
    const ids = tensor([[1, 2, 3, 4]], { dtype: 'int32' });
    const targets = tensor([[2, -1, 4, 5]], { dtype: 'int32' });
    const model = new GPT(small, { generator: new Generator(0) });
    expect(() => model.forward(ids, targets)).toThrow(IndexError);
    const nano = new GPT(small, { generator: new Generator(0), ignoreIndex: -1 });
    const loss = (await noGrad(() => nano.forward(ids, targets).loss)?.data())?.[0];
    const kept = tensor([[2, -100, 4, 5]], { dtype: 'int32' });
    const expected = (await noGrad(() => model.forward(ids, kept).loss)?.data())?.[0];
    expect(loss).toBe(expected);
    expect(() => new GPT(small, { ignoreIndex: 0.5 })).toThrow(ConfigError);
  });
});

describe.each(['nanogpt', 'hf-gpt2'] as const)('%s export → import', (format) => {
  it.each([
    ['bias', small],
    ['no bias', { ...small, bias: false }],
  ])('round-trips bit for bit (%s): every tensor, and the logits', async (_, config) => {
    const model = new GPT(config, { generator: new Generator(3) });
    const files = await exportGPT(model, format, { metadata: { iter: '5' } });
    const back = importGPT({ config: files['config.json'], weights: files['model.safetensors'] });
    expect(back.format).toBe(format);
    expect(back.metadata).toMatchObject({ format: 'pt', iter: '5' });
    if (format === 'nanogpt' || config.bias) {
      expect(back.model.config).toEqual(model.config);
      expect(await bits(back.model)).toEqual(await bits(model));
    } else {
      expect(back.model.config).toEqual({ ...model.config, bias: true }); // GPT-2 always has biases: zeros
    }
    expect(await logitsOf(back.model)).toEqual(await logitsOf(model));
  });
});

describe('nanoGPT layout', () => {
  it("writes nanoGPT's config and names: lm_head.weight as the tied alias, no attn.bias mask", async () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const files = await exportGPT(model, 'nanogpt');
    expect(JSON.parse(files['config.json'])).toEqual({ ...toNanoGPTConfig(small) });
    const t = entries(files['model.safetensors']);
    expect(t['lm_head.weight'].data).toEqual(t['transformer.wte.weight'].data);
    expect(Object.keys(t).filter((k) => /\.attn\.bias$/.test(k))).toEqual([]);
    expect(detectGPTFormat(JSON.parse(files['config.json']))).toBe('nanogpt');
  });

  it('reads torch.compile / DDP prefixes and drops the causal-mask buffer after checking it', async () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const t = entries((await exportGPT(model, 'nanogpt'))['model.safetensors']);
    const T = small.blockSize;
    const mask = new Float32Array(T * T).map((_, k) => (k % T <= Math.floor(k / T) ? 1 : 0));
    const wrapped: Record<string, SafetensorsEntry> = {};
    for (const [k, v] of Object.entries(t)) wrapped[`_orig_mod.module.${k}`] = v;
    wrapped['module.transformer.h.0.attn.bias'] = { dtype: 'float32', shape: [1, 1, T, T], data: mask };
    const config = JSON.stringify(toNanoGPTConfig(small));
    const back = importGPT({ config, weights: encodeSafetensors(wrapped) });
    expect(await bits(back.model)).toEqual(await bits(model));

    const notMask = {
      ...wrapped,
      'module.transformer.h.0.attn.bias': {
        dtype: 'float32' as const,
        shape: [1, 1, T, T],
        data: new Float32Array(T * T).fill(1),
      },
    };
    expect(() => importGPT({ config, weights: encodeSafetensors(notMask) }, { folder: 'run' })).toThrow(
      /^run\/model\.safetensors: 'module\.transformer\.h\.0\.attn\.bias' is not nanoGPT's causal mask/,
    );
  });

  it('refuses an untied head, a wrong shape and a bad config, naming the file and field', async () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const files = await exportGPT(model, 'nanogpt');
    const t = entries(files['model.safetensors']);
    const untied = {
      ...t,
      'lm_head.weight': { ...t['lm_head.weight'], data: t['lm_head.weight'].data.map((x) => x + 1) },
    };
    const config = files['config.json'];
    expect(() => importGPT({ config, weights: encodeSafetensors(untied) }, { folder: 'd' })).toThrow(
      /^d\/model\.safetensors: 'lm_head\.weight' differs from 'transformer\.wte\.weight'/,
    );
    const grown = JSON.stringify({ ...JSON.parse(config), n_embd: 16 });
    expect(() => importGPT({ config: grown, weights: files['model.safetensors'] }, { folder: 'd' })).toThrow(
      /^d\/model\.safetensors: does not fit d\/config\.json: .*shape mismatches/,
    );
    expect(() =>
      importGPT({ config: '{"n_layer": 2}', weights: files['model.safetensors'] }, { folder: 'd' }),
    ).toThrow(/^d\/config\.json: 'vocabSize' must be a positive integer/);
    expect(() => importGPT({ config: '{', weights: files['model.safetensors'] })).toThrow(InteropError);
    expect(() => importGPT({ config, weights: new Uint8Array(3) }, { folder: 'd' })).toThrow(
      /^d\/model\.safetensors: safetensors/,
    );
  });
});

describe('Hugging Face GPT-2 layout', () => {
  it('stores Conv1D weights [in, out], leaves out the tied head and writes GPT-2 config fields', async () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const files = await exportGPT(model, 'hf-gpt2');
    const config = JSON.parse(files['config.json']);
    expect(config).toMatchObject({
      model_type: 'gpt2',
      n_positions: 8,
      n_ctx: 8,
      n_embd: 8,
      n_layer: 2,
      n_head: 2,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu',
      tie_word_embeddings: true,
    });
    const t = entries(files['model.safetensors']);
    expect(t['lm_head.weight']).toBeUndefined();
    const w = t['transformer.h.0.attn.c_attn.weight'];
    expect(w.shape).toEqual([8, 24]);
    const linear = await model.stateDict()['transformer.h.0.attn.c_attn.weight'].data(); // [24, 8]
    expect(w.data[1 * 24 + 5]).toBe(linear[5 * 8 + 1]);
    expect(t['transformer.h.1.mlp.c_proj.weight'].shape).toEqual([32, 8]);
  });

  it('reads the original upload’s names (no transformer. prefix, attention buffers) and gelu_new', async () => {
    const model = new GPT({ ...small, geluApproximate: 'tanh' }, { generator: new Generator(3) });
    const files = await exportGPT(model, 'hf-gpt2');
    expect(JSON.parse(files['config.json']).activation_function).toBe('gelu_new');
    const bare: Record<string, SafetensorsEntry> = {};
    for (const [k, v] of Object.entries(entries(files['model.safetensors'])))
      bare[k.replace('transformer.', '')] = v;
    bare['h.0.attn.masked_bias'] = { dtype: 'float32', shape: [], data: new Float32Array([-1e4]) };
    const back = importGPT({ config: files['config.json'], weights: encodeSafetensors(bare) });
    expect(back.model.config.geluApproximate).toBe('tanh');
    expect(await logitsOf(back.model)).toEqual(await logitsOf(model));
  });

  it('refuses, in one line naming the field, what Dendrite’s GPT cannot express', () => {
    const base = { model_type: 'gpt2', vocab_size: 11, n_positions: 8, n_embd: 8, n_layer: 2, n_head: 2 };
    expect(fromHFGPT2Config(base)).toEqual({ ...small, dropout: 0.1, geluApproximate: 'tanh' });
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ activation_function: 'relu' }, /^config\.json: 'activation_function' is "relu"/],
      [
        { layer_norm_epsilon: 1e-6 },
        /^config\.json: 'layer_norm_epsilon' is 0\.000001; Dendrite's GPT uses 0\.00001/,
      ],
      [{ n_ctx: 4 }, /'n_ctx' \(4\) differs from 'n_positions' \(8\)/],
      [{ n_inner: 12 }, /'n_inner' is 12/],
      [{ attn_pdrop: 0 }, /one dropout/],
      [{ scale_attn_by_inverse_layer_idx: true }, /'scale_attn_by_inverse_layer_idx' is true/],
      [{ tie_word_embeddings: false }, /'tie_word_embeddings' is false/],
      [{ model_type: 'llama' }, /'model_type' is "llama", not 'gpt2'/],
      [{ n_head: 3 }, /'n_head' \(3\) must divide 'n_embd' \(8\)/],
      [{ n_positions: 0 }, /'n_positions' must be a positive integer/],
    ];
    for (const [patch, message] of refusals) {
      let err: unknown;
      try {
        fromHFGPT2Config({ ...base, ...patch });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InteropError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
