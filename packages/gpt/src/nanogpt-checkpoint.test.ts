import { decodeTorchSave, encodeTorchSave, PyTuple, type PyValue, TorchTensor } from '@dendrite/nn';
import { Generator } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import type { GPTConfig } from './config.js';
import { InteropError } from './errors.js';
import { GPT } from './model.js';
import { exportNanoGPTCheckpoint, importNanoGPTCheckpoint } from './nanogpt-checkpoint.js';
import { bits, logitsOf, SMALL } from './test-utils.js';

const small: GPTConfig = { ...SMALL, dropout: 0.1 };

/** The checkpoint's top-level dict, with one field replaced (or removed with `undefined`). */
function edited(bytes: Uint8Array, field: string, value: PyValue | undefined): Uint8Array {
  const root = decodeTorchSave(bytes) as Map<PyValue, PyValue>;
  if (value === undefined) root.delete(field);
  else root.set(field, value);
  return encodeTorchSave(root);
}

describe("nanoGPT's ckpt.pt", () => {
  it('round-trips a GPT bit for bit, with its iteration, best loss, settings and optimizer state', async () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const optimizer = new Map<PyValue, PyValue>([
      ['state', new Map()],
      [
        'param_groups',
        [
          new Map<PyValue, PyValue>([
            ['lr', 6e-4],
            ['betas', new PyTuple([0.9, 0.95])],
            ['params', [0, 1]],
          ]),
        ],
      ],
    ]);
    const bytes = await exportNanoGPTCheckpoint(model, {
      iterNum: 250,
      bestValLoss: 1.5,
      config: { dataset: 'shakespeare_char', learning_rate: 1e-3 },
      optimizer,
    });
    const back = importNanoGPTCheckpoint(bytes);
    expect(back.model.config).toEqual(small);
    expect(await bits(back.model)).toEqual(await bits(model));
    expect(await logitsOf(back.model)).toEqual(await logitsOf(model));
    expect(back.iterNum).toBe(250);
    expect(back.bestValLoss).toBe(1.5);
    expect(back.config.get('dataset')).toBe('shakespeare_char');
    expect(back.optimizer).toEqual(optimizer);
  });

  it("holds nanoGPT's keys, model_args and a tied head sharing the embedding's storage", async () => {
    const model = new GPT({ ...small, bias: false }, { generator: new Generator(3) });
    const bytes = await exportNanoGPTCheckpoint(model);
    const root = decodeTorchSave(bytes) as Map<string, PyValue>;
    expect([...root.keys()]).toEqual(['model', 'model_args', 'iter_num', 'best_val_loss', 'config']);
    expect(root.get('model_args')).toEqual(
      new Map<PyValue, PyValue>([
        ['vocab_size', 11],
        ['block_size', 8],
        ['n_layer', 2],
        ['n_head', 2],
        ['n_embd', 8],
        ['dropout', 0.1],
        ['bias', false],
      ]),
    );
    expect([root.get('iter_num'), root.get('best_val_loss')]).toEqual([0, 1e9]);
    const weights = root.get('model') as Map<string, TorchTensor>;
    expect(weights.get('lm_head.weight')?.data).toEqual(weights.get('transformer.wte.weight')?.data);
    expect(weights.has('transformer.h.0.attn.c_attn.bias')).toBe(false);
    // one storage record per Dendrite parameter: the head has none of its own (each record's name
    // is in the zip twice, in its local header and in the central directory)
    const names = new TextDecoder('latin1').decode(bytes).match(/ckpt\/data\/\d+/g) ?? [];
    expect(new Set(model.parameters()).size).toBe(15);
    expect(weights.size).toBe(16);
    expect(new Set(names).size).toBe(15);
  });

  it("reads what nanoGPT's train.py writes: _orig_mod. names, PyTorch 1.x's mask buffers, a 0-d best loss", async () => {
    const model = new GPT(small, { generator: new Generator(3) });
    const root = decodeTorchSave(await exportNanoGPTCheckpoint(model)) as Map<PyValue, PyValue>;
    const weights = new Map<PyValue, PyValue>();
    for (const [name, t] of root.get('model') as Map<string, TorchTensor>)
      weights.set(`_orig_mod.${name}`, t);
    const T = small.blockSize;
    const mask = new Float32Array(T * T).map((_, k) => (k % T <= Math.floor(k / T) ? 1 : 0));
    for (let i = 0; i < small.nLayer; i++) {
      weights.set(`_orig_mod.transformer.h.${i}.attn.bias`, new TorchTensor('float32', [1, 1, T, T], mask));
    }
    root.set('model', weights);
    root.set('best_val_loss', new TorchTensor('float32', [], new Float32Array([1.25])));
    const back = importNanoGPTCheckpoint(encodeTorchSave(root));
    expect(await logitsOf(back.model)).toEqual(await logitsOf(model));
    expect(back.bestValLoss).toBe(1.25);
  });

  it('refuses what Dendrite cannot load, naming the file and the field', async () => {
    const bytes = await exportNanoGPTCheckpoint(new GPT(small, { generator: new Generator(3) }));
    const load = (b: Uint8Array) => () => importNanoGPTCheckpoint(b, { file: 'out/ckpt.pt' });
    expect(load(new Uint8Array(10))).toThrow(InteropError);
    expect(load(new Uint8Array(10))).toThrow(/^out\/ckpt.pt: not a zip archive/);
    expect(load(encodeTorchSave([1, 2]))).toThrow(/out\/ckpt.pt: holds no dict/);
    expect(load(edited(bytes, 'model_args', undefined))).toThrow(/'model_args' is missing or not a dict/);
    expect(load(edited(bytes, 'model_args', { ...small, vocab_size: 0 } as unknown as PyValue))).toThrow(
      /'model_args' .*'vocabSize' must be a positive integer, got 0/,
    );
    const root = decodeTorchSave(bytes) as Map<PyValue, PyValue>;
    const weights = root.get('model') as Map<string, TorchTensor>;
    const other = new TorchTensor('float32', [11, 8], new Float32Array(88).fill(0.5));
    expect(load(edited(bytes, 'model', new Map([...weights, ['lm_head.weight', other]])))).toThrow(
      /'lm_head.weight' differs from 'transformer.wte.weight': an untied LM head/,
    );
    const wrong = new TorchTensor('float32', [9, 8], new Float32Array(72));
    expect(load(edited(bytes, 'model', new Map([...weights, ['transformer.wpe.weight', wrong]])))).toThrow(
      /out\/ckpt.pt: 'model' does not fit its model_args: .*transformer.wpe.weight/,
    );
  });
});
