import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodePickle,
  decodeSafetensors,
  decodeTorchSave,
  type PyValue,
  type TorchTensor,
} from '@dendrite/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtInCorpus } from '../src/corpus.js';
import { expectUserError, runCli, scratchRun, trainArgs } from './helpers.js';

const { dir, out: run, config } = scratchRun();
const data = join(dir, 'text.txt');

function weights(folder: string): Record<string, { shape: number[]; bytes: number[] }> {
  const { tensors } = decodeSafetensors(readFileSync(join(folder, 'model.safetensors')));
  return Object.fromEntries(
    Object.entries(tensors).map(([k, t]) => [
      k,
      { shape: t.shape, bytes: [...new Uint8Array(t.data.buffer)] },
    ]),
  );
}

/** `tiny-gpt eval` of `folder` prints what it prints for the trained run. */
async function expectSameEval(folder: string): Promise<void> {
  const before = await runCli('eval', '--ckpt', run, '--data', data);
  const after = await runCli('eval', '--ckpt', folder, '--data', data);
  expect(after.code, after.stderr).toBe(0);
  expect(after.stdout).toBe(before.stdout);
}

beforeAll(async () => {
  writeFileSync(data, builtInCorpus().slice(0, 4000));
  const r = await runCli(...trainArgs(run, config, { data }));
  expect(r.code, r.stderr).toBe(0);
}, 120_000); // ~2 s alone

