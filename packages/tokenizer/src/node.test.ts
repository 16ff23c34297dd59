import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainBPE } from './bpe-train.js';
import { BYTE_TO_UNICODE } from './bytes.js';
import { CharTokenizer } from './char.js';
import { TokenizerError } from './errors.js';
import { readHFTokenizerFile, readTiktokenFile, readTokenizerFile, writeTokenizerFile } from './node.js';
import { GPT2_PATTERN } from './pretokenize.js';
import { toTiktokenRanks } from './tiktoken.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@dendrite/tokenizer/node file helpers', () => {
  it('write and read Dendrite JSON files', async () => {
    const tok = CharTokenizer.fromCorpus('hello');
    const path = join(dir, 'char.json');
    await writeTokenizerFile(path, tok);
    const again = await readTokenizerFile(path);
    expect(again.encode('hello')).toEqual(tok.encode('hello'));
  });

  it('read .tiktoken rank files', async () => {
    const tok = trainBPE('low lower lowest', { vocabSize: 262, pattern: GPT2_PATTERN });
    const path = join(dir, 'tiny.tiktoken');
    writeFileSync(path, toTiktokenRanks(tok));
    const again = await readTiktokenFile(path, { pattern: GPT2_PATTERN });
    expect(again.encode(' lowest')).toEqual(tok.encode(' lowest'));
  });

  it('read tokenizer.json files and report errors', async () => {
    const vocab: Record<string, number> = {};
    for (let b = 0; b < 256; b++) vocab[BYTE_TO_UNICODE[b]] = b;
    vocab.hi = 256;
    const path = join(dir, 'tokenizer.json');
    writeFileSync(
      path,
      JSON.stringify({
        pre_tokenizer: { type: 'ByteLevel' },
        model: { type: 'BPE', vocab, merges: ['h i'] },
      }),
    );
    expect((await readHFTokenizerFile(path)).encode('hi!')).toEqual([256, 33]);
    writeFileSync(path, JSON.stringify({ model: { type: 'Unigram' } }));
    await expect(readHFTokenizerFile(path)).rejects.toThrow(TokenizerError);
  });
});
