// The capstone's worker-side logic in Node: the session the Web Worker runs (commands in, events
// out), the validation split, sampling controls, and the downloaded archive, which the built
// tiny-gpt CLI must read. The same code runs in Chromium in e2e-capstone.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadCount } from '@dendrite/backend-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { chapterCount, courseCorpus } from '../src/corpus.js';
import {
  backendChoices,
  defaultBackend,
  describeGpu,
  type GpuFacts,
  webgpuAdapterFacts,
} from '../src/gpu-modes.js';
import { tarFolder } from '../src/tar.js';
import type { TrainEvent } from '../src/train-protocol.js';
import { EXPORT_FOLDER, TrainSession } from '../src/train-session.js';
import { TinyTrainer } from '../src/trainer.js';
import { tinyGpt } from './support/tiny-gpt.js';

const temps: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'dendrite-capstone-'));
  temps.push(d);
  return d;
};
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A session whose events are recorded; `until` resolves when an event matching `test` arrives. */
function recordedSession() {
  const events: TrainEvent[] = [];
  const waiters: { test: (e: TrainEvent) => boolean; resolve: (e: TrainEvent) => void }[] = [];
  const session = new TrainSession(courseCorpus(), chapterCount, (e) => {
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.test(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  const until = <T extends TrainEvent['type']>(
    type: T,
    test: (e: Extract<TrainEvent, { type: T }>) => boolean = () => true,
  ) =>
    new Promise<Extract<TrainEvent, { type: T }>>((resolve) => {
      const match = (e: TrainEvent) => e.type === type && test(e as Extract<TrainEvent, { type: T }>);
      const seen = events.find(match);
      if (seen) resolve(seen as Extract<TrainEvent, { type: T }>);
      else waiters.push({ test: match, resolve: resolve as (e: TrainEvent) => void });
    });
  return { session, events, until };
}

describe('tarFolder', () => {
  it('writes an archive that tar unpacks to the same bytes', () => {
    const big = new Uint8Array(1300).map((_, i) => (i * 7) % 256);
    const archive = tarFolder('run', { 'a.json': '{"é": 1}\n', 'b.bin': big, 'empty.txt': '' });
    expect(archive.length % 512).toBe(0);
    const dir = tempDir();
    writeFileSync(join(dir, 'run.tar'), archive);
    execFileSync('tar', ['xf', 'run.tar'], { cwd: dir });
    expect(readFileSync(join(dir, 'run', 'a.json'), 'utf8')).toBe('{"é": 1}\n');
    expect(new Uint8Array(readFileSync(join(dir, 'run', 'b.bin')))).toEqual(big);
    expect(readFileSync(join(dir, 'run', 'empty.txt'), 'utf8')).toBe('');
    expect(
      execFileSync('tar', ['tf', 'run.tar'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean),
    ).toEqual(['run/', 'run/a.json', 'run/b.bin', 'run/empty.txt']);
  });
});

describe('the GPU modes offered, and the default backend', () => {
  /** What headless Chromium's SwiftShader shows a worker (measured: see README.md, "Tests"). */
  const swiftshaderWebGpu = webgpuAdapterFacts({
    info: {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: true,
    },
  });
  const swiftshaderGl = {
    name: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    fallback: false,
  };
  const noWebGpu = { missing: 'requestAdapter() found no WebGPU adapter' };
  const everyMode = { modes: ['webgpu', 'webgl2', 'webgl', 'webasm', 'cpu'] };
  /** The choices a page offers (enabled ones), and the one it picks. */
  const offered = (gpu: ReturnType<typeof describeGpu>) =>
    backendChoices({ supported: true, reason: null }, gpu)
      .filter((c) => c.off === '')
      .map((c) => c.value);

  it('real WebGPU hardware: every mode is offered, WebGPU first, and it is the default', () => {
    const gpu = describeGpu({
      gpujs: everyMode,
      found: {
        webgpu: webgpuAdapterFacts({
          info: { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' },
        }),
        webgl2: { name: 'ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0)', fallback: false },
        webgl: { name: 'ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0)', fallback: false },
      },
    });
    expect(gpu.modes).toEqual([
      { mode: 'webgpu', adapter: 'nvidia hopper NVIDIA H200', hardware: true },
      { mode: 'webgl2', adapter: 'ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0)', hardware: true },
      { mode: 'webgl', adapter: 'ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0)', hardware: true },
    ]);
    expect(gpu.unavailable).toEqual([]);
    expect(defaultBackend(true, gpu)).toBe('gpujs:webgpu');
    expect(offered(gpu)).toEqual(['wasm', 'cpu', 'gpujs:webgpu', 'gpujs:webgl2', 'gpujs:webgl']);
  });

  it('software WebGPU and software WebGL2 (SwiftShader): both offered, the default stays wasm', () => {
    const gpu = describeGpu({
      gpujs: { modes: ['webgpu', 'webgl2', 'webasm', 'cpu'] },
      found: { webgpu: swiftshaderWebGpu, webgl2: swiftshaderGl, webgl: { missing: 'no webgl context' } },
    });
    expect(gpu.modes).toEqual([
      { mode: 'webgpu', adapter: 'google swiftshader', hardware: false },
      { mode: 'webgl2', adapter: swiftshaderGl.name, hardware: false },
    ]);
    expect(gpu.unavailable).toEqual([{ mode: 'webgl', reason: 'no webgl context' }]);
    expect(defaultBackend(true, gpu)).toBe('wasm');
    expect(defaultBackend(false, gpu)).toBe('cpu'); // no WebAssembly SIMD: still not the software GPU
    expect(offered(gpu)).toEqual(['wasm', 'cpu', 'gpujs:webgpu', 'gpujs:webgl2']);
    // A fallback adapter is software even when its name does not say so.
    expect(webgpuAdapterFacts({ info: { vendor: 'acme', isFallbackAdapter: true } })).toEqual({
      name: 'acme',
      fallback: true,
    });
    const fallback = describeGpu({
      gpujs: everyMode,
      found: {
        webgpu: webgpuAdapterFacts({ info: { vendor: 'acme' }, isFallbackAdapter: true }),
        webgl2: { missing: 'no webgl2 context' },
        webgl: { missing: 'no webgl context' },
      },
    });
    expect(fallback.modes).toEqual([{ mode: 'webgpu', adapter: 'acme', hardware: false }]);
    expect(defaultBackend(true, fallback)).toBe('wasm');
    // Chromium without --enable-unsafe-webgpu: no adapter, WebGL2 on SwiftShader only.
    const glOnly = describeGpu({
      gpujs: everyMode,
      found: { webgpu: noWebGpu, webgl2: swiftshaderGl, webgl: swiftshaderGl },
    });
    expect(glOnly.modes.map((m) => m.mode)).toEqual(['webgl2', 'webgl']);
    expect(glOnly.unavailable).toEqual([{ mode: 'webgpu', reason: noWebGpu.missing }]);
    expect(defaultBackend(true, glOnly)).toBe('wasm');
  });

  it('software WebGPU but WebGL2 on hardware: the default is the best hardware mode', () => {
    const gpu = describeGpu({
      gpujs: everyMode,
      found: {
        webgpu: swiftshaderWebGpu,
        webgl2: {
          name: 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
          fallback: false,
        },
        webgl: { missing: 'no webgl context' },
      },
    });
    expect(gpu.modes.map((m) => [m.mode, m.hardware])).toEqual([
      ['webgpu', false],
      ['webgl2', true],
    ]);
    expect(defaultBackend(true, gpu)).toBe('gpujs:webgl2');
  });

  it('no GPU: only wasm and cpu are offered, each GPU mode says why not, the default is wasm', () => {
    const facts: GpuFacts = {
      gpujs: { modes: ['webasm', 'cpu'] },
      found: {
        webgpu: { missing: 'navigator.gpu is missing (no WebGPU in this browser or context)' },
        webgl2: { missing: 'no canvas (no OffscreenCanvas) for WebGL' },
        webgl: { missing: 'no canvas (no OffscreenCanvas) for WebGL' },
      },
    };
    const gpu = describeGpu(facts);
    expect(gpu.modes).toEqual([]);
    expect(gpu.unavailable.map((m) => m.mode)).toEqual(['webgpu', 'webgl2', 'webgl']);
    expect(defaultBackend(true, gpu)).toBe('wasm');
    expect(defaultBackend(true, null)).toBe('wasm'); // before the probe answers
    expect(offered(gpu)).toEqual(['wasm', 'cpu']);
    const choices = backendChoices({ supported: true, reason: null }, gpu);
    expect(choices.find((c) => c.value === 'gpujs:webgpu')?.off).toBe(
      'navigator.gpu is missing (no WebGPU in this browser or context)',
    );
    // A context gpu.js itself refuses, or gpu.js failing to load, is not offered either.
    expect(
      describeGpu({ ...facts, found: { ...facts.found, webgl2: swiftshaderGl } }).unavailable[1].reason,
    ).toMatch(/^gpu.js cannot run its kernels on ANGLE/);
    expect(
      describeGpu({ gpujs: { error: 'boom' }, found: { ...facts.found, webgl2: swiftshaderGl } })
        .unavailable[1],
    ).toEqual({ mode: 'webgl2', reason: 'gpu.js did not load (boom)' });
  });
});

describe('the trainer: validation split and sampling controls', () => {
  it('holds out the end of the text and evaluates on the same fixed batches every time', async () => {
    const trainer = new TinyTrainer(courseCorpus(), { valFraction: 0.1, nEmbd: 16, blockSize: 16, batch: 4 });
    expect(trainer.hasValidation).toBe(true);
    const first = await trainer.evaluate(2);
    expect(await trainer.evaluate(2)).toBe(first); // fixed batches: the same number again
    expect(first).toBeGreaterThan(Math.log(trainer.config.vocabSize) - 0.5);
    for (let i = 0; i < 30; i++) await trainer.step();
    expect(await trainer.evaluate(2)).toBeLessThan(first - 0.3);
    await expect(new TinyTrainer(courseCorpus(), { nEmbd: 16 }).evaluate()).rejects.toThrow(
      /no text is held out/,
    );
    trainer.dispose();
  });

  it('samples from the prompt; temperature and top-k change the text, the seed repeats it', async () => {
    const trainer = new TinyTrainer(courseCorpus(), { nEmbd: 16, blockSize: 16, batch: 4 });
    for (let i = 0; i < 20; i++) await trainer.step();
    const cold = await trainer.sample('A neuron', 40, 1, undefined, { temperature: 0.1, topK: 1 });
    const hot = await trainer.sample('A neuron', 40, 1, undefined, { temperature: 2, topK: 100 });
    expect(cold.startsWith('A neuron')).toBe(true);
    expect(hot.startsWith('A neuron')).toBe(true);
    expect(hot).not.toBe(cold);
    expect(await trainer.sample('A neuron', 40, 1, undefined, { temperature: 2, topK: 100 })).toBe(hot);
    trainer.dispose();
  });
});

describe('the training session (what the Web Worker runs)', () => {
  it('a Train that cannot start reports why and that it is not running', async () => {
    const { session, events } = recordedSession();
    await session.init({ probeGpu: false });
    const sampling = { prompt: 'The ', temperature: 0.8, topK: 20, tokens: 10, every: 50 };
    // No GPU was looked for: the gpu.js choice cannot start.
    await session.handle({
      type: 'start',
      model: { nLayer: 1, nEmbd: 16, blockSize: 16, batch: 4, lr: 0.01, backend: 'gpujs:webgpu' },
      sampling,
      eval: { every: 10, batches: 1 },
    });
    expect(events.slice(-2)).toEqual([
      { type: 'error', message: 'gpu.js cannot run webgpu here (not probed)' },
      { type: 'state', state: 'stopped' },
    ]);
    await session.handle({ type: 'continue', sampling, eval: { every: 10, batches: 1 } });
    expect(events.at(-2)).toEqual({ type: 'error', message: 'no model yet: press Train' });
    await session.dispose();
  });

  it('trains on wasm with threads, reports steps and validation points, stops within a step, samples and exports a run folder tiny-gpt reads', async () => {
    const { session, events, until } = recordedSession();
    const ready = await session.init({ probeGpu: false });
    expect(ready.wasm.supported).toBe(true);
    expect(ready.corpus.chapters).toBe(16);
    // Node may block on shared memory: the backend's kernel workers start (one fewer than the cores).
    expect(ready.threads).toBe(1 + threadCount());
    const sampling = { prompt: 'The ', temperature: 0.8, topK: 20, tokens: 30, every: 20 };
    void session.handle({
      type: 'start',
      model: { nLayer: 1, nEmbd: 16, blockSize: 16, batch: 4, lr: 0.01, backend: 'wasm' },
      sampling,
      eval: { every: 10, batches: 2 },
    });
    expect((await until('model')).backend).toBe('wasm');
    await until('eval', (e) => e.step === 20);
    await session.handle({ type: 'stop' });
    await until('state', (e) => e.state === 'stopped');
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.length).toBeGreaterThanOrEqual(20);
    expect(steps.length).toBeLessThanOrEqual(22); // the step in progress, then the loop reads Stop
    const vals = events.flatMap((e) => (e.type === 'eval' ? [e] : []));
    expect(vals[0].step).toBe(0); // the untrained model's validation loss
    expect(vals.at(-1)!.valLoss).toBeLessThan(vals[0].valLoss);
    expect(events.some((e) => e.type === 'sample' && e.step === 20 && e.text.startsWith('The '))).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);

    await session.handle({ type: 'sample', sampling: { ...sampling, prompt: 'Gradient', temperature: 0.5 } });
    const sample = events.at(-1);
    expect(
      sample?.type === 'sample' && sample.text.startsWith('Gradient') && sample.temperature === 0.5,
    ).toBe(true);

    await session.handle({ type: 'export' });
    const exported = events.at(-1);
    if (exported?.type !== 'export') throw new Error(`expected the export, got ${JSON.stringify(exported)}`);
    expect(exported.name).toBe(`${EXPORT_FOLDER}.tar`);
    const dir = tempDir();
    writeFileSync(join(dir, exported.name), exported.bytes);
    execFileSync('tar', ['xf', exported.name], { cwd: dir });
    const ckpt = join(dir, EXPORT_FOLDER);
    const text = tinyGpt(['sample', '--ckpt', ckpt, '--prompt', 'The ', '--tokens', '40', '--seed', '1']);
    expect(text.trim().length).toBeGreaterThan(10);
    writeFileSync(join(dir, 'val.txt'), courseCorpus().slice(-4000));
    expect(tinyGpt(['eval', '--ckpt', ckpt, '--data', join(dir, 'val.txt')])).toMatch(/loss/);
    await session.dispose();
    expect(threadCount()).toBe(0);
  }, 120_000);
});
