import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInCorpus } from '../src/corpus.js';
import { runCli, smallConfig, tempDir } from './helpers.js';

const text = builtInCorpus();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/corpus.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(text);
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the built-in corpus', () => {
  it('is the project’s own course text, over 50 KB, in chapter order', () => {
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(50_000);
    expect(text.indexOf('0.8488')).toBeGreaterThan(0);
    expect(
      text.startsWith(
        readFileSync(new URL('../corpus/01-what-a-network-is.txt', import.meta.url), 'utf8').trim(),
      ),
    ).toBe(true);
  });
});

describe('train → sample → eval', () => {
  const dir = tempDir();
  const run = join(dir, 'run');
  const cfg = smallConfig(dir);

  it('trains from a URL, then samples the same text for the same seed', async () => {
    const t = await runCli(
      'train',
      '--data',
      `${base}/corpus.txt`,
      '--config',
      cfg,
      '--iters',
      '6',
      '--eval-interval',
      '3',
      '--eval-iters',
      '1',
      '--batch',
      '4',
      '--out',
      run,
      '--sample-tokens',
      '20',
    );
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/model: [\d,]+ parameters/);
    expect(t.stdout).toMatch(/iter 6\/6 \| loss \d+\.\d+ \| val \d+\.\d+/);
    expect(t.stdout).toMatch(/done at iteration 6/);
    const a = await runCli(
      'sample',
      '--ckpt',
      run,
      '--prompt',
      'The neuron',
      '--tokens',
      '40',
      '--seed',
      '3',
    );
    const b = await runCli(
      'sample',
      '--ckpt',
      run,
      '--prompt',
      'The neuron',
      '--tokens',
      '40',
      '--seed',
      '3',
    );
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect([...a.stdout.trimEnd()].length).toBe(40);
    const greedy = await runCli('sample', '--ckpt', run, '--tokens', '10', '--temperature', '0');
    expect(greedy.code).toBe(0);
  });

  it('rejects bad sampling options and prompts outside the vocabulary', async () => {
    const r = await runCli('sample', '--ckpt', run, '--top-p', '1.5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--top-p must be a number > 0 and ≤ 1, got 1\.5/);
    const q = await runCli('sample', '--ckpt', run, '--prompt', '漢字');
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/--prompt cannot be encoded/);
  });

  it('eval reports loss and perplexity = e^loss', async () => {
    const file = join(dir, 'held-out.txt');
    writeFileSync(file, text.slice(0, 4000));
    const r = await runCli('eval', '--ckpt', run, '--data', file);
    expect(r.code, r.stderr).toBe(0);
    const m = /loss (\d+\.\d+) \| perplexity (\d+\.\d+) \| (\d+) tokens/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeCloseTo(Math.exp(Number(m![1])), 1);
    expect(Number(m![3])).toBe(Math.floor((4000 - 1) / 16) * 16);
  });
});

describe('prepare', () => {
  it('downloads a dataset to a file', async () => {
    const out = join(tempDir(), 'data', 'shakespeare.txt');
    const r = await runCli('prepare', 'shakespeare', '--url', `${base}/corpus.txt`, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(text);
    expect(r.stdout).toMatch(/wrote .*shakespeare\.txt \([\d,]+ bytes\)/);
  });

  it('says clearly when the server answers an error or cannot be reached', async () => {
    const out = join(tempDir(), 'x.txt');
    const missing = await runCli('prepare', 'shakespeare', '--url', `${base}/missing.txt`, '--out', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/HTTP 404/);
    const offline = await runCli(
      'prepare',
      'shakespeare',
      '--url',
      'http://127.0.0.1:9/input.txt',
      '--out',
      out,
    );
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/cannot download .* are you offline\?/);
  });
});
