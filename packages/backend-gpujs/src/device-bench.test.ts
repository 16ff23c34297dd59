import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ELEMENTS, microBatches } from '../bench/batching.js';
import { testModes } from './test/modes.js';

/**
 * The device bench (bench/device.mjs) as it travels to a GPU machine: bundled by
 * bench/bundle-device.mjs into one file beside a copy of Dawn, then run with `--quick` under Node —
 * in webgpu when an adapter answers here (lavapipe in CI), else in webasm. Structure and sanity
 * only, never speed.
 */
const run = promisify(execFile);
const bench = fileURLToPath(new URL('../bench/', import.meta.url));
const mode = (await testModes()).includes('webgpu') ? 'webgpu' : 'webasm';

interface MatmulRow {
  N: number;
  kernel: string;
  gflops: number;
  msPerProduct: number;
  dispatchesPerChain: number;
}
interface GptRow {
  name: string;
  microBatches: number;
  preset: string;
  nLayer: number;
  nHead: number;
  dropout: number;
  msPerIter: number;
  tokensPerSec: number;
  loss: number;
  dispatchesPerStep: number;
  uploadsPerStep: number;
  compilesAfterWarmup: number;
  countStep: { dispatches: number; uploads: number; reads: number };
}
interface Report {
  mode: string;
  quick: boolean;
  corpus: string;
  matmul: MatmulRow[];
  gpt: GptRow[];
  verdicts: string[];
}

describe('device bench micro-batches', () => {
  const SHAKESPEARE = { blockSize: 256, nHead: 6, nEmbd: 384, vocabSize: 65 };
  const BABY = { blockSize: 64, nHead: 4, nEmbd: 128, vocabSize: 65 };

  it('split a batch whose activations pass 2²⁴ elements per tensor, into a divisor of it', () => {
    expect(MAX_ELEMENTS).toBe(16_777_216);
    expect(microBatches(SHAKESPEARE, 64)).toBe(2); // [64, 6, 256, 256]: 25.2 M elements
    expect(microBatches(SHAKESPEARE, 42)).toBe(1); // 42 · 393,216 ≤ 2²⁴
    expect(microBatches(SHAKESPEARE, 43)).toBe(43); // prime: one sequence at a time
    expect(microBatches(BABY, 12)).toBe(1);
  });

  it('refuse a batch that is not a positive integer, or a sequence that alone is too large', () => {
    expect(() => microBatches(BABY, 0)).toThrow(RangeError);
    expect(() => microBatches({ ...SHAKESPEARE, blockSize: 2048 }, 1)).toThrow(/one sequence needs 25165824/);
  });
});

describe(`device bench bundle (--quick, ${mode})`, () => {
  let dir: string;
  let stdout: string;
  let report: Report;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dendrite-device-bench-'));
    await run(process.execPath, [join(bench, 'bundle-device.mjs'), '--out', dir, '--corpus', 'none']);
    const json = join(dir, 'bench.json');
    // from a folder outside the repository: the bundle must need nothing but itself and Dawn
    const out = await run(
      process.execPath,
      [join(dir, 'bench.mjs'), '--quick', '--mode', mode, '--json', json],
      {
        cwd: dir,
        maxBuffer: 16 * 2 ** 20,
      },
    );
    stdout = out.stdout;
    report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the mode it ran, on the generated corpus of tiny Shakespeare’s characters', () => {
    expect(report.mode).toBe(mode);
    expect(report.quick).toBe(true);
    expect(report.corpus).toMatch(/generated text of tiny Shakespeare's 65 characters/);
  });

  it('measures matmul with the gpu.js kernel, and the tiled WGSL kernel in webgpu', () => {
    const kernels = mode === 'webgpu' ? ['gpu.js kernel', 'tiled WGSL'] : ['gpu.js kernel'];
    expect(report.matmul.map((r) => [r.N, r.kernel])).toEqual(
      [64, 128].flatMap((N) => kernels.map((k) => [N, k])),
    );
    for (const row of report.matmul) {
      expect(row.gflops).toBeGreaterThan(0);
      expect(Number.isFinite(row.gflops)).toBe(true);
      expect(row.msPerProduct).toBeGreaterThan(0);
      expect(row.dispatchesPerChain).toBe(11); // 10 products, then the corner that is read back
    }
  });

  it('trains baby GPT and shakespeare_char with their depth, heads and dropout', () => {
    expect(report.gpt.map((r) => [r.preset, r.nLayer, r.nHead, r.dropout])).toEqual([
      ['baby', 4, 4, 0],
      ['shakespeare-char', 6, 6, 0.2],
    ]);
    for (const row of report.gpt) {
      expect(row.msPerIter).toBeGreaterThan(0);
      expect(row.tokensPerSec).toBeGreaterThan(0);
      expect(row.loss).toBeGreaterThan(0);
      expect(Number.isFinite(row.loss)).toBe(true);
      expect(row.compilesAfterWarmup).toBe(0);
      expect(row.microBatches).toBe(1);
    }
  });

  it('counts the dispatches of a step as tiny-gpt’s countStep does', () => {
    for (const row of report.gpt) {
      expect(row.dispatchesPerStep).toBeGreaterThan(0);
      expect(row.dispatchesPerStep).toBe(row.countStep.dispatches);
      expect(row.uploadsPerStep).toBe(row.countStep.uploads);
      expect(row.countStep.reads).toBe(1); // the loss
    }
    // dropout draws a mask per use: shakespeare_char (dropout 0.2) uploads more than baby (dropout 0)
    expect(report.gpt[1].uploadsPerStep).toBeGreaterThan(report.gpt[0].uploadsPerStep);
  });

  it('prints the tables and a verdict per goal', () => {
    expect(stdout).toContain(`# gpu.js backend on ${mode}`);
    expect(stdout).toMatch(/\| N +\| +kernel \| GFLOPS \|/);
    expect(stdout).toMatch(/\| baby GPT \(4 layers, 4 heads, width 32, dropout 0\) +\|/);
    expect(stdout).toMatch(/\| shakespeare_char \(6 layers, 6 heads, width 48, dropout 0\.2\) +\|/);
    expect(report.verdicts).toEqual([
      'matmul N = 4096: not measured (sizes 64, 128)',
      'shakespeare_char: not measured at full size (--quick shrinks the batch and the context)',
    ]);
  });

  it('accumulates the gradients of micro-batches into one step (--micro-batches 2, webasm)', async () => {
    const json = join(dir, 'micro.json');
    const args = ['--quick', '--mode', 'webasm', '--sizes', '8', '--micro-batches', '2', '--json', json];
    await run(process.execPath, [join(dir, 'bench.mjs'), ...args], { cwd: dir });
    const micro = JSON.parse(readFileSync(json, 'utf8')) as Report;
    for (const row of micro.gpt) {
      expect(row.microBatches).toBe(2);
      expect(Number.isFinite(row.loss) && row.loss > 0).toBe(true);
      // two forward/backward passes and one update: more than one step of countStep, less than two
      expect(row.dispatchesPerStep).toBeGreaterThan(row.countStep.dispatches);
      expect(row.dispatchesPerStep).toBeLessThan(2 * row.countStep.dispatches);
      // the token batches and dropout masks of both micro-batches
      expect(row.uploadsPerStep).toBeGreaterThanOrEqual(2 * row.countStep.uploads);
    }
  }, 240_000);

  it('refuses an unknown mode', async () => {
    await expect(run(process.execPath, [join(dir, 'bench.mjs'), '--mode', 'metal'])).rejects.toThrow(
      /--mode must be one of webgpu, webasm, cpu, got 'metal'/,
    );
  });
});
