/**
 * The capstone's training, as its Web Worker runs it (train-worker.ts is the glue): one
 * {@link TinyTrainer} at a time, driven by the page's commands, reporting every step, a validation
 * loss every few steps, samples and the checkpoint download. It runs anywhere a `post` function
 * can deliver its events, so the Node tests drive it directly.
 *
 * Only one thing touches the model at a time: a training step, a validation pass, a sample and an
 * export each wait for the one before ({@link TrainSession.exclusive}). Between two steps the loop
 * yields to the event loop, so a Stop (or a Sample) that arrived during a step is read right after
 * it: Stop answers within one step.
 */
import { cpuBackend } from '@dendrite/tensor';
import { describeGpu, type GpuFacts, webgpuAdapterFacts } from './gpu-modes.js';
import { tarFolder } from './tar.js';
import type {
  GpuMode,
  GpuReport,
  ReadyReport,
  SamplingSettings,
  TrainCommand,
  TrainEvent,
} from './train-protocol.js';
import { type TinyTrainer, TinyTrainer as Trainer } from './trainer.js';

/** The held-out share of the corpus, as `tiny-gpt train` holds out. */
export const VAL_FRACTION = 0.1;

/** The folder inside the downloaded archive (and the archive's name without `.tar`). */
export const EXPORT_FOLDER = 'tiny-gpt-run';

type Post = (event: TrainEvent, transfer?: Transferable[]) => void;
type WasmModule = typeof import('@dendrite/backend-wasm');
type GpujsModule = typeof import('@dendrite/backend-gpujs');