describe.each(['nanogpt', 'hf-gpt2'])('tiny-gpt export --format %s → import', (format) => {
  it('round-trips the weights bit for bit, and eval gives the same loss', async () => {
    const exported = join(dir, `${format}-export`);
    const back = join(dir, `${format}-back`);
    const e = await runCli('export', '--ckpt', run, '--format', format, '--out', exported);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(new RegExp(`exported .* \\(iteration 4\\) as ${format}`));
    const cfg = JSON.parse(readFileSync(join(exported, 'config.json'), 'utf8'));
    expect(cfg).toHaveProperty(format === 'nanogpt' ? 'block_size' : 'n_positions', 16);
    const i = await runCli('import', '--from', exported, '--out', back);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toContain(`(${format}, iteration 4)`);
    expect(weights(back)).toEqual(weights(run));
    expect(JSON.parse(readFileSync(join(back, 'config.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')),
    );
    await expectSameEval(back);
  }, 60_000); // ~1 s alone
});

describe('export and import errors', () => {
  it('name the flag, folder or file in one line', async () => {
    expectUserError(
      await runCli('export', '--ckpt', run, '--out', join(dir, 'x')),
      /export needs --format nanogpt\|hf-gpt2/,
    );
    expectUserError(
      await runCli('export', '--ckpt', run, '--format', 'onnx', '--out', join(dir, 'x')),
      /--format must be nanogpt, hf-gpt2 or nanogpt-ckpt, got 'onnx'/,
    );
    expectUserError(await runCli('export', '--ckpt', run, '--format', 'nanogpt'), /export needs --out/);
    const exported = join(dir, 'nanogpt-export');
    expectUserError(
      await runCli('export', '--ckpt', run, '--format', 'nanogpt', '--out', exported),
      /already holds config\.json, model\.safetensors, dendrite-tokenizer\.json; .*--overwrite/,
    );
    expect(
      (await runCli('export', '--ckpt', run, '--format', 'nanogpt', '--out', exported, '--overwrite')).code,
    ).toBe(0);
    expectUserError(await runCli('import', '--from', join(dir, 'nope')), /--from folder not found/);
    expectUserError(
      await runCli('import', '--from', run, '--out', join(dir, 'y')),
      /dendrite-tokenizer\.json \(or meta\.pkl, or pass --tokenizer\) not found/,
    );
    const badDir = join(dir, 'hf-gpt2-export');
    const cfg = JSON.parse(readFileSync(join(badDir, 'config.json'), 'utf8'));
    writeFileSync(join(badDir, 'config.json'), JSON.stringify({ ...cfg, activation_function: 'relu' }));
    expectUserError(
      await runCli('import', '--from', badDir, '--out', join(dir, 'z')),
      /hf-gpt2-export\/config\.json: 'activation_function' is "relu"/,
    );
  }, 60_000);
});

describe("tiny-gpt export --format nanogpt-ckpt → import (nanoGPT's ckpt.pt and meta.pkl)", () => {
  it('writes what nanoGPT reads, with the AdamW state, and imports it back bit for bit', async () => {
    const exported = join(dir, 'ckpt-export');
    const e = await runCli('export', '--ckpt', run, '--format', 'nanogpt-ckpt', '--out', exported);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain('python sample.py --init_from=resume');
    expect(e.stdout).toContain('data/ckpt-export/meta.pkl');
    expect(e.stdout).toContain("continues with this run's AdamW state");
    const ckpt = decodeTorchSave(readFileSync(join(exported, 'ckpt.pt'))) as Map<string, PyValue>;
    expect([...ckpt.keys()]).toEqual([
      'model',
      'model_args',
      'iter_num',
      'best_val_loss',
      'config',
      'optimizer',
    ]);
    expect(ckpt.get('iter_num')).toBe(4);
    const { metadata } = decodeSafetensors(readFileSync(join(run, 'training-state.safetensors')));
    const { bestValLoss } = JSON.parse(metadata.trainer);
    expect(bestValLoss).toBeLessThan(10);
    expect(ckpt.get('best_val_loss')).toBe(bestValLoss); // the run's best evaluation
    expect((ckpt.get('config') as Map<string, PyValue>).get('dataset')).toBe('ckpt-export');
    const model = ckpt.get('model') as Map<string, TorchTensor>;
    const dendrite = weights(run);
    for (const [name, w] of Object.entries(dendrite)) {
      const t = model.get(name) as TorchTensor;
      expect([name, [...t.shape]]).toEqual([name, w.shape]);
      expect([...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)]).toEqual(w.bytes);
    }
    // PyTorch's AdamW state: nanoGPT's two groups (decay: 2-D and up), a step and both moments per parameter
    const optimizer = ckpt.get('optimizer') as Map<string, PyValue>;
    const groups = optimizer.get('param_groups') as Map<string, PyValue>[];
    expect(groups.map((g) => g.get('weight_decay'))).toEqual([0.1, 0]);
    const ranks = Object.values(dendrite).map((w) => w.shape.length);
    expect(groups.map((g) => (g.get('params') as number[]).length)).toEqual([
      ranks.filter((r) => r >= 2).length - 1, // the tied head is the embedding
      ranks.filter((r) => r < 2).length,
    ]);
    const state = optimizer.get('state') as Map<number, Map<string, PyValue>>;
    expect(state.size).toBe(ranks.length - 1);
    const first = state.get(0) as Map<string, PyValue>;
    expect((first.get('step') as TorchTensor).data[0]).toBe(4);
    expect((first.get('exp_avg') as TorchTensor).shape).toEqual(model.get('transformer.wte.weight')?.shape);
    // the character vocabulary as nanoGPT's prepare.py writes it
    const meta = decodePickle(readFileSync(join(exported, 'meta.pkl'))) as Map<string, PyValue>;
    const itos = meta.get('itos') as Map<number, string>;
    expect(meta.get('vocab_size')).toBe(itos.size);
    expect((meta.get('stoi') as Map<string, number>).get(itos.get(5) as string)).toBe(5);

    // back, with only nanoGPT's files (no dendrite-tokenizer.json): the same weights, tokenizer and loss
    const only = join(dir, 'ckpt-only');
    mkdirSync(only, { recursive: true });
    for (const f of ['ckpt.pt', 'meta.pkl']) copyFileSync(join(exported, f), join(only, f));
    const back = join(dir, 'ckpt-back');
    const i = await runCli('import', '--from', only, '--out', back);
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toContain('(nanogpt-ckpt, iteration 4)');
    expect(weights(back)).toEqual(dendrite);
    expect(JSON.parse(readFileSync(join(back, 'tokenizer.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(run, 'tokenizer.json'), 'utf8')),
    );
    await expectSameEval(back);
  }, 60_000); // ~1 s alone

  it('names the flag or file at fault', async () => {
    expectUserError(
      await runCli('export', '--ckpt', run, '--format', 'nanogpt', '--dataset', 'x', '--out', join(dir, 'd')),
      /--dataset is for --format nanogpt-ckpt, not nanogpt/,
    );
    const broken = join(dir, 'ckpt-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'ckpt.pt'), 'not a checkpoint');
    writeFileSync(join(broken, 'meta.pkl'), readFileSync(join(dir, 'ckpt-export', 'meta.pkl')));
    expectUserError(
      await runCli('import', '--from', broken, '--out', join(dir, 'e')),
      /ckpt-broken\/ckpt\.pt: not a zip archive/,
    );
    rmSync(join(broken, 'meta.pkl'));
    copyFileSync(join(dir, 'ckpt-export', 'ckpt.pt'), join(broken, 'ckpt.pt'));
    writeFileSync(join(broken, 'meta.pkl'), new Uint8Array([0x80, 2, 0x7d, 0x2e])); // {}
    expectUserError(
      await runCli('import', '--from', broken, '--out', join(dir, 'e')),
      /ckpt-broken\/meta\.pkl: no 'itos' dict/,
    );
  }, 60_000);
});
