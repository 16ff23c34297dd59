/**
 * Every user error is one line naming what was wrong, exit code 2, no stack trace — run through
 * the built CLI, as a user meets it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GPT } from '@dendrite/gpt';
import { describe, expect, it } from 'vitest';
import { loadRunFiles, loadWeights } from '../src/checkpoint.js';
import { builtInCorpus } from '../src/corpus.js';
import { continueText } from '../src/sample.js';
import { expectUserError, runBuiltCli, SLOW, smallConfig, tempDir, trainArgs } from './helpers.js';

describe('user errors are one line and exit code 2', () => {
  const dir = tempDir();
  const cfg = smallConfig(dir);
  const out = join(dir, 'unused');

  it(
    'bad numeric flags, in every spelling',
    async () => {
      expectUserError(
        await runBuiltCli(['train', '--iters', 'abc']),
        /--iters must be an integer, got 'abc'/,
      );
      expectUserError(await runBuiltCli(['train', '--batch', '0']), /--batch must be an integer ≥ 1, got 0/);
      expectUserError(await runBuiltCli(['train', '--lr=-1']), /--lr must be a number ≥ 0, got -1/);
      expectUserError(await runBuiltCli(['train', '--lr', '-1']), /--lr must be a number ≥ 0, got -1/);
      expectUserError(await runBuiltCli(['sample', '--seed=-1']), /--seed must be an integer ≥ 0/);
      expectUserError(
        await runBuiltCli(['train', '--seed', '9007199254740993']),
        /--seed must be an integer of at most 2\^53 − 1 in size, got '9007199254740993'/,
      );
      expectUserError(await runBuiltCli(['bench', '--iters', '0']), /--iters must be an integer ≥ 1, got 0/);
      expectUserError(
        await runBuiltCli(['train', '--itres', '4']),
        /unknown flag --itres for 'train' \(did you mean --iters\?\)/,
      );
    },
    SLOW,
  );

  it(
    'bad tokenizer, config and backend',
    async () => {
      expectUserError(
        await runBuiltCli(['train', '--tokenizer', 'words', '--out', out]),
        /--tokenizer must be 'char', 'bpe' or 'bpe:N'/,
      );
      expectUserError(
        await runBuiltCli(['train', '--tokenizer', 'bpe:99999999', '--out', out]),
        /--tokenizer bpe:N needs 257 ≤ N ≤ 1048576/,
      );
      expectUserError(
        await runBuiltCli(['train', '--config', 'huge', '--out', out]),
        /--config must be a preset \(tiny, baby/,
      );
      expectUserError(
        await runBuiltCli(['train', '--backend', 'gpujs:quantum', '--out', out]),
        /--backend 'gpujs:quantum' is not available/,
      );
      expectUserError(
        await runBuiltCli(['train', '--backend', 'foo', '--out', out]),
        /--backend 'foo' is not available \(have: auto, wasm, cpu, gpujs, gpujs:<mode>\)/,
      );
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ blockSize: 16, nLayer: 1, nHead: 3, nEmbd: 16 }));
      expectUserError(
        await runBuiltCli(['train', '--config', bad, '--out', out]),
        /'nEmbd' \(16\) must be divisible by 'nHead' \(3\)/,
      );
    },
    SLOW,
  );

  it(
    'sizes that cannot fit are refused before anything is allocated',
    async () => {
      expectUserError(
        await runBuiltCli(['train', '--batch', '1e9', '--out', out]),
        /this run cannot be allocated: the attention scores \(batch 1000000000 × heads 4 × context 64²\) .* lower --batch/,
      );
      expectUserError(
        await runBuiltCli(['train', '--config', smallConfig(tempDir(), { blockSize: 1e9 }), '--out', out]),
        /this run cannot be allocated: .*context 1000000000.*; lower --batch, --eval-iters, or the config's blockSize/,
      );
      expectUserError(
        await runBuiltCli([
          'train',
          '--config',
          smallConfig(tempDir(), { nEmbd: 16384, nHead: 1, nLayer: 64 }),
          '--out',
          out,
        ]),
        /this run needs about [\d.]+ TB of memory \(parameters and optimizer [\d.]+ TB, .*\) but [\d.]+ [GT]B is available/,
      );
      expect(existsSync(out)).toBe(false); // refused before the run folder was made
    },
    SLOW,
  );

  it(
    'training text: missing, empty, too short, binary, not UTF-8',
    async () => {
      expectUserError(
        await runBuiltCli(['train', '--data', join(dir, 'nope.txt'), '--out', out]),
        /data file not found: .*nope\.txt/,
      );
      expectUserError(
        await runBuiltCli(['train', '--data', dir, '--out', out]),
        /--data must be a file, got a folder/,
      );
      const empty = join(dir, 'empty.txt');
      writeFileSync(empty, '');
      expectUserError(
        await runBuiltCli(['train', '--data', empty, '--out', out]),
        /the training text is empty/,
      );
      const short = join(dir, 'short.txt');
      writeFileSync(short, 'a short text.');
      expectUserError(
        await runBuiltCli(['train', '--data', short, '--config', cfg, '--out', out]),
        /split \(\d+\) is shorter than the block size \+ 1 \(17\)/,
      );
      const binary = join(dir, 'random.bin');
      const bytes = Buffer.alloc(3000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
      writeFileSync(binary, bytes);
      expectUserError(
        await runBuiltCli(['train', '--data', binary, '--out', out]),
        /random\.bin looks like a binary file, not text \(a NUL byte at offset \d+\)/,
      );
      const latin = join(dir, 'latin1.txt');
      const text = `${builtInCorpus()
        .slice(0, 3000)
        .replace(/[^\x20-\x7e\n]/g, ' ')}\ncafé, naïve, São Paulo\n`;
      writeFileSync(latin, Buffer.from(text, 'latin1'));
      const offset = Buffer.from(text, 'latin1').indexOf(0xe9);
      expectUserError(
        await runBuiltCli(['train', '--data', latin, '--out', out]),
        new RegExp(
          `latin1\\.txt is not valid UTF-8: byte 0xe9 at offset ${offset} \\(line \\d+\\); convert the file to UTF-8, or pass --encoding latin1`,
        ),
      );
      expectUserError(
        await runBuiltCli(['train', '--data', latin, '--encoding', 'ebcdic', '--out', out]),
        /--encoding must be one of utf-8, latin1, got 'ebcdic'/,
      );
      const run = join(dir, 'latin-run');
      const ok = await runBuiltCli(trainArgs(run, cfg, { data: latin, encoding: 'latin1', iters: '2' }));
      expect(ok.code, ok.stderr).toBe(0);
      const sample = await runBuiltCli(['sample', '--ckpt', run, '--prompt', 'São', '--tokens', '3']);
      expect(sample.code, sample.stderr).toBe(0); // ã is in the vocabulary: decoded as Latin-1
    },
    SLOW,
  );

  it(
    'unknown commands; sample and eval on a missing checkpoint',
    async () => {
      expectUserError(await runBuiltCli(['fly']), /unknown command 'fly'/);
      expectUserError(
        await runBuiltCli(['sample', '--ckpt', join(dir, 'none')]),
        /checkpoint folder not found/,
      );
      expectUserError(await runBuiltCli(['eval', '--ckpt', dir]), /eval needs --data/);
      expectUserError(await runBuiltCli(['prepare', 'mnist']), /unknown dataset 'mnist'/);
    },
    SLOW,
  );

  it(
    'a folder edited by hand: weights that do not belong to config.json',
    async () => {
      const run = join(dir, 'run');
      const r = await runBuiltCli(trainArgs(run, cfg, { iters: '2', 'eval-interval': '1' }));
      expect(r.code, r.stderr).toBe(0);
      const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
      writeFileSync(join(run, 'config.json'), JSON.stringify({ ...config, nEmbd: 32 }));
      for (const args of [
        ['sample', '--ckpt', run],
        ['train', '--resume', '--out', run, '--iters', '5'],
      ]) {
        expectUserError(
          await runBuiltCli(args),
          /was saved for another model than .*config\.json describes .*the folder was edited by hand\? Restore config\.json/,
        );
      }
    },
    SLOW,
  );
});

describe('values stay what the user typed', () => {
  it(
    '--out 007 is the folder 007; --prompt 0010 continues "0010"; the largest seed works',
    async () => {
      const dir = tempDir();
      const cfg = smallConfig(dir);
      const seed = String(Number.MAX_SAFE_INTEGER);
      const r = await runBuiltCli(trainArgs('007', cfg, { iters: '2', seed }), { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(dir, '007', 'model.safetensors'))).toBe(true);
      expect(existsSync(join(dir, '7'))).toBe(false);

      const sample = await runBuiltCli(
        ['sample', '--ckpt', '007', '--prompt', '0010', '--tokens', '12', '--seed', seed],
        {
          cwd: dir,
        },
      );
      expect(sample.code, sample.stderr).toBe(0);
      const id = await loadRunFiles(join(dir, '007'));
      const model = new GPT(id.config);
      await loadWeights(join(dir, '007'), model, id);
      model.eval();
      let expected = '';
      for await (const chunk of continueText(model, id.tokenizer, {
        prompt: '0010',
        tokens: 12,
        seed: Number.MAX_SAFE_INTEGER,
      }))
        expected += chunk;
      expect(sample.stdout).toBe(`${expected}\n`);
    },
    SLOW,
  );
});
