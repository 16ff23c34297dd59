import { noGrad } from '@dendrite/autograd';
import { Generator, randint, tensor } from '@dendrite/tensor';
import { generate } from '@dendrite/tokenizer';
import { describe, expect, it } from 'vitest';
import { countParameters, presetConfig, validateConfig } from './config.js';
import { ConfigError } from './errors.js';
import { GPT } from './model.js';

const small = { vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, bias: true };

describe('GPT', () => {
  it('uses nanoGPT parameter names, with the LM head tied to the token embedding', () => {
    const model = new GPT(small, { generator: new Generator(0) });
    const names = Object.keys(model.stateDict());
    const block = (i: number) =>
      [
        'ln_1.weight',
        'ln_1.bias',
        'attn.c_attn.weight',
        'attn.c_attn.bias',
        'attn.c_proj.weight',
        'attn.c_proj.bias',
        'ln_2.weight',
        'ln_2.bias',
        'mlp.c_fc.weight',
        'mlp.c_fc.bias',
        'mlp.c_proj.weight',
        'mlp.c_proj.bias',
      ].map((n) => `transformer.h.${i}.${n}`);
    expect(names.sort()).toEqual(
      [
        'transformer.wte.weight',
        'transformer.wpe.weight',
        ...block(0),
        ...block(1),
        'transformer.ln_f.weight',
        'transformer.ln_f.bias',
        'lm_head.weight',
      ].sort(),
    );
    expect(model.lm_head.weight).toBe(model.stateDict()['transformer.wte.weight']);
    expect([...model.namedParameters()].map(([n]) => n)).not.toContain('lm_head.weight');
  });

  it('counts parameters like nanoGPT: the baby config has 804,096 (tied head counted once)', () => {
    const baby = presetConfig('baby', 65);
    expect(countParameters(baby)).toBe(804096);
    expect(countParameters(baby, { nonEmbedding: true })).toBe(804096 - 64 * 128);
    const model = new GPT(small);
    expect(model.numParameters()).toBe(countParameters(small));
    expect(model.numParameters({ nonEmbedding: true })).toBe(countParameters(small, { nonEmbedding: true }));
    const noBias = { ...small, bias: false };
    expect(new GPT(noBias).numParameters()).toBe(countParameters(noBias));
  });

  it('returns logits [batch, time, vocab] and a loss near ln(vocab) at initialisation', () => {
    const model = new GPT(small, { generator: new Generator(1) });
    const ids = randint(0, 11, [3, 8], { generator: new Generator(2) });
    const { logits, loss } = model.forward(ids, ids);
    expect(logits.shape).toEqual([3, 8, 11]);
    expect(loss!.itemSync()).toBeGreaterThan(Math.log(11) - 0.3);
    expect(loss!.itemSync()).toBeLessThan(Math.log(11) + 0.3);
  });

  it('learns to continue a fixed sequence (loss falls under gradient descent)', () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const seq = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const x = tensor([seq.slice(0, 8)], { dtype: 'int32' });
    const y = tensor([seq.slice(1)], { dtype: 'int32' });
    let first = 0;
    let last = 0;
    for (let step = 0; step < 60; step++) {
      const { loss } = model.forward(x, y);
      loss!.backward();
      if (step === 0) first = loss!.itemSync();
      last = loss!.itemSync();
      noGrad(() => {
        for (const p of model.parameters()) {
          p.assign(p.sub(p.grad!.mul(0.5)));
        }
      });
      model.zeroGrad();
    }
    expect(last).toBeLessThan(first / 4);
  });

  it('generates the same tokens with and without the KV cache', async () => {
    const model = new GPT(small, { generator: new Generator(4) }).eval();
    const run = async (useCache: boolean) => {
      const out: number[] = [];
      for await (const t of generate(model, [1, 2, 3], { maxTokens: 12, seed: 7, useCache, temperature: 1 }))
        out.push(t);
      return out;
    };
    const cached = await run(true);
    expect(cached).toHaveLength(12);
    expect(await run(false)).toEqual(cached);
  });

  it('rejects contexts longer than the block size and bad ids', () => {
    const model = new GPT(small);
    expect(() => model.forward(randint(0, 11, [1, 9]))).toThrow(/9 positions exceed the block size 8/);
    expect(() => model.forward(tensor([1, 2], { dtype: 'int32' }))).toThrow(/ids must be \[batch, time\]/);
  });
});

describe('config', () => {
  it('validates every field by name', () => {
    expect(() => validateConfig({ ...small, nHead: 3 })).toThrow(
      /'nEmbd' \(8\) must be divisible by 'nHead' \(3\)/,
    );
    expect(() => validateConfig({ ...small, blockSize: 0 })).toThrow(
      /'blockSize' must be a positive integer/,
    );
    expect(() => validateConfig({ ...small, dropout: 1 })).toThrow(/'dropout' must be a number in \[0, 1\)/);
    expect(() => validateConfig({ ...small, layers: 2 })).toThrow(/unknown field 'layers'/);
    expect(() => presetConfig('huge', 10)).toThrow(ConfigError);
  });

  it('has the nanoGPT presets', () => {
    expect(presetConfig('baby', 65)).toMatchObject({ nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64 });
    expect(presetConfig('shakespeare-char', 65)).toMatchObject({
      nLayer: 6,
      nHead: 6,
      nEmbd: 384,
      blockSize: 256,
      dropout: 0.2,
    });
  });
});
