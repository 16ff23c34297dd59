/**
 * format.ts writes a run folder without a file system (what the docs' capstone downloads): the
 * built CLI's `sample` and `eval` read it, and its identity header is the one checkpoint.ts writes.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GPT, type GPTConfig } from '@dendrite/gpt';
import { readSafetensorsHeader } from '@dendrite/nn';
import { Generator } from '@dendrite/tensor';
import { CharTokenizer, saveTokenizer } from '@dendrite/tokenizer';
import { describe, expect, it } from 'vitest';
import { FILES, identityMetadata, runFolderFiles, sha256Hex } from '../src/format.js';
import { runBuiltCli, SLOW, tempDir } from './helpers.js';

const TEXT = 'the neuron adds its weighted inputs and a bias, then applies an activation.\n';

function smallModel() {
  const tokenizer = CharTokenizer.fromCorpus(TEXT);
  const config: GPTConfig = {
    vocabSize: tokenizer.vocabSize,
    blockSize: 16,
    nLayer: 1,
    nHead: 2,
    nEmbd: 16,
    dropout: 0,
    bias: true,
  };
  return { tokenizer, config, model: new GPT(config, { generator: new Generator(7) }) };
}

describe('format.ts: a run folder written without a file system', () => {
  it('hashes with Web Crypto exactly as node:crypto does (the identity every reader checks)', async () => {
    for (const text of ['', 'abc', 'héllo → wörld', saveTokenizer(smallModel().tokenizer)]) {
      expect(await sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it(
    'writes config.json, tokenizer.json and model.safetensors that the built CLI samples from and evaluates',
    async () => {
      const { tokenizer, config, model } = smallModel();
      const files = await runFolderFiles(model, 42, { config, tokenizer });
      expect(Object.keys(files).sort()).toEqual([FILES.config, FILES.model, FILES.tokenizer].sort());
      const header = readSafetensorsHeader(files[FILES.model] as Uint8Array);
      expect(header.metadata).toEqual({
        format: 'dendrite-gpt',
        iter: '42',
        ...(await identityMetadata({ config, tokenizer })),
      });
      const dir = tempDir();
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
      writeFileSync(join(dir, 'text.txt'), TEXT.repeat(4));
      const sample = await runBuiltCli(['sample', '--ckpt', dir, '--prompt', 'the ', '--tokens', '20']);
      expect(sample.stderr).toBe('');
      expect(sample.code).toBe(0);
      expect(sample.stdout.trimEnd().length).toBeGreaterThan(10); // 20 characters continuing the prompt
      const evaluated = await runBuiltCli(['eval', '--ckpt', dir, '--data', join(dir, 'text.txt')]);
      expect(evaluated.code).toBe(0);
      expect(evaluated.stdout).toMatch(/loss/);
    },
    SLOW,
  );
});
