/**
 * The messages between the capstone page and its training worker (train-worker.ts). The page sends
 * commands and only draws; the worker owns the model, its optimizer and the data, and reports
 * progress. Everything here is plain data (structured-clonable).
 */

/** The gpu.js modes that compute on a GPU, best first: the order the capstone offers them in. */
export const GPU_MODES = ['webgpu', 'webgl2', 'webgl'] as const;
export type GpuMode = (typeof GPU_MODES)[number];

/**
 * Where the model's tensors live: WebAssembly SIMD, the TypeScript reference, or gpu.js in one of
 * its GPU modes (the name is the backend's own: `gpujs:webgpu`).
 */
export type BackendChoice = 'wasm' | 'cpu' | `gpujs:${GpuMode}`;

/** What defines a model: fixed from Train until Reset. */
export interface ModelSettings {
  nLayer: number;
  nEmbd: number;
  /** Context length in characters. */
  blockSize: number;
  batch: number;
  lr: number;
  backend: BackendChoice;
}

/** How samples are written: may change at any time. */
export interface SamplingSettings {
  /** The text the sample continues (characters the model does not know are dropped). */
  prompt: string;
  temperature: number;
  topK: number;
  /** Characters to write. */
  tokens: number;
  /** Write a sample every this many steps while training (and when training stops). */
  every: number;
}

/** How often the validation loss is measured, and on how many fixed batches of the held-out text. */
export interface EvalSettings {
  every: number;
  batches: number;
}

export type TrainCommand =
  | { type: 'start'; model: ModelSettings; sampling: SamplingSettings; eval: EvalSettings }
  | { type: 'continue'; sampling: SamplingSettings; eval: EvalSettings }
  | { type: 'stop' }
  | { type: 'sampling'; sampling: SamplingSettings }
  | { type: 'sample'; sampling: SamplingSettings }
  | { type: 'export' };

/** One GPU mode that runs here, and the adapter behind it. */
export interface GpuModeReport {
  mode: GpuMode;
  /** The adapter or renderer, as the browser names it. */
  adapter: string;
  /** False for a software renderer (SwiftShader, llvmpipe, lavapipe): offered, never the default. */
  hardware: boolean;
}

/** What the worker found out about the GPU through gpu.js (it never trains there unasked). */
export interface GpuReport {
  /** Every GPU mode gpu.js runs here (of webgpu, webgl2, webgl), best first. */
  modes: GpuModeReport[];
  /** The GPU modes that do not run here, each with why. */
  unavailable: { mode: GpuMode; reason: string }[];
}

export interface ReadyReport {
  corpus: { chars: number; chapters: number };
  /** Whether WebAssembly SIMD runs, and if not why. */
  wasm: { supported: boolean; reason: string | null };
  /** Threads the WebAssembly backend computes on: the worker itself plus its kernel workers. */
  threads: number;
  /** Why there is only one thread (null when there are more). */
  threadsReason: string | null;
  /** `crossOriginIsolated` as the worker sees it. */
  isolated: boolean;
  /** `navigator.hardwareConcurrency` in the worker. */
  cores: number;
}

export type TrainEvent =
  | ({ type: 'ready' } & ReadyReport)
  | { type: 'gpu'; gpu: GpuReport }
  | { type: 'model'; backend: string; parameters: number }
  | { type: 'state'; state: 'running' | 'stopped' }
  | { type: 'step'; step: number; loss: number; tokensPerSecond: number | null }
  | { type: 'eval'; step: number; valLoss: number }
  | { type: 'sample'; step: number; text: string; prompt: string; temperature: number; topK: number }
  | { type: 'export'; name: string; bytes: Uint8Array }
  | { type: 'error'; message: string };
