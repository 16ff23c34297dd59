import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '@dendrite/nn';
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
    const before = await runCli('eval', '--ckpt', run, '--data', data);
    const after = await runCli('eval', '--ckpt', back, '--data', data);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toBe(before.stdout);
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
      /--format must be nanogpt or hf-gpt2, got 'onnx'/,
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
      /dendrite-tokenizer\.json \(or pass --tokenizer\) not found/,
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
