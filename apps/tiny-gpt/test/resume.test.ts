import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILES } from '../src/checkpoint.js';
import { DivergedError } from '../src/errors.js';
import { train } from '../src/train.js';
import { smallConfig, tempDir } from './helpers.js';

describe('--resume', () => {
  it('continues bit-identically: stopped at k and resumed equals one uninterrupted run', async () => {
    const dir = tempDir();
    // dropout on, so the dropout generator's state must be restored too
    const config = smallConfig(dir, { dropout: 0.1 });
    const common = { config, iters: 14, evalInterval: 4, evalIters: 2, batch: 4, seed: 7 };
    const full = await train({ ...common, out: join(dir, 'full') });
    expect(full.losses).toHaveLength(14);

    const first = await train({ ...common, out: join(dir, 'split'), stopAfter: 6 });
    expect(first.stoppedBy).toBe('stop-after');
    expect(first.iter).toBe(6);
    const second = await train({ out: join(dir, 'split'), resume: true });
    expect(second.iter).toBe(14);
    expect([...first.losses, ...second.losses]).toEqual(full.losses);

    // metrics.jsonl holds each logged iteration once, in order
    const iters = readFileSync(join(dir, 'split', FILES.metrics), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).iter);
    expect(iters).toEqual([...iters].sort((a, b) => a - b));
    expect(new Set(iters).size).toBe(iters.length);
    expect(iters.at(-1)).toBe(14);
  });

  it('writes every output file, and a plot with the loss curves', async () => {
    const dir = tempDir();
    await train({
      config: smallConfig(dir),
      iters: 4,
      evalInterval: 2,
      evalIters: 1,
      batch: 2,
      out: join(dir, 'run'),
    });
    for (const f of Object.values(FILES)) expect(existsSync(join(dir, 'run', f)), f).toBe(true);
    const svg = readFileSync(join(dir, 'run', FILES.plot), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path d="M/g)?.length).toBe(3);
    const config = JSON.parse(readFileSync(join(dir, 'run', FILES.config), 'utf8'));
    expect(config).toMatchObject({ blockSize: 16, nLayer: 1, nEmbd: 16 });
  });
});

describe('a diverging run', () => {
  it('stops with a clear message and keeps the last good checkpoint', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    let error: unknown;
    try {
      await train({
        config: smallConfig(dir),
        iters: 200,
        evalInterval: 1,
        evalIters: 1,
        batch: 2,
        lr: 1e6,
        gradClip: 0,
        out,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as Error).message).toMatch(/the loss became (NaN|Infinity|-Infinity) at iteration \d+/);
    expect((error as Error).message).toMatch(/the last good checkpoint \(iteration \d+\) in .* is kept/);
    const resumed = await train({ out, resume: true, stopAfter: 1 }).catch((e) => e);
    // the checkpoint on disk is loadable (training from it may diverge again, but it loads)
    expect(resumed instanceof DivergedError || (resumed as { iter: number }).iter > 0).toBe(true);
  });
});