/** Lets queued messages (a Stop, a Sample) run: one macrotask, without a timer's clamping. */
function yieldToEvents(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A WebGL context's renderer (unmasked where the browser allows), or null when there is no context. */
function glRenderer(kind: 'webgl2' | 'webgl'): string | null {
  const canvas =
    typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
  const gl = canvas.getContext(kind) as WebGLRenderingContext | null;
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext(); // a probe holds no context
  return renderer;
}

/**
 * The GPU modes gpu.js can use in this thread (webgpu, webgl2, webgl), each with the adapter behind
 * it. In a Web Worker, WebGL comes from an `OffscreenCanvas` and WebGPU from the worker's own
 * `navigator.gpu` (which needs a secure context: https, or http on localhost).
 */
export async function probeGpu(load: () => Promise<GpujsModule>): Promise<GpuReport> {
  const found = {} as GpuFacts['found'];
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  if (!nav?.gpu)
    found.webgpu = { missing: 'navigator.gpu is missing (no WebGPU in this browser or context)' };
  else {
    const adapter = (await nav.gpu.requestAdapter().catch(() => null)) as
      | Parameters<typeof webgpuAdapterFacts>[0]
      | null;
    found.webgpu = adapter
      ? webgpuAdapterFacts(adapter)
      : { missing: 'requestAdapter() found no WebGPU adapter' };
  }
  const canvas = typeof OffscreenCanvas !== 'undefined' || typeof document !== 'undefined';
  for (const kind of ['webgl2', 'webgl'] as const) {
    const renderer = canvas ? glRenderer(kind) : null;
    found[kind] = renderer
      ? { name: renderer, fallback: false }
      : { missing: canvas ? `no ${kind} context` : 'no canvas (no OffscreenCanvas) for WebGL' };
  }
  let gpujs: GpuFacts['gpujs'];
  try {
    gpujs = { modes: await (await load()).availableModes() };
  } catch (err) {
    gpujs = { error: message(err) };
  }
  return describeGpu({ gpujs, found });
}

export class TrainSession {
  private trainer: TinyTrainer | null = null;
  private wasm: WasmModule | null = null;
  private gpujs: Promise<GpujsModule> | null = null;
  private gpu: GpuReport | null = null;
  private running = false;
  private stopRequested = false;
  private sampling: SamplingSettings = { prompt: 'The ', temperature: 0.8, topK: 20, tokens: 160, every: 50 };
  private evalEvery = 25;
  private evalBatches = 4;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly text: string,
    private readonly chapters: number,
    private readonly post: Post,
  ) {}

  /**
   * Loads the WebAssembly backend and starts its threads where this thread may block on shared
   * memory (a Web Worker of a cross-origin-isolated page; Node), then reports what runs here —
   * and, after that, what gpu.js finds.
   */
  async init(options: { probeGpu?: boolean } = {}): Promise<ReadyReport> {
    let wasm: ReadyReport['wasm'] = { supported: false, reason: 'not loaded' };
    let threads = 1;
    let threadsReason: string | null = null;
    try {
      this.wasm = await import('@dendrite/backend-wasm');
      wasm = this.wasm.wasmSupport();
      if (wasm.supported) {
        const support = this.wasm.threadSupport();
        threads = 1 + (support.supported ? await this.wasm.enableThreads() : 0);
        if (threads === 1) threadsReason = support.reason ?? 'this machine has one core';
      }
    } catch (err) {
      wasm = { supported: false, reason: message(err) };
    }
    if (!wasm.supported) threadsReason = 'no WebAssembly SIMD';
    const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
    const ready: ReadyReport = {
      corpus: { chars: this.text.length, chapters: this.chapters },
      wasm,
      threads,
      threadsReason,
      isolated: g.crossOriginIsolated === true,
      cores: g.navigator?.hardwareConcurrency ?? 1,
    };
    this.post({ type: 'ready', ...ready });
    if (options.probeGpu !== false) {
      this.gpu = await probeGpu(() => this.loadGpujs());
      this.post({ type: 'gpu', gpu: this.gpu });
    }
    return ready;
  }

  private loadGpujs(): Promise<GpujsModule> {
    this.gpujs ??= import('@dendrite/backend-gpujs');
    return this.gpujs;
  }

  /** Runs `fn` after everything queued before it: one user of the model at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Handles one command from the page; failures are reported as `error` events. */
  handle(command: TrainCommand): Promise<void> {
    const run = async () => {
      switch (command.type) {
        case 'start':
          if (this.trainer || this.running) throw new Error('a model exists already: Reset first');
          this.sampling = command.sampling;
          this.setEval(command.eval);
          await this.exclusive(() => this.build(command));
          return this.train();
        case 'continue':
          if (!this.trainer) throw new Error('no model yet: press Train');
          this.sampling = command.sampling;
          this.setEval(command.eval);
          return this.train();
        case 'stop':
          this.stopRequested = true;
          return;
        case 'sampling':
          this.sampling = command.sampling;
          return;
        case 'sample':
          this.sampling = command.sampling;
          return this.exclusive(() => this.writeSample());
        case 'export':
          return this.exclusive(() => this.export());
      }
    };
    return run().catch((err) => {
      this.post({ type: 'error', message: message(err) });
      // A Train that failed before its loop started (a backend that would not start): not running.
      if ((command.type === 'start' || command.type === 'continue') && !this.running)
        this.post({ type: 'state', state: 'stopped' });
    });
  }

  private setEval(e: { every: number; batches: number }): void {
    this.evalEvery = Math.max(1, Math.floor(e.every));
    this.evalBatches = Math.max(1, Math.floor(e.batches));
  }

  private async build(command: Extract<TrainCommand, { type: 'start' }>): Promise<void> {
    const { backend: choice, ...sizes } = command.model;
    let backend = cpuBackend;
    if (choice === 'wasm') {
      if (!this.wasm?.wasmSupport().supported)
        throw new Error('WebAssembly SIMD does not run here: choose cpu');
      backend = this.wasm.wasmBackend;
    } else if (choice !== 'cpu') {
      const mode = choice.slice('gpujs:'.length) as GpuMode;
      if (!this.gpu) throw new Error(`gpu.js cannot run ${mode} here (not probed)`);
      if (!this.gpu.modes.some((m) => m.mode === mode)) {
        const why = this.gpu.unavailable.find((m) => m.mode === mode)?.reason ?? 'not a GPU mode';
        throw new Error(`gpu.js cannot run ${mode} here (${why})`);
      }
      const g = await this.loadGpujs();
      backend = await g.gpujsBackend({ mode });
    }
    const nHead = sizes.nEmbd >= 64 ? 4 : 2;
    this.trainer = new Trainer(this.text, {
      ...sizes,
      nHead,
      seed: 1337,
      valFraction: VAL_FRACTION,
      backend,
    });
    this.post({ type: 'model', backend: this.trainer.backendName, parameters: this.trainer.parameterCount });
  }

  /** The loop: a step, its report, an evaluation or sample when due, then the event loop's turn. */
  private async train(): Promise<void> {
    const t = this.trainer;
    if (!t || this.running) return;
    this.running = true;
    this.stopRequested = false;
    this.post({ type: 'state', state: 'running' });
    try {
      if (t.losses.length === 0) await this.exclusive(() => this.evaluate());
      let started = performance.now();
      let tokens = 0;
      let tokensPerSecond: number | null = null;
      while (!this.stopRequested) {
        const loss = await this.exclusive(() => t.step());
        tokens += t.options.batch * t.options.blockSize;
        const seconds = (performance.now() - started) / 1000;
        if (seconds >= 1) {
          tokensPerSecond = tokens / seconds;
          started = performance.now();
          tokens = 0;
        }
        const step = t.losses.length;
        this.post({ type: 'step', step, loss, tokensPerSecond });
        if (!Number.isFinite(loss))
          throw new Error(`the loss became ${loss}: lower the learning rate and reset`);
        if (step % this.evalEvery === 0) await this.exclusive(() => this.evaluate());
        if (step % this.sampling.every === 0) await this.exclusive(() => this.writeSample());
        await yieldToEvents();
      }
      await this.exclusive(() => this.writeSample());
    } finally {
      this.running = false;
      this.post({ type: 'state', state: 'stopped' });
    }
  }

  private async evaluate(): Promise<void> {
    const t = this.trainer;
    if (!t) return;
    const valLoss = await t.evaluate(this.evalBatches);
    this.post({ type: 'eval', step: t.losses.length, valLoss });
  }

  private async writeSample(): Promise<void> {
    const t = this.trainer;
    if (!t) return;
    const { prompt, temperature, topK, tokens } = this.sampling;
    const text = await t.sample(prompt, tokens, 1, undefined, { temperature, topK });
    this.post({ type: 'sample', step: t.losses.length, text, prompt, temperature, topK });
  }

  /** The model as a tiny-gpt run folder in a tar archive (the bytes are transferred, not copied). */
  private async export(): Promise<void> {
    const t = this.trainer;
    if (!t) throw new Error('no model yet: press Train');
    const bytes = tarFolder(EXPORT_FOLDER, await t.checkpoint());
    this.post({ type: 'export', name: `${EXPORT_FOLDER}.tar`, bytes }, [bytes.buffer]);
  }

  /** Frees the model and stops the kernel threads (the page's Reset ends the whole worker instead). */
  async dispose(): Promise<void> {
    this.stopRequested = true;
    await this.chain;
    this.trainer?.dispose();
    this.trainer = null;
    await this.wasm?.disableThreads();
  }
}
